"""Known wrong answers of the visible checks, so a failing check in the student's notebook can name the mistake:
"[34, 49] instead of [35, 50]: what you get when the bias B is not added".

    python -m autograde.build.visible_mistakes           # write autograde/problems/NN_slug/visible_mistakes.py
    python -m autograde.build.visible_mistakes --check   # write nothing; exit 1 if a table is not what it should be

For each notebook and each mistake of its catalogue (autograde/problems/NN_slug/mistakes.py) that fails a grade cell,
the notebook runs here top to bottom up to its last grade cell, as a kernel would, with the mutant's solution
cells (autograde/grade/mutants.py), and with checks that record what they were given instead of checking it. A
check whose value differs from the reference's gets an entry: the check's name, the expected value, the mutant's
value and the mistake's `why` (English, Japanese). The visible examples are public (they are in the notebook), so
the table leaks nothing; it names mistakes, it does not say how to fix them.

The table is a generated module next to the catalogue, rendered at the end of the given cell that gives
`checks` (autograde/build/given_cells.py) as KNOWN_MISTAKES, which solutions/checks.py consults
when a check fails. It cannot live in the catalogue itself: the catalogue edits the reference solution, which the
student must never get; the table holds only the checks' public inputs' answers. `make sync-given` writes the
tables and the given cells; tests/test_visible_mistakes.py fails when a table is stale.
"""

import argparse
import pprint
import sys
import unicodedata

import numpy as np

from autograde.build.hidden_sections import without_hidden_sections
from autograde.course import REPO, CourseNotebook, course_notebooks
from autograde.grade.mutants import mutant_namespace, notebook_cells, quiet
from autograde.problems.mistake import Mistake, mistakes_of

TABLE = "KNOWN_MISTAKES"
MODULE = "visible_mistakes.py"
MAX_VALUES = 24  # a check of more numbers than this is a training result or a big array: not worth a table entry
DIGITS = 9  # significant digits kept (the checks compare to 1e-6; the table must not change with the BLAS)
FAILS = 1e-5  # a value further than this from the expected one fails every check
WIDTH = 116  # columns of a rendered line (ruff's 120, East Asian characters counted twice)
HEADER = '''"""Known wrong answers of this notebook's checks: when a check fails with one of them, the check names the
mistake that gives it.

Check name -> [(right answer, a mistake's answer, ((why, なぜ), ...))]. Generated from the course's catalogue of
mistakes (python -m autograde.build.visible_mistakes, run by make sync-given); do not edit.
"""

'''


def table_path(item: CourseNotebook):
    return item.problem_dir / MODULE


class Recorder:
    """Stands in for the checks of solutions/checks.py: records (name, expected, value) and never fails."""

    def __init__(self):
        self.seen: list[tuple[str, object, object]] = []

    def names(self) -> dict:
        return {"check_array": self.check_array, "check_array_shape": self.check_array_shape,
                "check_raises": self.check_raises}

    def check_array(self, name, got, expected, hint=("", ""), atol=1e-8):  # noqa: ARG002
        self.seen.append((name, _numbers(expected), _numbers(got)))

    def check_array_shape(self, name, got, expected, hint=("", "")):  # noqa: ARG002
        self.seen.append((name, _numbers(tuple(expected)), _numbers(np.shape(got))))

    def check_raises(self, name, function, error=ValueError, hint=("", "")):  # noqa: ARG002
        try:
            function()
        except Exception as other:  # noqa: BLE001 - what it raised is the record
            outcome = f"raised {type(other).__name__}"
        else:
            outcome = "returned"
        self.seen.append((name, f"raised {error.__name__}", outcome))


def _numbers(value):
    """A list of floats (nested as the array), or None if not numbers or too many."""
    try:
        array = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        return None
    if array.size > MAX_VALUES or not np.all(np.isfinite(array)):
        return None
    return np.vectorize(lambda number: float(f"{number:.{DIGITS}g}"), otypes=[float])(array).tolist() \
        if array.size else array.tolist()


def _fails(expected, value) -> bool:
    """The check would fail with this value: another outcome, shape, or numbers."""
    if isinstance(expected, str) or isinstance(value, str):
        return expected != value
    expected, value = np.asarray(expected, dtype=float), np.asarray(value, dtype=float)
    return expected.shape != value.shape or not np.allclose(value, expected, rtol=FAILS, atol=FAILS)


def built_source(item: CourseNotebook, drifted_given_cells: bool = False):
    """The notebook's source as the working tree builds it (ValueError if it does not build; with
    drifted_given_cells, given cells that differ from their modules are no error: the tables are made before the
    given cells are synced)."""
    from autograde.build.source import build_one

    _, source, report = build_one(item)
    errors = [error for error in report.errors if not (drifted_given_cells and "given cell" in error)]
    if source is None or errors:
        raise ValueError(f"{item.name}: the source does not build: {report.errors}")
    return source


