"""The demo class generator: every bug of partial_bugs.py applies to today's reference, missing notebooks are
reported, and the three students differ exactly as intended. Uses notebooks/ as the release (they are equal:
tests/test_pipeline_end_to_end.py checks that), so no nbgrader run is needed here."""

import shutil

import nbformat
import pytest

from autograde.course import Course, course_notebooks
from autograde.demo_class.make_submissions import apply_bug, make_demo_class, reference_bodies
from autograde.demo_class.partial_bugs import BUGS
from autograde.solution_bodies import find_stubs

PRESENT = {item.name: item for item in course_notebooks()}


@pytest.mark.parametrize("bug", [b for b in BUGS if b.notebook in PRESENT], ids=lambda b: f"{b.notebook}:{b.function}")
def test_bug_applies_to_the_reference(bug):
    item = PRESENT[bug.notebook]
    notebook = nbformat.read(item.student_path, as_version=4)
    cells = [c for c in notebook.cells if any(s.qualname == bug.function for s in find_stubs(c.source))]
    assert cells, f"{item.filename} has no stub {bug.function}"
    body = reference_bodies(cells[0].source, item.solution_module)[bug.function]
    assert apply_bug(body, bug) != body


def test_demo_class_from_a_partial_release(tmp_path):
    course = Course(tmp_path)
    first = course_notebooks()[0]
    course.release_dir.mkdir(parents=True)
    shutil.copyfile(first.student_path, course.release_dir / first.filename)
    other = course.submitted_dir / "someone" / "cnn1d" / "keep.txt"
    other.parent.mkdir(parents=True)
    other.write_text("a real student's file")

    log = make_demo_class(course)

    missing = [line for line in log if "is not in the release" in line]
    assert len(missing) == len(course_notebooks()) - 1
    assert other.read_text() == "a real student's file"
    read = {s: nbformat.read(course.submission_dir(s) / first.filename, as_version=4) for s in ("blank", "reference",
                                                                                                  "partial")}
    assert read["blank"] == nbformat.read(first.student_path, as_version=4)
    assert not any(find_stubs(c.source) for c in read["reference"].cells if c.cell_type == "code")
    changed = [i for i, (a, b) in enumerate(zip(read["reference"].cells, read["partial"].cells, strict=True))
               if a.source != b.source]
    functions = {b.function for b in BUGS if b.notebook == first.name}
    with_bugs = [i for i, c in enumerate(read["blank"].cells) if {s.qualname for s in find_stubs(c.source)} & functions]
    assert changed == with_bugs
