"""The grader's half of every hidden test (see autograde/grade/probe.py for the kernel's half and why).

Two nbgrader preprocessors, in the same nbgrader process, around the sandboxed execution of one notebook:

- SeedHiddenTests, before the notebook runs: draws this run's seed from the course secret, the student, the
  notebook and a fresh nonce (autograde/grade/run_seed.py), reads each grade cell's hidden region *as released*
  (from the gradebook), and writes the seed (and any data only the grader can make, e.g. problem 8's test images)
  into the regions the kernel will run.
- JudgeHiddenTests, right after it ran, before SaveAutoGrades: for one grade cell, run the same released section
  here with that seed and a `_probe` that only *collects* the cases; match each case with the result the kernel
  displayed; call the judge function of the same name in autograde/problems/NN_slug/judge.py, which computes the
  expected value and raises AssertionError with a message for the student when the result differs (with
  autograde/grade/expect.py). A grade cell keeps its points only if the kernel raised nothing in it *and* every
  hidden case was judged right. It also removes the probe outputs (noise for the student) and any value the cell
  displayed (nbgrader would read a number there as partial credit the kernel could forge).

The judges are the working tree's: `make autograde` refuses when they, or the probes, changed since the release
(autograde/build/released.py).
"""

import importlib
import inspect
import os
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from unittest import mock

from nbconvert.preprocessors import Preprocessor
from nbformat.v4 import new_output
from traitlets import Bool

from autograde.build.hidden_sections import BEGIN_HIDDEN, hidden_tests_of
from autograde.build.secret import read_secret
from autograde.course import COURSE_STATE_DIR, notebook_named
from autograde.grade.probe import (
    KERNEL_HELPER,
    SEED_NAME,
    SEED_PLACEHOLDER,
    TEST_SEED,
    MalformedResult,
    StaleRelease,
    decode_outcome,
    probe_outputs,
    section_of_region,
    seeded,
    without_probe_outputs,
)
from autograde.grade.run_seed import judge_seed, new_nonce, run_seed
from autograde.settings import ASSIGNMENT, COURSE_ROOT_ENV, PROBE_MIME

MAX_REPORTED_FAILURES = 3
JUDGE_ERROR = "HiddenTestFailed"
RUN_INPUTS_HOOK = "run_inputs"  # a judge module's optional maker of grader-only data (not a judge)
RUN_KEY = "cnn1d_hidden_run"  # where SeedHiddenTests leaves the HiddenRun for JudgeHiddenTests in nbgrader's resources
STARTED_KEY = "cnn1d_run_started"  # and when it handed the notebook to the sandbox (time.perf_counter)
TEST_SECRET = b"the tests' course secret (never a real course's)"


@dataclass(frozen=True)
class HiddenRun:
    """Everything needed to regenerate this run's hidden cases of one notebook, in the grader."""

    notebook: str
    seed: int  # written into the kernel's hidden regions
    judge_seed: int  # never in the kernel: for the grader-only data and the judges that need it
    sections: dict  # grade_id -> released section code (what the kernel ran, without the helper and seed line)
    inputs: dict  # grade_id -> grader data written into that region (string literal), if any

    def cases(self, grade_id: str) -> "list[ProbeCall]":
        """This run's cases of one grade cell, as the kernel received them (e.g. to run a mistake's code on)."""
        return collect_probe_calls(self.sections[grade_id], f"{self.notebook} {grade_id}", self.seed,
                                   self.inputs.get(grade_id))


def grader_inputs(notebook: str, grade_ids, judge_seed_value: int) -> dict[str, str]:
    """grade_id -> the grader-only data the judge module makes for it (its optional run_inputs(grade_id, seed))."""
    make = getattr(judge_module(notebook), RUN_INPUTS_HOOK, None)
    if make is None:
        return {}
    made = {grade_id: make(grade_id, judge_seed_value) for grade_id in grade_ids}
    return {grade_id: data for grade_id, data in made.items() if data is not None}


