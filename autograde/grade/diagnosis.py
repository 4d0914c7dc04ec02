"""Name a student's mistake: when a hidden case fails, run the course's known mistakes of that property (mutants:
the reference with a mistake made, autograde/grade/mutants.py) on the same cases here in the grader, and when the
student's results equal a mutant's, say which mistake gives them and how to fix it, in English and Japanese.

For one notebook of one grading run (JudgeHiddenTests holds one Diagnosis):

- a failing grade cell: the candidates are the catalogue's mistakes that fail it (Mistake.fails). Each mutant runs
  the cell's hidden section as the kernel did (same seed, same grader data, the kernel helper's float64 packing) on
  the cases the student has results for (failing ones first, at most MAX_COMPARED); it matches when every one of
  its results equals the student's (same exception class, or same shape and values to MATCH_RTOL/MATCH_ATOL) and
  the judge fails it exactly where it failed the student. A
  mistake named earlier in the notebook is made too in a second try, so a student with two mistakes still matches.
- a passing grade cell: mistakes that cost nothing but change its results (Mistake.shows_in, e.g. no shuffling
  changes the loss history) are named as a note when the student's results equal theirs.
- nothing matches: nothing is added; the judge's message says what differed, as always.
- a grade cell whose visible check failed has no hidden verdict: the check itself named the mistake when the
  student's answer is one of the notebook's known wrong answers (solutions/checks.py, KNOWN_MISTAKES); that name is
  read from the cell's CheckFailed output and recorded too (`by_check`), so the class report counts both.

Trusted code only runs here (the course's mutants), never the student's. It never changes a score and never stops
grading: every error is caught and recorded, and all mutants of a notebook share a time budget
(DIAGNOSIS_SECONDS; SIGALRM interrupts a mutant that would overrun it). Mutants are built and run at most once
per notebook and grading run (cached), and only for the properties the student failed.

The record of what was named (and the notebook's grading times) goes to course/diagnosis/<student>/<notebook>.json
for the class report (autograde/report/class_report.py).
"""

import contextlib
import json
import signal
import threading
import time
import traceback
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from autograde.course import notebook_named
from autograde.grade.judging import CaseVerdict, HiddenRun, judge_module, judge_outcome, kernel_payloads
from autograde.grade.mutants import mutant_namespace, quiet
from autograde.grade.probe import Raised, decode_outcome
from autograde.problems.mistake import Mistake, mistakes_of, result_names
from autograde.settings import DIAGNOSIS_SECONDS

MAX_COMPARED = 8  # cases of one grade cell compared with each mutant (the failing ones first)
MATCH_RTOL, MATCH_ATOL = 1e-5, 1e-6  # float32 work equals its float64 mutant to this
RECORD_VERSION = 1
CHECK_NAMED = "Likely mistake: this is what you get when "  # solutions/checks.py's line naming a known mistake


def named_by_check(message: str) -> list[str]:
    """The `why`s (English) a failing check's message names: its line "Likely mistake: this is what you get when
    <why> or when <why>." (solutions/checks.py)."""
    for line in message.split("\n"):
        if line.startswith(CHECK_NAMED) and line.endswith("."):
            return line[len(CHECK_NAMED):-1].split(" or when ")
    return []


class OutOfTime(KeyboardInterrupt):
    """The diagnosis budget ran out. A KeyboardInterrupt, as the kernel helper lets those through (it records any
    other exception as the case's result)."""


