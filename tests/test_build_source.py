"""The source builder on a small pilot notebook, and the format checks on every course notebook present.

The pilot (built here with nbformat, solution in tests/fixtures/pilot_solution.py) exercises each rule of
docs/notebook-format.md; the nbgrader preprocessors generate_assignment uses then turn its source back into it.
"""

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook
from nbgrader.preprocessors import ClearHiddenTests, ClearSolutions

from autograde.build import source as build_source
from autograde.build.given_cells import render_given
from autograde.build.hidden_sections import BEGIN_HIDDEN, END_HIDDEN
from autograde.build.stubs import BEGIN_SOLUTION, find_stubs
from autograde.course import REPO, course_notebooks
from autograde.grade.probe import KERNEL_HELPER, SEED_PLACEHOLDER

MODULE = "tests.fixtures.pilot_solution"
WHERE = "00_pilot.ipynb, problem 0"
STUB = "# YOUR CODE HERE\n{indent}raise NotImplementedError()"


def meta(grade_id, solution=False, grade=False, points=None):
    data = {"grade": grade, "grade_id": grade_id, "locked": not solution, "schema_version": 3,
            "solution": solution, "task": False}
    if points is not None:
        data["points"] = points
    return {"nbgrader": data}


def pilot(given_source=None):
    """A notebook in the course format: given cell, two solution cells, two grade cells, a free cell."""
    given = given_source or render_given("# GIVEN: validation", REPO)
    function = 'def double(x):\n    """Twice x."""\n    ' + STUB.format(indent="    ")
    klass = ("class Scaler:\n    def __init__(self, factor,\n                 offset=0.0):\n        "
             + STUB.format(indent="        ") + "\n\n    def apply(self, x):\n        \"\"\"doc\"\"\"\n        "
             + STUB.format(indent="        "))
    return new_notebook(cells=[
        new_markdown_cell("## 【問題0】pilot"),
        new_code_cell(given, metadata={**meta("given_helpers"), "jupyter": {"source_hidden": True}}),
        new_code_cell(function, metadata=meta("solution_double", solution=True)),
        new_code_cell(klass, metadata=meta("solution_scaler", solution=True)),
        new_code_cell("assert double(2) == 4", metadata=meta("test_double", grade=True, points=1)),
        new_code_cell("assert Scaler(2, 1).apply(1) == 3", metadata=meta("test_scaler", grade=True, points=2)),
        new_code_cell("# scratch"),
    ])


SECTIONS = {"test_double": "assert double(-3) == -6", "test_scaler": "assert Scaler(3).apply(2) == 6"}


def release_of(source):
    """What nbgrader generate_assignment does to solution and hidden-test regions."""
    stubs = ClearSolutions(code_stub={"python": "# YOUR CODE HERE\nraise NotImplementedError()"})
    for cell in source.cells:
        if cell.cell_type == "code":
            stubs._replace_solution_region(cell, "python")
            ClearHiddenTests()._remove_hidden_test_region(cell)
    return source


def test_pilot_source_fills_every_stub_and_appends_hidden_sections():
    source, report = build_source.assemble(pilot(), WHERE, MODULE, SECTIONS)
    assert report.errors == []
    assert [name.split(": ")[1] for name in report.filled] == ["double", "Scaler.__init__", "Scaler.apply"]
    assert report.hidden == ["test_double", "test_scaler"]
    cells = [cell.source for cell in source.cells]
    assert f"    {BEGIN_SOLUTION}\n    # a comment before the first statement belongs to the body\n" in cells[2]
    assert f"        {BEGIN_SOLUTION}\n        text = \"\"\"a string\nat column 0 inside the body\"\"\"" in cells[3]
    # every hidden section starts with the kernel's _probe helper (a failed visible test above must not undefine it)
    # and the line the grader replaces with the run's seed
    assert cells[4] == (f"assert double(2) == 4\n{BEGIN_HIDDEN}\n{KERNEL_HELPER}\n\n\n{SEED_PLACEHOLDER}\n\n\n"
                        f"assert double(-3) == -6\n{END_HIDDEN}")
    assert not any(find_stubs(text) for text in cells)
    namespace = {}
    for text in cells[1:6]:
        exec(text, namespace)  # the source runs: reference bodies pass visible and hidden tests