def new_run(notebook: str, sections: dict, secret: bytes, student: str, nonce: str | None = None) -> HiddenRun:
    seed = run_seed(secret, student, notebook, nonce or new_nonce())
    grader_seed = judge_seed(secret, seed)
    return HiddenRun(notebook, seed, grader_seed, dict(sections), grader_inputs(notebook, sections, grader_seed))


# ---- judging one cell -------------------------------------------------------------------------------------------

@dataclass
class ProbeCall:
    grade_id: str
    cases: list = field(default_factory=list)  # [(key, case dict)]


def collect_probe_calls(section_code: str, where: str, seed: int, inputs: str | None = None) -> list[ProbeCall]:
    """Run a hidden section here, with this run's seed (and grader data), and a `_probe` that records the cases and
    never calls the student's code."""
    calls: list[ProbeCall] = []

    def _probe(grade_id, cases, run):  # noqa: ARG001 - run is the student's side
        calls.append(ProbeCall(str(grade_id), [(str(key), case) for key, case in cases]))

    namespace = {"__name__": "hidden_section", "_probe": _probe, SEED_NAME: seed}
    code = seeded(section_code, seed, inputs)
    exec(compile(code, f"<hidden section {where}>", "exec"), namespace)  # noqa: S102 - our own test code
    return calls


def judge_module(notebook: str):
    return importlib.import_module(notebook_named(notebook).judge_module)


@dataclass
class CaseVerdict:
    """One hidden case of a grade cell: what the kernel returned (None if nothing usable) and the failure message for
    the student ("" if it passed)."""

    key: str
    case: dict
    got: object = None  # np.ndarray, dict of them, or Raised
    failure: str = ""


def judge_cases(run: HiddenRun, grade_id: str, payloads: list[dict]) -> list[CaseVerdict]:
    """The verdict of every hidden case of one grade cell, in order; a kernel that stopped early gives one last
    verdict with key "" (no result)."""
    notebook = run.notebook
    where = f"{notebook} {grade_id}"
    judge = getattr(judge_module(notebook), grade_id, None)
    if judge is None:
        raise LookupError(f"autograde/problems/{notebook}/judge.py has no function {grade_id}")
    calls = run.cases(grade_id)
    if not calls:
        raise LookupError(f"the hidden section of {where} never calls _probe")
    mine = [p for p in payloads if isinstance(p, dict) and p.get("grade_id") == grade_id]
    verdicts = []
    for number, call in enumerate(calls):
        if number >= len(mine) or not isinstance(mine[number].get("results"), dict):
            verdicts.append(CaseVerdict("", {}, None, f"hidden test {grade_id}: no result from the kernel (the cell "
                                        "stopped before the hidden test finished) / 隠しテストの結果がありません"
                                        "（セルが途中で止まりました）"))
            break
        results = mine[number]["results"]
        for key, case in call.cases:
            verdict = CaseVerdict(key, case)
            verdicts.append(verdict)
            if key not in results:
                verdict.failure = f"hidden case {key}: no result / 結果がありません"
                continue
            try:
                verdict.got = decode_outcome(results[key])
            except MalformedResult as error:
                verdict.failure = f"hidden case {key}: unusable result ({error}) / 結果を読めません"
                continue
            verdict.failure = judge_outcome(run, judge, key, case, verdict.got)
    return verdicts


def judge_outcome(run: HiddenRun, judge, key: str, case: dict, got) -> str:
    """The failure message of one decoded result of a case ("" if the judge passes it)."""
    # a judge that needs grader-only data (problem 8's test labels) regenerates it from judge_seed
    extra = {"judge_seed": run.judge_seed} if "judge_seed" in inspect.signature(judge).parameters else {}
    try:
        judge(key, got, **case, **extra)
    except AssertionError as error:
        return f"hidden case {key}: {error}"
    except Exception as error:  # noqa: BLE001 - a result of an unexpected kind fails, with the reason
        return f"hidden case {key}: result of the wrong kind ({type(error).__name__}: {error})"
    return ""


