"""`make release` checks notebooks/ before it writes anything: a notebook run or solved in place is refused with the
cell named, and no file of the course directory (source, release, gradebook) is created or changed."""

from dataclasses import dataclass
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_output

from autograde.build import source as build_source
from autograde.build.release import release
from autograde.course import Course, CourseNotebook, notebook_named
from autograde.demo_class.make_submissions import student_notebook

NAME = "01_simple_conv1d"


@dataclass(frozen=True)
class CopiedNotebook(CourseNotebook):
    """The course notebook, read from a copy the test may change."""

    folder: Path = Path()

    @property
    def student_path(self) -> Path:
        return self.folder / self.filename


def copied(tmp_path, change) -> CopiedNotebook:
    item = notebook_named(NAME)
    notebook = nbformat.read(item.student_path, as_version=4)
    change(notebook)
    nbformat.write(notebook, tmp_path / item.filename)
    return CopiedNotebook(item.number, item.name, tmp_path)


def errors_of(item) -> list[str]:
    _, _, report = build_source.build_one(item)
    return report.errors


def solve_in_place(notebook):
    solved = student_notebook(notebook, notebook_named(NAME).solution_module)
    notebook.cells = solved.cells


def run_in_place(notebook):
    cell = next(c for c in notebook.cells if c.cell_type == "code" and not c.metadata.get("nbgrader"))
    cell.outputs = [new_output("stream", name="stdout", text="42\n")]
    cell.execution_count = 3


def test_the_course_notebooks_pass_the_preflight():
    for name in ("01_simple_conv1d", "08_mnist_classifier"):
        assert errors_of(notebook_named(name)) == []


def test_a_notebook_solved_in_place_is_refused_naming_the_functions(tmp_path):
    errors = errors_of(copied(tmp_path, solve_in_place))
    solved = [error for error in errors if "holds code instead of the stub" in error]
    assert [error.split(": ")[1].split(" ")[0] for error in solved] == [
        "SimpleConv1d.__init__", "SimpleConv1d.forward", "SimpleConv1d.backward"]
    assert all("(solution_simple_conv1d)" in error for error in solved)


def test_a_notebook_run_in_place_is_refused_naming_the_cell(tmp_path):
    errors = errors_of(copied(tmp_path, run_in_place))
    assert len(errors) == 1 and "has 1 outputs" in errors[0] and "blank student version" in errors[0]


@pytest.mark.parametrize("change", [solve_in_place, run_in_place], ids=["solved", "run"])
def test_release_writes_nothing_when_a_notebook_is_not_blank(tmp_path, monkeypatch, change):
    item = copied(tmp_path, change)
    monkeypatch.setattr(build_source, "course_notebooks", lambda: [item])
    course = Course(tmp_path / "course")
    assert release(course) is False
    assert not course.root.exists()  # no source, no release, no gradebook, no backup
