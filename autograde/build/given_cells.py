"""Given cells: code the student uses but does not write, regenerated from solutions/ by their `# GIVEN:` marker.

A given cell starts with `# GIVEN: solutions/a.py solutions/b.py`; the rest is those files' text joined by two
blank lines, without their `from solutions... import ...` statements (the names are defined in the notebook).
"""

import re
from pathlib import Path

MARKER = "# GIVEN:"
# a `from solutions... import` statement, on one line or parenthesized over several
SOLUTIONS_IMPORT = re.compile(r"^from solutions(\.\w+)* import (\([^)]*\)|[^\n]*)\n?", re.MULTILINE)


class GivenCellError(ValueError):
    pass


def is_given_cell(cell) -> bool:
    return cell.cell_type == "code" and cell.source.startswith(MARKER)


def marker_paths(source: str) -> list[str]:
    """The repository-relative files named on a given cell's first line."""
    paths = source.split("\n", 1)[0][len(MARKER) :].split()
    if not paths:
        raise GivenCellError(f"'{MARKER}' names no file")
    return paths


def render_given(source: str, repo: Path) -> str:
    """The text a given cell must have: its marker line, then the named files without solutions imports."""
    marker = source.split("\n", 1)[0]
    parts = []
    for relative in marker_paths(source):
        path = repo / relative
        if not path.is_file():
            raise GivenCellError(f"'{marker}' names {relative}, which does not exist")
        parts.append(SOLUTIONS_IMPORT.sub("", path.read_text(encoding="utf-8")).strip("\n"))
    return marker + "\n" + "\n\n\n".join(parts)