def judge_cell(run: HiddenRun, grade_id: str, payloads: list[dict]) -> list[str]:
    """Failures (messages for the student) of one grade cell's hidden cases; [] means every case passed."""
    return [verdict.failure for verdict in judge_cases(run, grade_id, payloads) if verdict.failure]


def failure_output(failures: list[str], named: list[str] = ()):
    """The error output of a grade cell whose hidden cases failed: the mistakes named first (grade/diagnosis.py),
    then the first failures."""
    shown = failures[:MAX_REPORTED_FAILURES]
    more = len(failures) - len(shown)
    message = "\n\n".join([*named, *shown]) + (f"\n\n(and {more} more failing hidden cases / ほか {more} 件)"
                                                if more else "")
    return new_output("error", ename=JUDGE_ERROR, evalue=message, traceback=[f"{JUDGE_ERROR}: {message}"])


def has_error(cell) -> bool:
    return any(output.get("output_type") == "error" for output in cell.get("outputs", []))


def course_root() -> Path:
    """The course folder nbgrader grades in (as autograde/nbgrader_config.py reads it)."""
    return Path(os.environ.get(COURSE_ROOT_ENV, COURSE_STATE_DIR)).resolve()


class SeedHiddenTests(Preprocessor):
    """nbgrader autograde step before the sandbox runs the notebook: this run's seed into the released hidden
    regions (see module docstring). Refuses (nbgrader then fails this student, with the reason in the log) rather
    than grade with the tests' fixed seed."""

    enabled = Bool(True)

    def preprocess(self, nb, resources):
        from autograde.build.released import released_regions

        info = resources.get("nbgrader", {})
        notebook, student = info.get("notebook"), info.get("student")
        regions = released_regions(info["db_url"], notebook, info.get("assignment") or ASSIGNMENT) or {}
        sections = {grade_id: section_of_region(region) for grade_id, region in regions.items()}
        run = new_run(notebook, sections, read_secret(course_root()), student)
        for cell in nb.cells:
            meta = cell.metadata.get("nbgrader", {})
            grade_id = meta.get("grade_id")
            if cell.cell_type != "code" or not meta.get("grade") or BEGIN_HIDDEN not in cell.source:
                continue
            if grade_id not in regions:
                continue  # not a released grade cell (nbgrader grades it as it is; no hidden test of ours runs)
            if cell.source.split("\n").count(SEED_PLACEHOLDER) != 1:
                raise StaleRelease(f"{notebook} {grade_id}: the hidden region to run is not the released one")
            cell.source = seeded(cell.source, run.seed, run.inputs.get(grade_id))
        self.log.info("%s %s: hidden cases drawn with run seed %d", student, notebook, run.seed)
        resources[RUN_KEY] = run
        resources[STARTED_KEY] = time.perf_counter()
        return nb, resources


