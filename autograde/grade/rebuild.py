"""Rebuild a submitted notebook from the release before nbgrader sees it: nbgrader grades what the course released,
with the student's answers in it, whatever the student did to the notebook's structure or metadata.

    rebuild(submitted_json, released_notebook) -> (notebook to grade, [Change])

The released cells that carry nbgrader metadata (a grade_id: given/locked cells, solution cells, test cells) are
the skeleton. Every one of them is in the rebuilt notebook, in the release's order, with the release's cell type, id
and metadata; locked and test cells with the release's source too. Only the student's source of each solution cell
is kept. All other cells of the submission (markdown and demo cells of the release, cells the student added, copies)
are the student's own: kept with their source and type, placed after the skeleton cell that precedes them in the
submission, with no metadata (so an added "grade cell with points" is a plain cell) and no outputs.

A submitted cell is matched to a skeleton cell by its nbgrader grade_id, else by its cell id (a cell whose grade_id
was edited). The first match wins; later duplicates are the student's own cells. What the rebuild changes is
returned as Changes; those with a rule become static-scan flags (cell = index in the submitted notebook): a deleted
locked or test cell (restored), a released cell whose type was changed (graded with the release's type), skeleton
cells in another order (graded in the release's). Edited metadata and edited locked cells are flagged by the scan
itself (autograde/scan/notebooks.py), from the submission as received.

Why: nbgrader trusts the submitted metadata; a changed `grade` or `solution` flag, grade_id, or an added grade cell
with points made it fail ("Inconsistent checksums", KeyError 'grade_id') and the whole student was left ungraded.
"""

import copy
import re
from dataclasses import dataclass

import nbformat
from nbformat import NotebookNode

CELL_ID = re.compile(r"^[a-zA-Z0-9-_]{1,64}$")  # nbformat 4.5
CELL_TYPES = ("code", "markdown", "raw")


@dataclass(frozen=True)
class Change:
    rule: str  # a static-scan rule id for what deserves review, "" for a note only
    cell: int  # index of the cell in the submitted notebook (-1: a cell that is not there)
    text: str


@dataclass(frozen=True)
class SubmittedCell:
    index: int
    cell_type: str
    source: str
    cell_id: str | None
    grade_id: str | None


def grade_id(cell) -> str | None:
    meta = cell.get("metadata")
    nbgrader = meta.get("nbgrader") if isinstance(meta, dict) else None
    value = nbgrader.get("grade_id") if isinstance(nbgrader, dict) else None
    return value if isinstance(value, str) and value else None


def submitted_cells(notebook: dict) -> tuple[list[SubmittedCell], list[Change]]:
    """The cells of a parsed submission that are well-formed enough to take a source from; the others are noted."""
    cells, changes = [], []
    for index, cell in enumerate(notebook.get("cells", [])):
        source = cell.get("source") if isinstance(cell, dict) else None
        if isinstance(source, list) and all(isinstance(line, str) for line in source):
            source = "".join(source)
        if not isinstance(cell, dict) or cell.get("cell_type") not in CELL_TYPES or not isinstance(source, str):
            changes.append(Change("", index, "a malformed cell (no type or source): left out"))
            continue
        cell_id = cell.get("id") if isinstance(cell.get("id"), str) else None
        if not source.isascii():  # JSON may carry lone surrogates ("\ud800"), which no file can hold
            source = source.encode("utf-8", "replace").decode("utf-8")
        cells.append(SubmittedCell(index, cell["cell_type"], source, cell_id, grade_id(cell)))
    return cells, changes


def match_skeleton(skeleton: list, cells: list[SubmittedCell]) -> dict[int, int]:
    """skeleton position -> index in `cells` of the submitted cell that stands for it (grade_id first, then id)."""
    by_grade = {grade_id(cell): position for position, cell in enumerate(skeleton)}
    by_id = {cell.get("id"): position for position, cell in enumerate(skeleton) if cell.get("id")}
    matched: dict[int, int] = {}
    taken: set[int] = set()
    for key, table in (("grade_id", by_grade), ("cell_id", by_id)):
        for number, cell in enumerate(cells):
            position = table.get(getattr(cell, key))
            if number not in taken and position is not None and position not in matched:
                matched[position] = number
                taken.add(number)
    return matched


def is_solution(cell) -> bool:
    return bool(cell.metadata.get("nbgrader", {}).get("solution"))


def describe(cell) -> str:
    meta = cell.metadata.get("nbgrader", {})
    kind = "test cell" if meta.get("grade") and not meta.get("solution") else (
        "solution cell" if meta.get("solution") else "given cell")
    return f"{kind} {meta.get('grade_id')}"


def own_cell(cell: SubmittedCell, used_ids: set[str]) -> NotebookNode:
    """A cell the student wrote (or kept from the release's unmarked cells): source and type only."""
    cell_id = cell.cell_id if cell.cell_id and CELL_ID.match(cell.cell_id) and cell.cell_id not in used_ids else None
    number = cell.index
    while cell_id is None or cell_id in used_ids:
        cell_id, number = f"student-cell-{number}", number + 1
    used_ids.add(cell_id)
    make = {"code": nbformat.v4.new_code_cell, "markdown": nbformat.v4.new_markdown_cell,
            "raw": nbformat.v4.new_raw_cell}[cell.cell_type]
    new = make(cell.source)
    new.id = cell_id
    return new


def rebuild(submitted: dict, released: NotebookNode) -> tuple[NotebookNode, list[Change]]:
    """The notebook nbgrader grades for this submission, and what was changed to make it (module docstring)."""
    cells, changes = submitted_cells(submitted)
    skeleton = [cell for cell in released.cells if grade_id(cell)]
    matched = match_skeleton(skeleton, cells)
    owner = {number: position for position, number in matched.items()}

    # the student's own cells, each after the skeleton cell before it in the submission (-1: before all of them)
    after: dict[int, list[SubmittedCell]] = {}
    anchor, highest = -1, -1
    skeleton_ids = {grade_id(cell) for cell in skeleton}
    for number, cell in enumerate(cells):
        if number in owner:
            anchor = owner[number]
            if anchor < highest:
                changes.append(Change("moved-cell", cell.index, f"{describe(skeleton[anchor])} moved: graded in "
                                                                "the release's order"))
            highest = max(highest, anchor)
        else:
            if cell.grade_id in skeleton_ids:
                changes.append(Change("", cell.index, f"a copy of {cell.grade_id}: graded as the student's own cell"))
            after.setdefault(anchor, []).append(cell)

    used_ids = {cell.get("id") for cell in skeleton if cell.get("id")}
    notebook = nbformat.v4.new_notebook(metadata=copy.deepcopy(released.metadata))
    notebook.nbformat_minor = max(released.nbformat_minor, 5)
    notebook.cells = [own_cell(cell, used_ids) for cell in after.get(-1, [])]
    for position, original in enumerate(skeleton):
        cell = copy.deepcopy(original)
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
        if position not in matched:
            if not is_solution(original):
                changes.append(Change("deleted-graded-cell", -1, f"{describe(original)} deleted: restored"))
        else:
            mine = cells[matched[position]]
            if mine.cell_type != original.cell_type:
                text = f"{describe(original)} saved as {mine.cell_type}: graded as {original.cell_type}"
                changes.append(Change("changed-cell-type", mine.index, text))
            if is_solution(original):
                cell.source = mine.source
        notebook.cells.append(cell)
        notebook.cells += [own_cell(mine, used_ids) for mine in after.get(position, [])]
    nbformat.validate(notebook)
    return notebook, changes