def run_checks(item: CourseNotebook, mistakes: tuple[Mistake, ...] = (), source=None, last: set[str] | None = None,
               names: dict | None = None, kernel: dict | None = None) -> dict[str, BaseException | None]:
    """Run the notebook in this process as a kernel would, its solution with `mistakes` made (the mutant; its given
    and solution cells run first), then the other code cells up to the last grade cell (or the last of the grade
    cells `last`), the grade cells without their hidden tests, each cell on after a cell that raised. `names`
    replace the kernel's (e.g. checks that record instead of checking); `kernel`: the names of a student's given
    and solution cells instead of the mutant's. Returns grade_id -> what its cell raised (None: it passed)."""
    source = built_source(item) if source is None else source
    namespace = dict(kernel) if kernel is not None else mutant_namespace(notebook_cells(source), mistakes, item.name)
    namespace.update(names or {})
    cells = [cell for cell in source.cells if cell.cell_type == "code"]
    graded = [index for index, cell in enumerate(cells) if cell.metadata.get("nbgrader", {}).get("grade")
              and (last is None or cell.metadata["nbgrader"].get("grade_id") in last)]
    import matplotlib

    matplotlib.use("Agg")  # the notebooks' figures are drawn nowhere
    raised: dict[str, BaseException | None] = {}
    for cell in cells[: graded[-1] + 1 if graded else 0]:
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("solution") or (meta.get("locked") and not meta.get("grade")):
            continue  # given and solution cells: in the namespace already
        code = without_hidden_sections(cell.source)
        error = None
        with quiet():
            try:
                exec(compile(code, f"<{item.name} {meta.get('grade_id', 'cell')}>", "exec"), namespace)  # noqa: S102
            except Exception as caught:  # noqa: BLE001 - the cell's error is its outcome; the kernel goes on
                error = caught
        if meta.get("grade"):
            raised[meta.get("grade_id")] = error
    return raised


def visible_checks(item: CourseNotebook, mistakes: tuple[Mistake, ...] = (), source=None,
                   last: set[str] | None = None) -> list[tuple]:
    """What the notebook's visible checks are given, in order, when its solution has `mistakes` (run_checks with
    checks that record (name, expected, value) and never fail)."""
    recorder = Recorder()
    run_checks(item, mistakes, source, last, recorder.names())
    return recorder.seen


def known_answers(item: CourseNotebook) -> dict[str, list]:
    """The table: check name -> [(expected, wrong value, ((why_en, why_ja), ...))], in notebook order."""
    source = built_source(item, drifted_given_cells=True)
    reference = visible_checks(item, (), source)
    right = {}
    for name, expected, value in reference:
        right.setdefault((name, repr(expected)), value)
    table: dict[str, list] = {}
    for mistake in mistakes_of(item):
        if not mistake.fails or not all(mistake.why):
            continue
        try:
            seen = visible_checks(item, (mistake,), source, last=set(mistake.fails))
        except ValueError:  # an edit the solution does not have: the catalogue test says so
            continue
        for name, expected, value in seen:
            key = (name, repr(expected))
            if value is None or expected is None or key not in right or not _fails(expected, value):
                continue
            entries = table.setdefault(name, [])
            entry = next((e for e in entries if e[0] == expected and e[1] == value), None)
            if entry is None:
                entries.append((expected, value, (tuple(mistake.why),)))
            elif tuple(mistake.why) not in entry[2]:
                entries[entries.index(entry)] = (expected, value, (*entry[2], tuple(mistake.why)))
    return table


# ---- rendering: a module ruff accepts (line length counted as a terminal shows it) ------------------------------

def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def _string_lines(text: str, indent: int) -> list[str]:
    """repr(text) split into implicitly concatenated pieces that fit in WIDTH columns."""
    pieces, current = [], ""
    for char in text:
        if _width(repr(current + char)) + indent > WIDTH:
            pieces.append(current)
            current = ""
        current += char
    pieces.append(current)
    return [" " * indent + repr(piece) for piece in pieces]


def _value_lines(value, indent: int, opening: str = "") -> list[str]:
    """repr of a value (nested lists of numbers, or an outcome string) wrapped to WIDTH, then a comma."""
    text = pprint.pformat(value, width=WIDTH - indent - 1, compact=True)
    lines = [" " * (indent - len(opening)) + opening + line if number == 0 else " " * indent + line
             for number, line in enumerate(text.split("\n"))]
    lines[-1] += ","
    return lines


def _pair(english: str, japanese: str, indent: int) -> list[str]:
    """(english, japanese), each string split to fit, the tuple opened at `indent`."""
    first, second = _string_lines(english, indent + 1), _string_lines(japanese, indent + 1)
    first[0] = " " * indent + "(" + first[0].lstrip()
    first[-1] += ","
    second[-1] += "),"
    return first + second


def render(table: dict[str, list]) -> str:
    lines = [f"{TABLE} = {{"]
    for name, entries in table.items():
        lines.append(f"    {name!r}: [")
        for expected, value, whys in entries:
            lines += _value_lines(expected, 9, "(") + _value_lines(value, 9) + ["         ("]
            for why_en, why_ja in whys:
                lines += _pair(why_en, why_ja, 13)
            lines.append("         )),")
        lines.append("    ],")
    lines.append("}")
    return HEADER + "\n".join(lines) + "\n"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true", help="write nothing; exit 1 if a table is stale")
    parser.add_argument("notebooks", nargs="*", help="names like 01_simple_conv1d (default: all)")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(REPO))
    stale = []
    for item in course_notebooks():
        if args.notebooks and item.name not in args.notebooks:
            continue
        table = known_answers(item)
        text = render(table)
        path = table_path(item)
        current = path.read_text(encoding="utf-8") if path.is_file() else None
        count = sum(map(len, table.values()))
        if current == text:
            print(f"{item.name}: {count} known wrong answers, up to date")
        elif args.check:
            stale.append(item.name)
            print(f"{item.name}: {path.relative_to(REPO)} is stale (make sync-given)", file=sys.stderr)
        else:
            path.write_text(text, encoding="utf-8")
            print(f"{item.name}: {count} known wrong answers written to {path.relative_to(REPO)}")
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main())