class JudgeHiddenTests(Preprocessor):
    """nbgrader autograde step: judge each grade cell's hidden cases outside the kernel (see module docstring)."""

    enabled = Bool(True)

    def preprocess(self, nb, resources):
        run = resources.get(RUN_KEY)
        if not isinstance(run, HiddenRun):
            raise RuntimeError("JudgeHiddenTests needs SeedHiddenTests before the notebook runs "
                               "(autograde/nbgrader_config.py)")
        from autograde.grade.diagnosis import finish_diagnosis, start_diagnosis  # it imports this module

        diagnosis = start_diagnosis(run, course_root(), self.log)  # names known mistakes; never changes a score
        for cell in nb.cells:
            meta = cell.metadata.get("nbgrader", {})
            if cell.cell_type != "code" or not meta.get("grade") or meta.get("solution"):
                continue
            payloads = probe_outputs(cell)
            cell.outputs = [o for o in without_probe_outputs(cell.get("outputs", []))
                            if o.get("output_type") != "execute_result"]
            grade_id = meta.get("grade_id")
            if grade_id not in run.sections or has_error(cell):
                diagnosis.checked(grade_id, cell)  # what the failing check named, for the class report
                continue  # a visible failure (or a stopped cell's own error) already scores 0
            try:
                verdicts = judge_cases(run, grade_id, payloads)
                failures = [verdict.failure for verdict in verdicts if verdict.failure]
            except Exception:  # noqa: BLE001 - a broken judge must not pass anyone, nor stop the class
                self.log.error("judge of %s %s failed:\n%s", run.notebook, grade_id, traceback.format_exc())
                verdicts, failures = [], ["hidden test could not be judged (an instructor error; tell your "
                                          "instructor) / 隠しテストを判定できませんでした（教員に連絡してください）"]
            if failures:
                cell.outputs.append(failure_output(failures, diagnosis.failing(grade_id, verdicts)))
                continue
            for output in cell.outputs:  # nbgrader scores any stderr as a failure; honest warnings cost nothing
                if output.get("output_type") == "stream" and output.get("name") == "stderr":
                    output["name"] = "stdout"
            notes = diagnosis.passing(grade_id, verdicts)
            if notes:
                cell.outputs.append(new_output("stream", name="stdout", text="\n\n".join(notes) + "\n"))
        finish_diagnosis(diagnosis, resources, course_root(), self.log)
        return nb, resources


# ---- for tests: run a notebook's hidden sections in this process against a namespace of "student" names --------

def local_run(notebook: str, seed: int = TEST_SEED) -> HiddenRun:
    """A run of the working tree's hidden sections with a given seed and the tests' secret (no gradebook)."""
    sections = dict(hidden_tests_of(notebook_named(notebook)))
    grader_seed = judge_seed(TEST_SECRET, seed)
    return HiddenRun(notebook, seed, grader_seed, sections, grader_inputs(notebook, sections, grader_seed))


def kernel_payloads(run: HiddenRun, namespace: dict, grade_id: str, keys=None) -> list[dict]:
    """Run one grade cell's hidden section as the kernel would, in `namespace` (a student's names; it changes as a
    kernel's does), and return the probe payloads it displayed. With `keys`, only those cases run (the others are
    still drawn, so every case is the one the kernel got). In this process: for the judge tests and for running
    the course's own mutants (autograde/grade/diagnosis.py), never for a student's code."""
    displayed: list[dict] = []

    def capture(data, raw=False):  # noqa: ARG001
        displayed.append(data)

    exec(KERNEL_HELPER, namespace)  # noqa: S102
    if keys is not None:
        every_case, wanted = namespace["_probe"], {str(key) for key in keys}

        def _probe(grade_id, cases, run):
            every_case(grade_id, ((key, case) for key, case in cases if str(key) in wanted), run)

        namespace["_probe"] = _probe
    namespace[SEED_NAME] = run.seed
    kernel_code = seeded(run.sections[grade_id], run.seed, run.inputs.get(grade_id))
    with mock.patch("IPython.display.display", capture):
        exec(compile(kernel_code, f"<{run.notebook} {grade_id}>", "exec"), namespace)  # noqa: S102
    return [data[PROBE_MIME] for data in displayed if isinstance(data, dict) and PROBE_MIME in data]


def simulate(notebook: str, student: dict, seed: int = TEST_SEED, run: HiddenRun | None = None) -> dict[str, list[str]]:
    """grade_id -> failures, running each hidden section's probe in-process with the given student names
    (e.g. vars(solutions.p4_conv1d)) and judging the results, for the run `run` (default: the working tree's
    sections with `seed`). No kernel, no sandbox: for unit tests of judges."""
    run = run or local_run(notebook, seed)
    namespace = dict(student)
    return {grade_id: judge_cell(run, grade_id, kernel_payloads(run, namespace, grade_id)) for grade_id in run.sections}
