"""autograde/grade/rebuild.py: whatever a student did to the notebook's structure or metadata, nbgrader gets the
release's cells and metadata with the student's solutions and own cells in them, and the change is reported."""

import copy
import json

import nbformat
import pytest

from autograde.course import NOTEBOOKS_DIR, REPO, notebook_named
from autograde.demo_class.make_submissions import student_notebook
from autograde.grade.rebuild import grade_id, rebuild

NAME = "06_minibatch"


@pytest.fixture(scope="module")
def released():
    return nbformat.read(NOTEBOOKS_DIR / f"{NAME}.ipynb", as_version=4)


@pytest.fixture(scope="module")
def reference(released):
    import sys

    sys.path.insert(0, str(REPO))
    return student_notebook(copy.deepcopy(released), notebook_named(NAME).solution_module)


def as_json(notebook) -> dict:
    return json.loads(nbformat.writes(notebook))


def skeleton(notebook) -> list[tuple]:
    return [(cell.cell_type, cell.id, cell.metadata.get("nbgrader"), cell.source) for cell in notebook.cells
            if grade_id(cell) and not cell.metadata["nbgrader"].get("solution")]


def solutions(notebook) -> dict[str, str]:
    return {grade_id(cell): cell.source for cell in notebook.cells
            if grade_id(cell) and cell.metadata["nbgrader"].get("solution")}


def cells_of(notebook, key) -> list[int]:
    return [index for index, cell in enumerate(notebook.cells) if grade_id(cell) == key]


def test_an_honest_submission_is_rebuilt_as_it_was(released, reference):
    rebuilt, changes = rebuild(as_json(reference), released)
    assert changes == []
    assert [(c.cell_type, c.id, c.source, c.metadata.get("nbgrader")) for c in rebuilt.cells] == \
        [(c.cell_type, c.id, c.source, c.metadata.get("nbgrader")) for c in reference.cells]
    assert solutions(rebuilt) != solutions(released)  # the student's answers, not the stubs


@pytest.mark.parametrize("edit", ["grade", "solution", "grade_id", "points", "locked"])
def test_edited_nbgrader_metadata_is_restored(released, reference, edit):
    """Changing a grade cell's grade flag, grade_id or points, or a solution cell's solution flag, made nbgrader fail
    ("Inconsistent checksums", KeyError 'grade_id'): the release's metadata is graded."""
    student = as_json(reference)
    test = next(c for c in student["cells"]
                if c["metadata"].get("nbgrader", {}).get("grade_id") == "test_batch_forward_values")
    solution = next(c for c in student["cells"] if c["metadata"].get("nbgrader", {}).get("solution"))
    changes = {"grade": (test, False), "grade_id": (test, "test_mine"), "points": (test, 100),
               "locked": (test, False), "solution": (solution, False)}
    cell, value = changes[edit]
    cell["metadata"]["nbgrader"][edit] = value
    if edit == "grade_id":
        cell["source"] = "pass\n"  # and the test itself gutted: matched by its cell id, restored
    rebuilt, found = rebuild(student, released)
    assert skeleton(rebuilt) == skeleton(released)
    assert solutions(rebuilt) == solutions(reference)
    assert found == []  # the scan flags metadata edits itself (edited-metadata), from the submission as received


def test_added_grade_cell_with_points_is_a_plain_cell(released, reference):
    student = as_json(reference)
    forged = nbformat.v4.new_code_cell("print('free points')")
    forged.metadata["nbgrader"] = {"grade": True, "grade_id": "bonus", "points": 50, "locked": False,
                                   "solution": False, "schema_version": 3}
    student["cells"].insert(5, json.loads(json.dumps(forged)))
    rebuilt, _ = rebuild(student, released)
    added = [cell for cell in rebuilt.cells if cell.source == "print('free points')"]
    assert len(added) == 1 and added[0].metadata == {} and added[0].cell_type == "code"
    assert sum(cell.metadata.get("nbgrader", {}).get("points", 0) for cell in rebuilt.cells) == \
        sum(cell.metadata.get("nbgrader", {}).get("points", 0) for cell in released.cells)


