"""The grader's half of every hidden test (see autograde/grade/probe.py for the kernel's half and why).

For one grade cell: run the trusted copy of its hidden section (autograde/problems/NN_slug/probe.py) here, with a
`_probe` that only *collects* the cases; match each case with the result the kernel displayed; call the judge
function of the same name in autograde/problems/NN_slug/judge.py, which computes the expected value and raises
AssertionError with a message for the student when the result differs (with autograde/grade/expect.py).

JudgeHiddenTests is the nbgrader preprocessor that does this right after the notebook ran, before SaveAutoGrades:
a grade cell keeps its points only if the kernel raised nothing in it *and* every hidden case was judged right.
It also removes the probe outputs (noise for the student) and any value the cell displayed (nbgrader would read
a number there as partial credit the kernel could forge).
"""

import importlib
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from unittest import mock

from nbconvert.preprocessors import Preprocessor
from nbformat.v4 import new_output
from traitlets import Bool

from autograde.build.hidden_sections import hidden_tests_of
from autograde.course import notebook_named
from autograde.grade.probe import KERNEL_HELPER, MalformedResult, decode_outcome, probe_outputs, without_probe_outputs

MAX_REPORTED_FAILURES = 3
JUDGE_ERROR = "HiddenTestFailed"


# ---- judging one cell -------------------------------------------------------------------------------------------

@dataclass
class ProbeCall:
    grade_id: str
    cases: list = field(default_factory=list)  # [(key, case dict)]


def collect_probe_calls(section_code: str, where: str) -> list[ProbeCall]:
    """Run a hidden section here with a `_probe` that records the cases and never calls the student's code."""
    calls: list[ProbeCall] = []

    def _probe(grade_id, cases, run):  # noqa: ARG001 - run is the student's side
        calls.append(ProbeCall(str(grade_id), [(str(key), case) for key, case in cases]))

    namespace = {"__name__": "hidden_section", "_probe": _probe}
    exec(compile(section_code, f"<hidden section {where}>", "exec"), namespace)  # noqa: S102 - our own test code
    return calls


def judge_module(notebook: str):
    return importlib.import_module(notebook_named(notebook).judge_module)


def judge_cell(notebook: str, grade_id: str, section_code: str, payloads: list[dict]) -> list[str]:
    """Failures (messages for the student) of one grade cell's hidden cases; [] means every case passed."""
    where = f"{notebook} {grade_id}"
    judge = getattr(judge_module(notebook), grade_id, None)
    if judge is None:
        raise LookupError(f"autograde/problems/{notebook}/judge.py has no function {grade_id}")
    calls = collect_probe_calls(section_code, where)
    if not calls:
        raise LookupError(f"the hidden section of {where} never calls _probe")
    mine = [p for p in payloads if isinstance(p, dict) and p.get("grade_id") == grade_id]
    failures = []
    for number, call in enumerate(calls):
        if number >= len(mine) or not isinstance(mine[number].get("results"), dict):
            failures.append(f"hidden test {grade_id}: no result from the kernel (the cell stopped before the hidden "
                            "test finished) / 隠しテストの結果がありません（セルが途中で止まりました）")
            break
        results = mine[number]["results"]
        for key, case in call.cases:
            if key not in results:
                failures.append(f"hidden case {key}: no result / 結果がありません")
                continue
            try:
                got = decode_outcome(results[key])
                judge(key, got, **case)
            except MalformedResult as error:
                failures.append(f"hidden case {key}: unusable result ({error}) / 結果を読めません")
            except AssertionError as error:
                failures.append(f"hidden case {key}: {error}")
            except Exception as error:  # noqa: BLE001 - a result of an unexpected kind fails, with the reason
                failures.append(f"hidden case {key}: result of the wrong kind ({type(error).__name__}: {error})")
    return failures


def failure_output(failures: list[str]):
    shown = failures[:MAX_REPORTED_FAILURES]
    more = len(failures) - len(shown)
    message = "\n\n".join(shown) + (f"\n\n(and {more} more failing hidden cases / ほか {more} 件)" if more else "")
    return new_output("error", ename=JUDGE_ERROR, evalue=message, traceback=[f"{JUDGE_ERROR}: {message}"])


def has_error(cell) -> bool:
    return any(output.get("output_type") == "error" for output in cell.get("outputs", []))


class JudgeHiddenTests(Preprocessor):
    """nbgrader autograde step: judge each grade cell's hidden cases outside the kernel (see module docstring)."""

    enabled = Bool(True)

    def preprocess(self, nb, resources):
        notebook = resources.get("nbgrader", {}).get("notebook") or Path(resources.get("unique_key", "")).stem
        item = notebook_named(notebook)
        sections = hidden_tests_of(item) if item.probe_path.is_file() else {}
        for cell in nb.cells:
            meta = cell.metadata.get("nbgrader", {})
            if cell.cell_type != "code" or not meta.get("grade") or meta.get("solution"):
                continue
            payloads = probe_outputs(cell)
            cell.outputs = [o for o in without_probe_outputs(cell.get("outputs", []))
                            if o.get("output_type") != "execute_result"]
            grade_id = meta.get("grade_id")
            if grade_id not in sections or has_error(cell):
                continue  # a visible failure (or a stopped cell's own error) already scores 0
            try:
                failures = judge_cell(notebook, grade_id, sections[grade_id], payloads)
            except Exception:  # noqa: BLE001 - a broken judge must not pass anyone, nor stop the class
                self.log.error("judge of %s %s failed:\n%s", notebook, grade_id, traceback.format_exc())
                failures = ["hidden test could not be judged (an instructor error; tell your instructor) / "
                            "隠しテストを判定できませんでした（教員に連絡してください）"]
            if failures:
                cell.outputs.append(failure_output(failures))
            else:  # nbgrader scores any stderr as a failure; warnings from honest code must not cost points
                for output in cell.outputs:
                    if output.get("output_type") == "stream" and output.get("name") == "stderr":
                        output["name"] = "stdout"
        return nb, resources


# ---- for tests: run a notebook's hidden sections in this process against a namespace of "student" names --------

def simulate(notebook: str, student: dict) -> dict[str, list[str]]:
    """grade_id -> failures, running each hidden section's probe in-process with the given student names
    (e.g. vars(solutions.p4_conv1d)) and judging the results. No kernel, no sandbox: for unit tests of judges."""
    sections = hidden_tests_of(notebook_named(notebook))
    namespace = dict(student)
    displayed: list[dict] = []

    def capture(data, raw=False):  # noqa: ARG001
        displayed.append(data)

    with mock.patch("IPython.display.display", capture):
        exec(KERNEL_HELPER, namespace)  # noqa: S102
        verdicts = {}
        for grade_id, code in sections.items():
            displayed.clear()
            exec(compile(code, f"<{notebook} {grade_id}>", "exec"), namespace)  # noqa: S102
            payloads = [d[next(iter(d))] for d in displayed]
            verdicts[grade_id] = judge_cell(notebook, grade_id, code, payloads)
    return verdicts
