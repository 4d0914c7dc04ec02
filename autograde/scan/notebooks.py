"""Static scan of submissions: flags code that tries to game or break grading, for the instructor to review.

    python -m autograde.scan DIR_OR_NOTEBOOK... [--release DIR]

Why static: the probe/judge split (autograde/grade/probe.py) already makes monkeypatching and lying objects score
nothing, but an attempt is worth knowing about, and some attacks (killing the kernel, touching the gradebook,
reading other files) aim at the grader rather than the score. Flags change no score; the grade report lists them.

Scanned: every code cell the student could have written: solution cells, cells they added, released unmarked cells
they changed. A locked cell (given code, tests) whose source differs from the release is flagged once as
"edited-locked-cell" (nbgrader restores it before running). Cells are matched to the release by nbgrader grade_id,
else by cell id. Sources go through IPython's TransformerManager (magics and `!shell` become Python calls), then
`ast`; rules are checks on the tree, with import aliases resolved (`import numpy as np`, `from numpy import testing`,
`t = np.testing`). `Flag.cell` is the cell's index in the submitted notebook (0-based), `Flag.line` is 1-based in
the cell.
"""

import ast
import difflib
import functools
import os
import stat
from pathlib import Path

import nbformat

from autograde.course import PROBLEMS_DIR
from autograde.grade.probe import KERNEL_HELPER
from autograde.scan.cell_scanner import scan_cell
from autograde.scan.flags import Flag
from autograde.scan.python_tree import bound_names, collect_aliases, parse_cell, remember_released
from autograde.scan.rules import BUILTIN_NAMES, CORE_CHECK_BUILTINS
from autograde.settings import MAX_NOTEBOOK_BYTES, PROBE_MIME


def normalized(source: str) -> str:
    """Cell source without trailing spaces and blank lines: what a re-save may change."""
    return "\n".join(line.rstrip() for line in source.strip().splitlines())


def first_changed_line(released: str, submitted: str) -> tuple[int, str]:
    """(1-based line in the submitted cell, its text) of the first difference."""
    old, new = released.splitlines(), submitted.splitlines()
    for tag, _, _, j1, j2 in difflib.SequenceMatcher(a=old, b=new, autojunk=False).get_opcodes():
        if tag != "equal":
            if j1 < j2:
                return j1 + 1, new[j1].strip()
            return max(j1, 1), "(lines deleted)"
    return 1, new[0].strip() if new else "(cell emptied)"


def cell_key(cell) -> tuple[str | None, str | None]:
    return cell.metadata.get("nbgrader", {}).get("grade_id"), cell.get("id")


def is_locked(cell) -> bool:
    meta = cell.metadata.get("nbgrader", {})
    return bool(meta.get("locked") or meta.get("grade")) and not meta.get("solution")


def given_definitions(cells) -> dict[str, str | None]:
    """Top-level names the locked non-test cells define -> the module an import binds them to (None otherwise)."""
    names: dict[str, str | None] = {}
    for cell in cells:
        meta = cell.metadata.get("nbgrader", {})
        if cell.cell_type != "code" or not meta.get("locked") or meta.get("grade"):
            continue
        tree, _ = parse_cell(cell.source)
        for node in tree.body if tree else []:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                names[node.name] = None
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    names[alias.asname or alias.name.split(".")[0]] = alias.name if alias.asname else alias.name.split(
                        ".")[0]
            elif isinstance(node, ast.ImportFrom) and node.module:
                for alias in node.names:
                    names[alias.asname or alias.name] = f"{node.module}.{alias.name}"
            elif isinstance(node, ast.Assign):
                for target in node.targets:
                    names.update({name.id: None for name in bound_names(target)})
    return names


GRADING_METADATA = ("grade_id", "grade", "solution", "locked", "points", "task")


def grading_metadata(cell) -> dict:
    meta = cell.metadata.get("nbgrader", {})
    return {key: meta.get(key) for key in GRADING_METADATA if meta.get(key) not in (None, False)}


def metadata_change(original, cell) -> str | None:
    """'points 1 -> 100' when the nbgrader fields that decide grading differ from the release, else None."""
    old, new = grading_metadata(original) if original is not None else {}, grading_metadata(cell)
    if old == new or (original is None and not {"grade", "points", "locked", "grade_id"} & set(new)):
        return None
    changed = [f"{key} {old.get(key)} -> {new.get(key)}" for key in GRADING_METADATA if old.get(key) != new.get(key)]
    return "nbgrader metadata: " + ", ".join(changed)


def forged_outputs(notebook) -> list[int]:
    """Cells whose saved outputs carry the probe's MIME type: only the grader's run may produce those."""
    return [index for index, cell in enumerate(notebook.cells)
            if any(PROBE_MIME in output.get("data", {}) for output in cell.get("outputs", []))]