def test_deleted_test_cell_is_restored_and_flagged(released, reference):
    student = as_json(reference)
    student["cells"] = [c for c in student["cells"]
                        if c["metadata"].get("nbgrader", {}).get("grade_id") != "test_batch_backward_dB"]
    rebuilt, changes = rebuild(student, released)
    assert skeleton(rebuilt) == skeleton(released)
    assert [(c.rule, c.text) for c in changes] == [("deleted-graded-cell", "test cell test_batch_backward_dB "
                                                                            "deleted: restored")]


def test_deleted_solution_cell_gets_the_stub_unflagged(released, reference):
    student = as_json(reference)
    student["cells"] = [c for c in student["cells"]
                        if c["metadata"].get("nbgrader", {}).get("grade_id") != "solution_conv1d"]
    rebuilt, changes = rebuild(student, released)
    assert solutions(rebuilt)["solution_conv1d"] == solutions(released)["solution_conv1d"]
    assert changes == []


def test_moved_cells_are_graded_in_the_release_order(released, reference):
    """A test moved above the solution it tests, and the student's helper cell moved with the solution."""
    student = as_json(reference)
    cells = student["cells"]
    solution = cells_of(reference, "solution_conv1d")[0]
    helper = json.loads(json.dumps(nbformat.v4.new_code_cell("HELPER = 1")))
    cells.insert(solution + 1, helper)
    last_test = cells_of(reference, "test_errors")[0] + 1
    moved = cells.pop(last_test)
    cells.insert(0, moved)
    rebuilt, changes = rebuild(student, released)
    assert skeleton(rebuilt) == skeleton(released)
    order = [grade_id(cell) or cell.source for cell in rebuilt.cells]
    assert order.index("HELPER = 1") == order.index("solution_conv1d") + 1
    assert [c.rule for c in changes] == ["moved-cell"] * len(changes) and changes


def test_changed_cell_types(released, reference):
    """A test cell saved as markdown is graded as code; a solution saved as markdown is still the student's code."""
    student = as_json(reference)
    for cell in student["cells"]:
        key = cell["metadata"].get("nbgrader", {}).get("grade_id")
        if key in ("test_single_sample", "solution_conv1d"):
            cell["cell_type"] = "markdown"
            cell.pop("outputs", None), cell.pop("execution_count", None)
    rebuilt, changes = rebuild(student, released)
    assert skeleton(rebuilt) == skeleton(released)
    assert solutions(rebuilt) == solutions(reference)
    assert all(cell.cell_type == "code" for cell in rebuilt.cells if grade_id(cell))
    assert sorted(c.rule for c in changes) == ["changed-cell-type"] * 2


def test_duplicated_cells_and_ids(released, reference):
    """A copied solution cell (same grade_id and cell id) runs after the original, as the student's own cell; every
    id in the rebuilt notebook is unique."""
    student = as_json(reference)
    solution = cells_of(reference, "solution_conv1d")[0]
    copied = copy.deepcopy(student["cells"][solution])
    copied["source"] = ["# my second try\n", *copied["source"]]  # nbformat writes sources as lists of lines
    student["cells"].insert(solution + 1, copied)
    student["cells"][2]["id"] = student["cells"][3]["id"]  # two markdown cells with one id
    rebuilt, changes = rebuild(student, released)
    ids = [cell.id for cell in rebuilt.cells]
    assert len(ids) == len(set(ids))
    assert solutions(rebuilt) == solutions(reference)
    position = cells_of(rebuilt, "solution_conv1d")[0]
    copy_cell = rebuilt.cells[position + 1]
    assert copy_cell.source.startswith("# my second try") and copy_cell.metadata == {}
    assert [c.rule for c in changes] == [""]  # a copy is noted, not flagged


def test_malformed_cells_are_left_out(released, reference):
    student = as_json(reference)
    student["cells"] += [None, {"cell_type": "code"}, {"cell_type": "weird", "source": "x"}, {"source": 3}]
    rebuilt, changes = rebuild(student, released)
    assert skeleton(rebuilt) == skeleton(released) and len(changes) == 4
    assert {c.rule for c in changes} == {""}


def test_lone_surrogates_cannot_break_the_copy(released, reference):
    student = as_json(reference)
    student["cells"].append(json.loads('{"cell_type": "code", "id": "s", "metadata": {}, "outputs": [], '
                                       '"execution_count": null, "source": "x = 1  # \\ud800"}'))
    rebuilt, _ = rebuild(student, released)
    assert nbformat.writes(rebuilt).encode("utf-8").count(b"x = 1  # ?") == 1