@contextlib.contextmanager
def time_limit(seconds: float):
    """Interrupt the block with OutOfTime after `seconds` (SIGALRM: main thread only; elsewhere the budget is only
    checked between mutants)."""
    if seconds <= 0:
        raise OutOfTime
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def alarm(signum, frame):  # noqa: ARG001
        raise OutOfTime

    previous = signal.signal(signal.SIGALRM, alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def same_result(student, mutant) -> bool:
    """The two results of one case are the same: the same exception class, or arrays (or dicts of them, with the
    same names) of the same shape and values."""
    if isinstance(student, Raised) or isinstance(mutant, Raised):
        return isinstance(student, Raised) and isinstance(mutant, Raised) and student.name == mutant.name
    if isinstance(student, dict) or isinstance(mutant, dict):
        return (isinstance(student, dict) and isinstance(mutant, dict) and set(student) == set(mutant)
                and all(same_result(student[name], mutant[name]) for name in student))
    if not isinstance(student, np.ndarray) or not isinstance(mutant, np.ndarray) or student.shape != mutant.shape:
        return False
    return bool(np.allclose(student, mutant, rtol=MATCH_RTOL, atol=MATCH_ATOL, equal_nan=True))


@dataclass(frozen=True)
class Named:
    """A mistake named in one grade cell."""

    grade_id: str
    title: str  # Mistake.title: its name in the catalogue
    cases: int  # hidden cases on which the student's results equal the mutant's
    lost_points: bool  # False: a note on a grade cell that kept its points
    together_with: tuple[str, ...] = ()  # mistakes named earlier that the matching mutant made too
    by_check: bool = False  # named by the cell's failing visible check (cases is then 0), not by the hidden tests


@dataclass
class Diagnosis:
    """The diagnosis of one notebook in one grading run (see the module docstring)."""

    run: HiddenRun
    cells: tuple  # the source notebook's given and solution cells (autograde/grade/mutants.py)
    budget: float = DIAGNOSIS_SECONDS
    mistakes: tuple[Mistake, ...] | None = None  # default: the notebook's catalogue
    named: list[Named] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # what could not be tried, and why
    seconds: float = 0.0  # spent running mutants
    mutant_runs: int = 0
    # (mutant's mistakes, grade_id) -> case key -> the mutant's result: one run's, so diagnoses of the same run (the
    # catalogue tests' students) may share it
    outcomes: dict = field(default_factory=dict)

    def __post_init__(self):
        item = notebook_named(self.run.notebook)
        self.mistakes = mistakes_of(item) if self.mistakes is None else tuple(self.mistakes)
        self.results = result_names(item)
        self.started = time.monotonic()
        self._namespaces: dict[tuple[str, ...], dict | None] = {}
        self._outcomes: dict[tuple[tuple[str, ...], str], dict | None] = self.outcomes

    # ---- what the grader calls ---------------------------------------------------------------------------------

    def failing(self, grade_id: str, verdicts: list[CaseVerdict]) -> list[str]:
        """Lines to put before the judge's failures of this grade cell: the mistakes named ([] if none)."""
        return self._safely(grade_id, verdicts, lost_points=True)

    def passing(self, grade_id: str, verdicts: list[CaseVerdict]) -> list[str]:
        """Notes for a grade cell that kept its points: mistakes that cost nothing but show in its results."""
        return self._safely(grade_id, verdicts, lost_points=False)

    def checked(self, grade_id: str, cell) -> None:
        """Record the mistakes the cell's failing visible check named, as the student read them."""
        titles = {mistake.why[0]: mistake.title for mistake in self.mistakes}
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error" and output.get("ename") == "CheckFailed":
                for why in named_by_check(str(output.get("evalue", ""))):
                    if why in titles and not any(n.grade_id == grade_id and n.title == titles[why] for n in self.named):
                        self.named.append(Named(grade_id, titles[why], 0, True, by_check=True))

    def record(self) -> dict:
        return {"version": RECORD_VERSION, "notebook": self.run.notebook, "seed": self.run.seed,
                "named": [asdict(named) for named in self.named], "problems": self.problems,
                "diagnosis_seconds": round(self.seconds, 3), "mutant_runs": self.mutant_runs}

    # ---- matching ------------------------------------------------------------------------------------------------

    def _safely(self, grade_id, verdicts, lost_points: bool) -> list[str]:
        start = time.perf_counter()
        try:
            found = self._diagnose(grade_id, verdicts, lost_points)
        except Exception:  # noqa: BLE001 - a diagnosis never costs a student anything
            self.problems.append(f"{grade_id}: diagnosis failed: {traceback.format_exc(limit=3)[-600:]}")
            found = []
        finally:
            self.seconds += time.perf_counter() - start
        self.named += found
        return [self.message(named) for named in found]

    def _diagnose(self, grade_id, verdicts, lost_points: bool) -> list[Named]:
        if lost_points:
            candidates = [m for m in self.mistakes if grade_id in m.fails]
        else:
            candidates = [m for m in self.mistakes if grade_id in m.shows_in and not m.fails]
        usable = [v for v in verdicts if v.key and v.got is not None]
        compared = sorted(usable, key=lambda v: not v.failure)[:MAX_COMPARED]  # failing cases first
        if not candidates or not compared:
            return []
        earlier = tuple(dict.fromkeys(named.title for named in self.named))
        found = []
        for mistake in candidates:
            tries = [()] + ([tuple(t for t in earlier if t != mistake.title)] if set(earlier) - {mistake.title}
                            else [])
            for before in tries:
                if self._explains(before + (mistake.title,), grade_id, compared, lost_points) and \
                        not (before and self._matches(before, grade_id, compared)):  # it must change something
                    found.append(Named(grade_id, mistake.title, len(compared), lost_points, before))
                    break
        return found

    def _matches(self, titles: tuple[str, ...], grade_id: str, compared: list[CaseVerdict]) -> bool:
        """On every compared case the mutant's result equals the student's, and the judge fails it exactly when it
        failed the student's (an exception of the same class with a message the judge accepts is not the mistake of
        a message the judge rejects)."""
        outcomes = self._outcomes_of(titles, grade_id, [v.key for v in compared])
        if outcomes is None or not all(same_result(v.got, outcomes.get(v.key)) for v in compared):
            return False
        judge = getattr(judge_module(self.run.notebook), grade_id)
        return all(bool(judge_outcome(self.run, judge, v.key, v.case, outcomes[v.key])) == bool(v.failure)
                   for v in compared)

    def _explains(self, titles, grade_id, compared, lost_points: bool) -> bool:
        """The mutant matches the student's results, and (for a lost point) failed at least one compared case."""
        return self._matches(titles, grade_id, compared) and (not lost_points or any(v.failure for v in compared))

    def _outcomes_of(self, titles: tuple[str, ...], grade_id: str, keys: list[str]) -> dict | None:
        """key -> the mutant's decoded result for each case of `keys` (None for a case it gave none); None if this
        mutant cannot be made or run (recorded in problems)."""
        if (titles, grade_id) in self._outcomes and self._outcomes[titles, grade_id] is None:
            return None  # it ran out of time before
        cached = self._outcomes.setdefault((titles, grade_id), {})
        missing = [key for key in keys if key not in cached]
        if missing:
            namespace = self._namespace(titles)
            if namespace is None:
                return None
            remaining = self.budget - (time.monotonic() - self.started)
            try:
                with quiet(), time_limit(remaining):
                    payloads = kernel_payloads(self.run, dict(namespace), grade_id, missing)
            except OutOfTime:
                self.problems.append(f"{grade_id}: out of time ({self.budget:g} s) before the mutant "
                                     f"{' + '.join(titles)!r} finished")
                self._outcomes[(titles, grade_id)] = None
                return None
            finally:
                self.mutant_runs += 1
            for payload in payloads:
                for key, entry in (payload.get("results") or {}).items():
                    cached[key] = decode_outcome(entry)
            for key in missing:
                cached.setdefault(key, None)
        return {key: cached[key] for key in keys}

    def _namespace(self, titles: tuple[str, ...]) -> dict | None:
        if titles not in self._namespaces:
            by_title = {mistake.title: mistake for mistake in self.mistakes}
            try:
                with time_limit(self.budget - (time.monotonic() - self.started)):
                    self._namespaces[titles] = mutant_namespace(self.cells, tuple(by_title[t] for t in titles),
                                                                self.run.notebook)
            except OutOfTime:
                self.problems.append(f"out of time ({self.budget:g} s) before the mutant {' + '.join(titles)!r} was "
                                     "made")
                self._namespaces[titles] = None
            except ValueError as error:  # two mistakes that edit the same line cannot be made together
                self.problems.append(f"mutant {' + '.join(titles)!r}: {error}"[:600])
                self._namespaces[titles] = None
        return self._namespaces[titles]

    # ---- the words ---------------------------------------------------------------------------------------------

    def message(self, named: Named) -> str:
        """The bilingual paragraph naming a mistake, for the student."""
        mistake = next(m for m in self.mistakes if m.title == named.title)
        result_en, result_ja = self.results.get(named.grade_id, ("result", "結果"))
        why_en, why_ja = mistake.why
        fix_en, fix_ja = mistake.fix
        cases = f"on all {named.cases} hidden cases compared" if named.cases > 1 else "on the hidden case"
        cases_ja = f"比べた隠しテスト {named.cases} 件すべてで" if named.cases > 1 else "隠しテストで"
        if named.lost_points:
            head_en, head_ja = "Likely mistake", "考えられる間違い"
        else:
            head_en, head_ja = "Note (no points lost)", "注意（減点なし）"
        spaced = " " if result_ja[-1:].isascii() else ""
        return (f"{head_en}: your {result_en} equals, {cases}, what you get when {why_en}.\n  Fix: {fix_en}\n"
                f"{head_ja}：{cases_ja}、あなたの{result_ja}{spaced}は「{why_ja}」ときの結果と一致します。\n"
                f"  直し方：{fix_ja}")


def save_record(folder: Path, student: str, record: dict) -> Path:
    """Write a notebook's diagnosis record to folder/<student>/<notebook>.json (replacing the last run's)."""
    if not student or "/" in student or student.startswith("."):
        raise ValueError(f"not a student id for a file name: {student!r}")
    path = folder / student / f"{record['notebook']}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".json.partial")
    partial.write_text(json.dumps(record, ensure_ascii=False, indent=1), encoding="utf-8")
    partial.replace(path)
    return path


class _NoDiagnosis:
    """Stands in when the diagnosis cannot start (the error is in the log): grading goes on without names."""

    def __init__(self, notebook: str, problem: str):
        self.notebook, self.problem = notebook, problem

    def failing(self, grade_id, verdicts):  # noqa: ARG002
        return []

    passing = failing

    def checked(self, grade_id, cell):  # noqa: ARG002
        return None

    def record(self) -> dict:
        return {"version": RECORD_VERSION, "notebook": self.notebook, "named": [], "problems": [self.problem]}


def start_diagnosis(run: HiddenRun, course_root: Path, log) -> "Diagnosis | _NoDiagnosis":
    """The diagnosis of the notebook JudgeHiddenTests is judging: its mutants are made from the course's built
    source (what was released), or from the working tree's build when the course has none."""
    from autograde.course import Course
    from autograde.grade.mutants import built_cells, released_cells

    started = time.perf_counter()
    try:
        source = Course(course_root).source_dir / f"{run.notebook}.ipynb"
        cells = released_cells(source) if source.is_file() else built_cells(run.notebook)
        diagnosis = Diagnosis(run, cells)
    except Exception as error:  # noqa: BLE001 - grading goes on without it
        log.warning("diagnosis of %s cannot start: %s", run.notebook, traceback.format_exc())
        diagnosis = _NoDiagnosis(run.notebook, f"cannot start: {type(error).__name__}: {error}"[:600])
    diagnosis.judging_started = started
    return diagnosis


def finish_diagnosis(diagnosis, resources: dict, course_root: Path, log) -> None:
    """Write the notebook's record (named mistakes, problems, times) for the class report; log what was named."""
    from autograde.course import Course
    from autograde.grade.judging import STARTED_KEY

    try:
        student = str(resources.get("nbgrader", {}).get("student") or "")
        record = diagnosis.record()
        now = time.perf_counter()
        started = resources.get(STARTED_KEY)
        record.update(student=student, judged_seconds=round(now - diagnosis.judging_started, 3),
                      executed_seconds=round(diagnosis.judging_started - started, 3) if started else None)
        for named in record["named"]:
            log.info("%s %s %s: named %r", student, record["notebook"], named["grade_id"], named["title"])
        for problem in record["problems"]:
            log.warning("%s %s: diagnosis: %s", student, record["notebook"], problem)
        save_record(Course(course_root).diagnosis_dir, student, record)
    except Exception:  # noqa: BLE001 - the record is for the report; grading goes on
        log.warning("diagnosis record of %s not written:\n%s", getattr(diagnosis, "notebook", "?"),
                    traceback.format_exc())