def cells_to_scan(notebook, released) -> tuple[list[tuple], list[Flag]]:
    """([(index, cell, is_solution[, released source of an edited released cell])] of student-written cells,
    [flags on locked cells, metadata and outputs])."""
    by_grade_id, by_cell_id = {}, {}
    for cell in released.cells if released is not None else []:
        grade_id, cell_id = cell_key(cell)
        if grade_id:
            by_grade_id[grade_id] = cell
        if cell_id:
            by_cell_id[cell_id] = cell
    scan = []
    edited = [Flag("", index, 0, "forged-probe-output", f"a {PROBE_MIME} output") for index in forged_outputs(notebook)]
    for index, cell in enumerate(notebook.cells):
        if cell.cell_type != "code":
            continue
        grade_id, cell_id = cell_key(cell)
        original = by_grade_id.get(grade_id) if grade_id else None
        if original is None and cell_id:
            original = by_cell_id.get(cell_id)
        if released is not None and (change := metadata_change(original, cell)):
            edited.append(Flag("", index, 0, "edited-metadata", change))
        if released is None:
            if not is_locked(cell):
                scan.append((index, cell, bool(cell.metadata.get("nbgrader", {}).get("solution"))))
            continue
        if original is None or original.cell_type != "code":
            scan.append((index, cell, False))  # a cell the student added
            continue
        if is_locked(original):
            if normalized(original.source) != normalized(cell.source):
                line, text = first_changed_line(original.source, cell.source)
                edited.append(Flag("", index, line, "edited-locked-cell", text[:200]))
        elif original.metadata.get("nbgrader", {}).get("solution"):
            scan.append((index, cell, True))
        elif normalized(original.source) != normalized(cell.source):
            scan.append((index, cell, False, original.source))  # a released demo cell the student changed
    return scan, edited


def builtins_used_by_checks(notebook_name: str, released_cells) -> frozenset[str]:
    """The builtins the grading of this notebook calls: a student's top-level name hiding one of them is flagged."""
    given = tuple(cell.source for cell in released_cells if cell.cell_type == "code" and is_locked(cell))
    return _builtins_used(notebook_name, given)


# the same for every student of a class: parsed once per scanner process (without a release the cells are a
# student's: a small cache)
@functools.lru_cache(maxsize=32)
def _builtins_used(notebook_name: str, given: tuple[str, ...]) -> frozenset[str]:
    sources = list(given)
    for hidden in (PROBLEMS_DIR / notebook_name / "probe.py", PROBLEMS_DIR / "shared_probe.py"):
        if hidden.is_file():
            sources.append(hidden.read_text(encoding="utf-8"))
    sources.append(KERNEL_HELPER)
    used = set(CORE_CHECK_BUILTINS)
    for source in sources:
        tree, _ = parse_cell(source)
        used |= {node.id for node in ast.walk(tree) if isinstance(node, ast.Name) and node.id in BUILTIN_NAMES} \
            if tree else set()
    return frozenset(used)


def read_regular_file(path: Path) -> str:
    """The text of a regular file no larger than MAX_NOTEBOOK_BYTES; a symlink, fifo or device is never followed
    or waited on (OSError)."""
    fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(handle.fileno())
        if not stat.S_ISREG(info.st_mode):
            raise OSError(f"{path.name} is not a regular file")
        if info.st_size > MAX_NOTEBOOK_BYTES:
            raise OSError(f"{path.name} has {info.st_size} bytes, more than {MAX_NOTEBOOK_BYTES}")
        return handle.read(MAX_NOTEBOOK_BYTES + 1).decode("utf-8")


def scan_notebook(path: Path, released_path: Path | None = None) -> list[Flag]:
    """Flags for one submitted notebook, compared with its released version when given."""
    path = Path(path)
    if released_path is not None and not Path(released_path).is_file():
        raise FileNotFoundError(f"static scan: released notebook {released_path} does not exist")
    released = nbformat.read(released_path, as_version=4) if released_path is not None else None
    if released is not None:
        remember_released(cell.source for cell in released.cells if cell.cell_type == "code")
    try:
        notebook = nbformat.reads(read_regular_file(path), as_version=4)
    except MemoryError:
        raise
    except Exception as error:  # noqa: BLE001 - any unreadable submission is the same verdict
        return [Flag(path.stem, -1, 0, "unreadable-notebook", f"{type(error).__name__}: {error}"[:200])]
    scan, edited = cells_to_scan(notebook, released)
    flags = [Flag(path.stem, f.cell, f.line, f.rule, f.text) for f in edited]
    trees = [tree for cell in notebook.cells if cell.cell_type == "code" for tree in [parse_cell(cell.source)[0]]
             if tree is not None]
    aliases = collect_aliases(trees)
    given_cells = released.cells if released is not None else [c for c in notebook.cells if is_locked(c)]
    given_names = given_definitions(given_cells)
    checked_builtins = builtins_used_by_checks(path.stem, given_cells)
    for index, cell, solution, *original in scan:
        flags += scan_cell(path.stem, index, cell.source, aliases, given_names, solution, checked_builtins,
                           *original)
    return sorted(flags, key=lambda f: (f.cell, f.line, f.rule))


def scan_submission(folder: Path, release_dir: Path) -> list[Flag]:
    """Flags for every notebook of submitted/<student>/cnn1d, each compared with release_dir's notebook."""
    flags = []
    for path in sorted(Path(folder).glob("*.ipynb")):
        released = Path(release_dir) / path.name
        try:
            flags += scan_notebook(path, released if released.is_file() else None)
        except MemoryError:
            raise
        except Exception as error:  # noqa: BLE001 - one odd notebook must not stop the grading of the class
            flags.append(Flag(path.stem, -1, 0, "scan-error", f"{type(error).__name__}: {error}"[:200]))
    return flags
