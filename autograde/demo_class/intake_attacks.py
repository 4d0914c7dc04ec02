"""Hostile demo students that attack the intake (part of hostile_attacks.ATTACKS): what they put in their submission
folder, and what they do to the notebook's structure and nbgrader metadata.

Folder attacks (`folder_edit`, run on submitted/<id>/cnn1d after the notebook is written): links, hard links, fifos
and devices that point at the hidden solutions, the model answer, the gradebook or /proc files. The intake never
reads them (autograde/grade/submission_check.py): a notebook that is one scores 0, an extra file is never copied into
autograded/ or feedback/, and none can make the run fail. Notebook attacks (`notebook_edit`): metadata edits that
made nbgrader fail for the whole student, an added grade cell with points, a deleted, retyped or moved test cell;
the rebuild from the release (autograde/grade/rebuild.py) grades them as released. Each is the reference with the
notebook's demo mistakes (the cheat hides a failing test), so it must lose exactly those points, and be flagged
(`flagged`: rule id and a piece of the flag's text).
"""

import os
import shutil
from pathlib import Path

import nbformat

from autograde.course import NOTEBOOKS_DIR, REPO, Course

FAILING_TEST = "test_batch_backward_dB"  # what 06_minibatch's demo mistake (dB a mean) fails


def every_grade_cell(notebook: str) -> dict[str, int]:
    """grade_id -> points of every grade cell of a released notebook: what a notebook that is not read loses."""
    cells = nbformat.read(NOTEBOOKS_DIR / f"{notebook}.ipynb", as_version=4).cells
    return {meta["grade_id"]: meta["points"] for cell in cells
            for meta in [cell.metadata.get("nbgrader", {})] if meta.get("grade")}


def cell_with(notebook, grade_id: str):
    return next(cell for cell in notebook.cells if cell.metadata.get("nbgrader", {}).get("grade_id") == grade_id)


# --- notebook edits ----------------------------------------------------------------------------------------------


def set_metadata(grade_id: str, /, **changes):
    def edit(notebook):
        cell_with(notebook, grade_id).metadata["nbgrader"].update(changes)
    return edit


def add_grade_cell(notebook):
    """A cell after the solution that claims 50 points and passes (it is the student's own, never a test)."""
    cell = nbformat.v4.new_code_cell("print('50 points for me')")
    cell.metadata["nbgrader"] = {"grade": True, "grade_id": "bonus_points", "locked": False, "points": 50,
                                 "schema_version": 3, "solution": False, "task": False}
    notebook.cells.insert(notebook.cells.index(cell_with(notebook, "solution_conv1d")) + 1, cell)


def delete_cell(notebook):
    notebook.cells.remove(cell_with(notebook, FAILING_TEST))


def restructure(notebook):
    """The failing test saved as markdown, and every other test moved to the top of the notebook."""
    failing = cell_with(notebook, FAILING_TEST)
    failing.cell_type = "markdown"
    del failing["outputs"], failing["execution_count"]
    tests = [cell for cell in notebook.cells if cell.metadata.get("nbgrader", {}).get("grade") and cell is not failing]
    notebook.cells = tests + [cell for cell in notebook.cells if cell not in tests]


# --- folder edits ------------------------------------------------------------------------------------------------


def link_solutions(folder: Path, course: Course) -> None:
    """The hidden model answer beside the notebook: copied into feedback/, it would give the solution back."""
    (folder / "p7_stride.py").symlink_to(REPO / "solutions" / "p7_stride.py")
    (folder / "solutions").symlink_to(REPO / "solutions")


def with_a_readable_notebook(folder: Path, course: Course) -> None:
    """The reference's 02_output_size beside the attacked notebook: with no readable notebook at all the student
    would be skipped (nothing to grade), not graded."""
    shutil.copyfile(course.submission_dir("reference") / "02_output_size.ipynb", folder / "02_output_size.ipynb")


def link_notebook_to_answer(folder: Path, course: Course) -> None:
    """The notebook is a link to the model answer with the hidden tests (course/source/)."""
    (folder / "06_minibatch.ipynb").unlink()
    (folder / "06_minibatch.ipynb").symlink_to(course.source_dir / "06_minibatch.ipynb")
    with_a_readable_notebook(folder, course)


def hard_link_notebook_to_answer(folder: Path, course: Course) -> None:
    """The same with a hard link: the file is the model answer, under a second name."""
    (folder / "07_stride.ipynb").unlink()
    os.link(course.source_dir / "07_stride.ipynb", folder / "07_stride.ipynb")
    with_a_readable_notebook(folder, course)


def fifo_notebook(folder: Path, course: Course) -> None:
    """A notebook that is a fifo: whoever opens it to read waits forever."""
    (folder / "06_minibatch.ipynb").unlink()
    os.mkfifo(folder / "06_minibatch.ipynb")
    with_a_readable_notebook(folder, course)


def moving_targets(folder: Path, course: Course) -> None:
    """Links to files that change during a run (/proc files, the gradebook the merge writes), a hard link to the
    gradebook, a fifo as timestamp.txt, and (as root) a device that never ends: a digest or a copy that followed
    them would fail the whole class's run ("files in submitted changed") or hang it."""
    (folder / "status").symlink_to("/proc/self/status")
    (folder / "loadavg").symlink_to("/proc/loadavg")
    (folder / "gradebook.db").symlink_to(course.gradebook)
    os.link(course.gradebook, folder / "grades.db")
    os.mkfifo(folder / "timestamp.txt")
    if os.geteuid() == 0:
        os.mknod(folder / "urandom", 0o444 | 0o020000, os.makedev(1, 9))  # /dev/urandom
