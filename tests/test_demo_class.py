"""The demo class generator: every demo mistake (autograde/problems/*/mistakes.py) applies to today's reference, missing
notebooks are reported, and the three students differ exactly as intended. Uses notebooks/ as the release (they are
equal: tests/test_pipeline_end_to_end.py checks that), so no nbgrader run is needed here."""

import shutil

import nbformat
import pytest

from autograde.build.stubs import find_stubs
from autograde.course import Course, course_notebooks
from autograde.demo_class.make_submissions import make_demo_class, student_notebook
from autograde.problems.mistake import demo_mistakes

PRESENT = {item.name: item for item in course_notebooks()}
DEMO = [(item, mistake) for item in PRESENT.values() for mistake in demo_mistakes(item)]


@pytest.mark.parametrize(("item", "mistake"), DEMO, ids=[f"{item.name}: {mistake.title}" for item, mistake in DEMO])
def test_demo_mistake_applies_to_the_reference(item, mistake):
    released = nbformat.read(item.student_path, as_version=4)
    reference = student_notebook(released, item.solution_module)
    partial = student_notebook(released, item.solution_module, [mistake])
    assert [c.source for c in partial.cells] != [c.source for c in reference.cells]


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
    edited = {old for mistake in demo_mistakes(first) for old, _ in mistake.edits}
    with_bugs = [i for i, c in enumerate(read["reference"].cells) if any(old in c.source for old in edited)]
    assert changed == with_bugs
