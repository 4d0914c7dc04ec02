"""Hidden tests: autograde/problems/NN_slug/probe.py split at `# %% name` lines, one section per grade cell.

Each section is appended to its grade cell between `### BEGIN HIDDEN TESTS` / `### END HIDDEN TESTS`; nbgrader
stores it in the gradebook, strips it from the release and puts it back at autograde. Text before the first
`# %%` line (module docstring, ruff directives) belongs to no cell.

A section named `# %% common` holds what several sections of the notebook share (case generators, runners): it is
written once and put in front of every section, and the names it defines are deleted after each, so a grade cell's
hidden code still runs on its own and leaves the student's namespace as it found it. What every notebook shares is
the common section of autograde/problems/shared_probe.py, put in front of the notebook's own (hidden_tests_of).
"""

import ast
import re
from collections.abc import Mapping
from pathlib import Path

BEGIN_HIDDEN = "### BEGIN HIDDEN TESTS"
END_HIDDEN = "### END HIDDEN TESTS"
SECTION_LINE = re.compile(r"^# %%\s*(?P<grade_id>\S+)\s*$")
COMMON = "common"


class HiddenTestsError(ValueError):
    pass


def defined_names(code: str) -> list[str]:
    """The names a piece of code binds at its top level (defs, classes, imports, assignments), in order."""
    names: list[str] = []
    for node in ast.parse(code).body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            found = [node.name]
        elif isinstance(node, ast.Import | ast.ImportFrom):
            found = [(alias.asname or alias.name).split(".")[0] for alias in node.names]
        elif isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            found = [name.id for target in targets for name in ast.walk(target) if isinstance(name, ast.Name)]
        else:
            found = []
        names += [name for name in found if name not in names]
    return names


def deleted_names(code: str) -> set[str]:
    """The names a piece of code deletes with `del name` at its top level."""
    return {target.id for node in ast.parse(code).body if isinstance(node, ast.Delete)
            for target in node.targets if isinstance(target, ast.Name)}


class HiddenTests(Mapping):
    """One notebook's hidden tests: grade_id -> the code its grade cell runs (the common section, the cell's own
    section, then `del` of the common names)."""

    def __init__(self, sections: dict[str, str], common: str = ""):
        self.sections = sections
        self.common = common
        names = defined_names(common) if common else []
        self.cleanup = f"del {', '.join(names)}" if names else ""
        for grade_id, code in sections.items():
            clash = set(names) & (set(defined_names(code)) | deleted_names(code))
            if clash:  # the cleanup would then delete the section's own name, or fail on a name it deleted
                raise HiddenTestsError(f"section '# %% {grade_id}' redefines or deletes {sorted(clash)} of the "
                                       f"common section: give its own helpers other names")

    def __getitem__(self, grade_id: str) -> str:
        own = self.sections[grade_id]
        if not self.common:
            return own
        return f"{self.common}\n\n\n{own}\n{self.cleanup}"

    def __iter__(self):
        return iter(self.sections)

    def __len__(self) -> int:
        return len(self.sections)


def hidden_tests_of(item) -> HiddenTests:
    """The hidden tests of a course notebook: its probe.py, with the course's shared common section in front."""
    from autograde.course import PROBLEMS_DIR  # the course layout; this module itself works on any file

    return read_sections(item.probe_path, shared=PROBLEMS_DIR / "shared_probe.py")


def read_sections(path: Path, shared: Path | None = None) -> HiddenTests:
    """The hidden tests of one notebook, in file order (surrounding blank lines of each section removed); the common
    section of `shared` (another such file) goes in front of the notebook's own."""
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
    common = result.pop(COMMON, "")
    if shared is not None:
        outer = read_sections(shared)
        if outer.sections:
            raise HiddenTestsError(f"{shared.name}: only a '# %% {COMMON}' section belongs there")
        common = "\n\n\n".join(part for part in (outer.common, common) if part)
    try:
        return HiddenTests(result, common)
    except SyntaxError as error:
        raise HiddenTestsError(f"{path.name}: a section is not valid Python (line {error.lineno}: {error.msg})") \
            from None
    except HiddenTestsError as error:
        raise HiddenTestsError(f"{path.name}: {error}") from None


NONE_RETURNING = ("print", "_probe")  # calls whose value Jupyter does not display


def ends_with_expression(code: str) -> bool:
    """True if the code's last statement is an expression other than print(...) or _probe(...) (both return None):
    if its value is not None, Jupyter displays it under the grade cell (an object repr changes every run and breaks
    nbval)."""
    try:
        body = ast.parse(code).body
    except SyntaxError:
        return False
    if not body or not isinstance(body[-1], ast.Expr):
        return False
    value = body[-1].value
    return not (isinstance(value, ast.Call) and isinstance(value.func, ast.Name) and value.func.id in NONE_RETURNING)


def with_hidden_section(source: str, code: str) -> str:
    """A grade cell's source with the hidden code appended; removing the region gives `source` back exactly."""
    return f"{source}\n{BEGIN_HIDDEN}\n{code}\n{END_HIDDEN}"


def hidden_region(source: str) -> str | None:
    """The code between the hidden-test markers of a cell source written by with_hidden_section (None if none)."""
    begin, end = f"\n{BEGIN_HIDDEN}\n", f"\n{END_HIDDEN}"
    if begin not in source or not source.endswith(end):
        return None
    return source[source.index(begin) + len(begin): -len(end)]


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
