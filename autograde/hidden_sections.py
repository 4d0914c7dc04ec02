"""Hidden tests: autograde/hidden_tests/NN_slug.py split at `# %% grade_id` lines, one section per grade cell.

Each section is appended to its grade cell between `### BEGIN HIDDEN TESTS` / `### END HIDDEN TESTS`; nbgrader
stores it in the gradebook, strips it from the release and puts it back at autograde. Text before the first
`# %%` line (module docstring, ruff directives) belongs to no cell.
"""

import ast
import re
from pathlib import Path

BEGIN_HIDDEN = "### BEGIN HIDDEN TESTS"
END_HIDDEN = "### END HIDDEN TESTS"
SECTION_LINE = re.compile(r"^# %%\s*(?P<grade_id>\S+)\s*$")


class HiddenTestsError(ValueError):
    pass


def read_sections(path: Path) -> dict[str, str]:
    """grade_id -> section code (surrounding blank lines removed), in file order."""
    sections: dict[str, list[str]] = {}
    current = None
    for number, line in enumerate(path.read_text(encoding="utf-8").split("\n"), start=1):
        match = SECTION_LINE.match(line)
        if match:
            current = match["grade_id"]
            if current in sections:
                raise HiddenTestsError(f"{path.name} line {number}: a second section '# %% {current}'")
            sections[current] = []
        elif line.startswith("# %%"):
            raise HiddenTestsError(f"{path.name} line {number}: '{line}' must be '# %% grade_id'")
        elif current is not None:
            sections[current].append(line)
    result = {}
    for grade_id, lines in sections.items():
        code = "\n".join(lines).strip("\n")
        if not code.strip():
            raise HiddenTestsError(f"{path.name}: section '# %% {grade_id}' is empty")
        result[grade_id] = code
    return result


def ends_with_expression(code: str) -> bool:
    """True if the code's last statement is an expression other than print(...): if its value is not None,
    Jupyter displays it under the grade cell (an object repr changes every run and breaks nbval)."""
    try:
        body = ast.parse(code).body
    except SyntaxError:
        return False
    if not body or not isinstance(body[-1], ast.Expr):
        return False
    value = body[-1].value
    return not (isinstance(value, ast.Call) and isinstance(value.func, ast.Name) and value.func.id == "print")


def with_hidden_section(source: str, code: str) -> str:
    """A grade cell's source with the hidden code appended; removing the region gives `source` back exactly."""
    return f"{source}\n{BEGIN_HIDDEN}\n{code}\n{END_HIDDEN}"


def without_hidden_sections(source: str, note: str | None = None) -> str:
    """A cell's source without its hidden regions, each replaced by the line `note` if one is given."""
    kept, inside = [], False
    for line in source.split("\n"):
        if BEGIN_HIDDEN in line:
            inside = True
            if note is not None:
                kept.append(note)
        elif END_HIDDEN in line:
            inside = False
        elif not inside:
            kept.append(line)
    return "\n".join(kept)


def distinctive_lines(code: str, min_length: int = 25) -> list[str]:
    """Lines of hidden code long and specific enough that finding one elsewhere means the hidden test leaked."""
    return [line.strip() for line in code.split("\n") if len(line.strip()) >= min_length]
