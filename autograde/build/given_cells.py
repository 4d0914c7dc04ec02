"""Given cells: code the student uses but does not write, rendered for students from the modules in solutions/.

A given cell's first line is its marker, naming the modules by name only (no folder):

    # GIVEN (read-only, run it / 読み取り専用・実行のみ): validation, checks

`render_given` rebuilds the rest from solutions/validation.py, solutions/checks.py: the modules' imports gathered
once at the top (without `from solutions... import`, whose names the cell itself defines), then each module under a
one-line heading made from its docstring's first line, its code without lint pragmas (`# noqa`, `# type: ignore`,
`# ruff:`, `# pragma:`, `# fmt:`). A cell that gives `checks` also gets, last, the notebook's table of its checks'
known wrong answers (autograde/problems/NN_slug/visible_mistakes.py, generated from the catalogue of mistakes by
autograde/build/visible_mistakes.py), when the notebook has one; no other module of autograde/problems/ is ever given
(they hold the hidden tests). The module text is the one source of truth: `make sync-given` rewrites the cells
of notebooks/, and the build fails when a cell drifts from it. A given cell is shown collapsed
(metadata jupyter.source_hidden), after the problem statement.
"""

import ast
import re
import textwrap
from pathlib import Path

MARKER = "# GIVEN"
MARKER_LINE = "# GIVEN (read-only, run it / 読み取り専用・実行のみ): "
MARKER_NAMES = re.compile(r"^# GIVEN(?: \([^)]*\))?:\s*(?P<names>.*)$")
MODULE_NAME = re.compile(r"^[a-z_][a-z0-9_]*$")
NOTEBOOK_TABLE = "visible_mistakes.py"  # the one file a given cell takes from the notebook's autograde/problems/ dir
# a `from solutions... import` statement, on one line or parenthesized over several
SOLUTIONS_IMPORT = re.compile(r"^from solutions(\.\w+)* import (\([^)]*\)|[^\n]*)\n?", re.MULTILINE)
# a lint pragma at the end of a line (its explanation included), or a whole line of one
PRAGMA = re.compile(r"[ \t]*#[ \t]*(noqa|type:[ \t]*ignore|ruff:|pragma:|fmt:)[^\n]*")


class GivenCellError(ValueError):
    pass


def is_given_cell(cell) -> bool:
    return cell.cell_type == "code" and cell.source.startswith(MARKER)


def marker_modules(source: str) -> list[str]:
    """The module names on a given cell's first line, e.g. ['validation', 'checks']."""
    match = MARKER_NAMES.match(source.split("\n", 1)[0])
    names = re.split(r"[\s,]+", match["names"].strip()) if match else []
    names = [name.removesuffix(".py") for name in names if name]
    if not names:
        raise GivenCellError(f"'{MARKER}' names no module (expected e.g. '{MARKER_LINE}validation, checks')")
    bad = [name for name in names if not MODULE_NAME.match(name)]
    if bad:
        raise GivenCellError(f"'{MARKER}' names {bad}: give module names of solutions/ only, without a folder")
    return names


def module_path(name: str, solutions_dir: Path) -> Path:
    path = solutions_dir / f"{name}.py"
    if not path.is_file():
        raise GivenCellError(f"the given cell names '{name}', but solutions/{name}.py does not exist")
    return path


def without_pragmas(text: str) -> str:
    """The text without lint pragmas: a line that is only a pragma goes, a trailing one is cut off."""
    kept = []
    for line in text.split("\n"):
        cut = PRAGMA.sub("", line)
        if cut == line:
            kept.append(line)
        elif cut.strip():
            kept.append(cut.rstrip())
    return "\n".join(kept)


def split_module(text: str) -> tuple[str, list[str], str]:
    """(the docstring's first paragraph on one line, import statements, the rest of the code) of a module."""
    tree = ast.parse(text)
    lines = text.split("\n")
    drop: set[int] = set()
    imports: list[str] = []
    title = ""
    for index, node in enumerate(tree.body):
        span = range(node.lineno - 1, node.end_lineno)
        if index == 0 and isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant) \
                and isinstance(node.value.value, str):
            title = " ".join(node.value.value.strip().split("\n\n")[0].split())
            drop.update(span)
        elif isinstance(node, ast.Import | ast.ImportFrom) and node.col_offset == 0:
            if not (isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "solutions"):
                imports.append("\n".join(lines[i] for i in span))
            drop.update(span)
    code = "\n".join(line for i, line in enumerate(lines) if i not in drop).strip("\n")
    return title, imports, re.sub(r"\n{3,}", "\n\n\n", code)


def render_given(source: str, repo: Path, problem_dir: Path | None = None) -> str:
    """The text a given cell must have: the standard marker line, the modules' imports, then each module (after
    `checks`' cell's modules, the table of problem_dir, the notebook's autograde/problems/NN_slug/, if it has one)."""
    names = marker_modules(source)
    paths = [module_path(name, repo / "solutions") for name in names]
    if "checks" in names and problem_dir is not None and (problem_dir / NOTEBOOK_TABLE).is_file():
        paths.append(problem_dir / NOTEBOOK_TABLE)
    imports: list[str] = []
    parts = []
    for path in paths:
        name = path.stem
        text = without_pragmas(SOLUTIONS_IMPORT.sub("", path.read_text("utf-8")))
        title, found, code = split_module(text)
        imports += [statement for statement in found if statement not in imports]
        heading = "\n".join([f"# ---- {name}.py ----", *("# " + line for line in textwrap.wrap(title, 110))])
        parts.append(f"{heading}\n\n\n{code}")
    plain = [s for s in imports if s.startswith("import ") and " as " not in s]
    others = [s for s in imports if s not in plain]
    header = "\n".join(plain) + ("\n\n" if plain and others else "") + "\n".join(others)
    body = "\n\n\n".join(parts)
    return MARKER_LINE + ", ".join(names) + "\n" + (header + "\n\n\n" if header else "") + body


def collapse(cell) -> bool:
    """Show a given cell collapsed in JupyterLab (jupyter.source_hidden); True if the cell changed."""
    jupyter = cell.metadata.setdefault("jupyter", {})
    if jupyter.get("source_hidden") is True:
        return False
    jupyter["source_hidden"] = True
    return True


def is_collapsed(cell) -> bool:
    return cell.metadata.get("jupyter", {}).get("source_hidden") is True