def test_pilot_release_equals_the_student_notebook():
    student = pilot()
    source, _ = build_source.assemble(student, WHERE, MODULE, SECTIONS)
    assert [c.source for c in release_of(source).cells] == [c.source for c in student.cells]


def test_hidden_section_without_grade_cell_is_an_error_naming_notebook_and_problem():
    _, report = build_source.assemble(pilot(), WHERE, MODULE, dict(SECTIONS, test_missing="assert False"))
    assert report.errors == [f"{WHERE}: hidden section '# %% test_missing' names no grade cell of the notebook"]


def test_unknown_function_is_an_error_naming_notebook_cell_and_problem():
    notebook = pilot()
    notebook.cells[2].source = notebook.cells[2].source.replace("def double", "def triple")
    _, report = build_source.assemble(notebook, WHERE, MODULE, SECTIONS)
    assert report.errors[0].startswith(f"{WHERE}, cell 2 (solution_double): cannot fill stub from {MODULE}")
    assert "triple" in report.errors[0]
    assert any("stub left unfilled" in error for error in report.errors)


def test_given_cell_drift_is_an_error():
    drifted = render_given("# GIVEN: validation", REPO) + "\n# edited by hand"
    _, report = build_source.assemble(pilot(drifted), WHERE, MODULE, SECTIONS)
    assert report.given_drift == [1]
    assert report.errors == [f"{WHERE}, cell 1 (given_helpers): given cell differs from solutions/ "
                             "(run `make sync-given`)"]


def test_stub_outside_a_solution_cell_and_renamed_parameter_are_errors():
    notebook = pilot()
    notebook.cells[6].source = "def f():\n    " + STUB.format(indent="    ")
    notebook.cells[2].source = notebook.cells[2].source.replace("double(x)", "double(y)")
    _, report = build_source.assemble(notebook, WHERE, MODULE, SECTIONS)
    assert f"{WHERE}, cell 6: a stub in a cell that is not a solution cell" in report.errors
    assert f"{WHERE}, cell 2 (solution_double): double takes (y) in the notebook but (x) in {MODULE}" in report.errors


def test_hidden_section_ending_in_an_expression_is_a_warning():
    _, report = build_source.assemble(pilot(), WHERE, MODULE, dict(SECTIONS, test_double="Scaler(1).apply(0)"))
    assert report.errors == []
    assert report.warnings == [f"{WHERE}, cell 4 (test_double): its hidden section ends with an expression, whose "
                               "value Jupyter would display (assign it, e.g. `_ = ...`)"]


def test_different_default_is_only_a_warning():
    notebook = pilot()
    notebook.cells[3].source = notebook.cells[3].source.replace("offset=0.0", "offset=1.0")
    _, report = build_source.assemble(notebook, WHERE, MODULE, SECTIONS)
    assert report.errors == []
    assert report.warnings == [f"{WHERE}, cell 3 (solution_scaler): Scaler.__init__ defaults differ from {MODULE}: "
                               "offset=1.0 vs 0.0"]


@pytest.mark.parametrize("item", course_notebooks(), ids=lambda item: item.name)
def test_course_notebook_builds_cleanly(item):
    """Given cells in sync with solutions/, every hidden section names a grade cell, every stub is filled."""
    student, source, report = build_source.build_one(item)
    assert report.errors == []
    assert report.filled, f"{item.filename} has no stub"
    assert not any(find_stubs(cell.source) for cell in source.cells if cell.cell_type == "code")
    assert [c.source for c in release_of(nbformat.from_dict(source)).cells] == [c.source for c in student.cells]


def test_hidden_section_ending_in_a_probe_call_is_not_a_warning():
    sections = dict(SECTIONS, test_double='_probe("test_double", [], f)')
    _, report = build_source.assemble(pilot(), WHERE, MODULE, sections)
    assert report.errors == [] and report.warnings == []
