"""What a correct release is: equal to notebooks/, and free of solution code and hidden test text.

Used by `make release` (which refuses a bad release) and by the tests.
"""

from pathlib import Path

import nbformat

from autograde.build.hidden_sections import BEGIN_HIDDEN, END_HIDDEN, distinctive_lines, hidden_tests_of
from autograde.build.secret import secret_path
from autograde.build.stubs import BEGIN_SOLUTION, END_SOLUTION
from autograde.course import Course, CourseNotebook

# nbgrader adds these to a released cell: a checksum and the cell type it records (so autograde can detect a
# student changing them) in metadata.nbgrader, and LockCells' `deletable`/`editable` next to it. Outputs and
# execution counts are cleared anyway; cell ids are kept but not part of the contract.
ADDED_BY_NBGRADER = {"checksum", "cell_type"}


def comparable_cells(notebook) -> list[tuple[str, str, dict, dict]]:
    """(cell type, source, nbgrader metadata without what nbgrader adds, what the student's JupyterLab reads: tags
    such as raises-exception, and jupyter.source_hidden of the given cells) for every cell."""
    return [
        (cell.cell_type, cell.source,
         {k: v for k, v in cell.metadata.get("nbgrader", {}).items() if k not in ADDED_BY_NBGRADER},
         {k: cell.metadata[k] for k in ("tags", "jupyter") if k in cell.metadata})
        for cell in notebook.cells
    ]


def release_differences(student, released, name: str) -> list[str]:
    """How a released notebook differs from the student notebook it should equal (empty when equal)."""
    mine, theirs = comparable_cells(student), comparable_cells(released)
    if len(mine) != len(theirs):
        return [f"{name}: {len(theirs)} cells in the release, {len(mine)} in notebooks/"]
    problems = []
    for index, (want, got) in enumerate(zip(mine, theirs, strict=True)):
        for what, a, b in zip(("cell type", "source", "nbgrader metadata", "tags or collapsed state"), want, got,
                              strict=True):
            if a != b:
                problems.append(f"{name}, cell {index}: {what} differs between the release and notebooks/")
    return problems


def solution_lines(source_notebook) -> list[str]:
    """Every line written between ### BEGIN SOLUTION and ### END SOLUTION in a source notebook."""
    lines, inside = [], False
    for cell in source_notebook.cells:
        for line in cell.source.split("\n"):
            if BEGIN_SOLUTION in line:
                inside = True
            elif END_SOLUTION in line:
                inside = False
            elif inside:
                lines.append(line)
    return lines


def notebook_text(path: Path) -> str:
    return "\n".join(cell.source for cell in nbformat.read(path, as_version=4).cells)


def hidden_test_lines(item: CourseNotebook) -> list[str]:
    """Distinctive lines of the notebook's hidden tests that notebooks/ does not contain."""
    if not item.probe_path.is_file():
        return []
    student_text = notebook_text(item.student_path)
    candidates = [line for code in hidden_tests_of(item).values() for line in distinctive_lines(code)]
    return sorted({line for line in candidates if line not in student_text})


def solution_only_lines(item: CourseNotebook, source_path: Path) -> list[str]:
    """Distinctive lines of the solution bodies in the source notebook that notebooks/ does not contain."""
    student_text = notebook_text(item.student_path)
    candidates = distinctive_lines("\n".join(solution_lines(nbformat.read(source_path, as_version=4))))
    return sorted({line for line in candidates if line not in student_text})


def leaks(text: str, item: CourseNotebook, source_path: Path | None = None) -> list[str]:
    """Hidden-test markers and lines found in `text`; solution markers and lines too when `source_path` is given."""
    markers = (BEGIN_HIDDEN, END_HIDDEN) + ((BEGIN_SOLUTION, END_SOLUTION) if source_path else ())
    secrets = hidden_test_lines(item) + (solution_only_lines(item, source_path) if source_path else [])
    return [marker for marker in markers if marker in text] + [line for line in secrets if line in text]


def check_release(course: Course, items: list[CourseNotebook]) -> list[str]:
    """Every problem with the release of these notebooks (empty when it is right)."""
    problems = []
    secret = secret_path(course.root).read_text().strip() if secret_path(course.root).is_file() else None
    for path in sorted(course.release_dir.rglob("*")) if secret else []:
        if path.is_file() and secret in path.read_text(encoding="utf-8", errors="replace"):
            problems.append(f"{path.name}: the release contains the course secret")
    for item in items:
        released_path = course.release_dir / item.filename
        if not released_path.is_file():
            problems.append(f"{item.filename}: not in the release {course.release_dir}")
            continue
        released = nbformat.read(released_path, as_version=4)
        problems += release_differences(nbformat.read(item.student_path, as_version=4), released, item.filename)
        # decoded cell sources (JSON escapes quotes) and the raw file (metadata, outputs) are both searched
        text = "\n".join(cell.source for cell in released.cells) + released_path.read_text(encoding="utf-8")
        problems += [f"{item.filename}: the release contains {line!r}"
                     for line in leaks(text, item, course.source_dir / item.filename)]
    return problems
