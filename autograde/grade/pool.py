"""Grading students one after the other, nbgrader writing the master gradebook itself (--workers 1), and what every
path shares: the run's settings, when an attempt failed, retries and the report. Parallel and distributed grading
(Dask tasks, merged into the master by this process) is autograde/grade/distributed.py.

A student whose grading fails for a reason outside their notebook (the grading process died or was killed, nbgrader
failed, the sandbox broke, the merge failed) is graded again, once (StudentLimits.retries), with --force; if that
fails too they are reported FAILED and the gradebook keeps their previous grades. A student stopped by the time
limit is not retried: it would stop again.
"""

import csv
import sys
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from tqdm import tqdm

from autograde.course import Course
from autograde.grade.student import Outcome, grade_one
from autograde.settings import StudentLimits

GRADING_TIMES = "grading-times.csv"  # logs/: one row per nbgrader call, appended (the class report reads it)


def record_time(outcome: Outcome, logs: Path, graded: bool) -> None:
    """Append the student's grading time to logs/grading-times.csv: finished, student, seconds, graded."""
    path = logs / GRADING_TIMES
    new = not path.is_file()
    with path.open("a", newline="", encoding="utf-8") as file:
        writer = csv.writer(file)
        if new:
            writer.writerow(["finished", "student", "seconds", "graded"])
        writer.writerow([datetime.now().isoformat(timespec="seconds"), outcome.student, f"{outcome.seconds:.2f}",
                         int(graded)])


@dataclass(frozen=True)
class Run:
    """What every student of one autograde run is graded with."""

    course: Course
    force: bool
    env: dict[str, str]  # extra environment of nbgrader (the sandbox choice)
    logs: Path
    limits: StudentLimits
    notebooks: int  # released notebooks: the time limit counts an after-budget time for each


def problem(outcome: Outcome) -> str:
    """Why this attempt did not grade the student ('' if it did)."""
    if outcome.returncode:
        return outcome.cause or f"nbgrader exit {outcome.returncode}"
    return "the sandbox broke (see the log)" if outcome.sandbox_broke else ""


def retry_wanted(outcome: Outcome, limits: StudentLimits) -> bool:
    return bool(problem(outcome)) and outcome.retry and outcome.attempts <= limits.retries


def with_earlier(outcome: Outcome, earlier: list[Outcome]) -> Outcome:
    """The outcome with the logs of the earlier attempts before its own."""
    outcome.attempts = len(earlier) + 1
    parts = [f"===== attempt {number} ({problem(old)}) =====\n{old.output}" for number, old in enumerate(earlier, 1)]
    if parts:
        outcome.output = "".join(parts) + f"===== attempt {outcome.attempts} =====\n{outcome.output}"
    return outcome


def report(outcome: Outcome, run: Run, earlier: list[Outcome]) -> bool:
    """Write the student's log and grading time and print their line; True if graded."""
    log = run.logs / f"autograde-{outcome.student}.log"
    log.write_text(outcome.output, encoding="utf-8")
    record_time(outcome, run.logs, outcome.returncode == 0)
    why = problem(outcome)
    notes = []
    if earlier:
        notes.append(f"attempt {outcome.attempts}; before: " + "; ".join(problem(old) for old in earlier))
    if outcome.seconds > run.limits.wall_seconds:
        notes.append(f"time budget of {run.limits.wall_seconds} s used up: the notebooks graded after it had at most "
                     f"{run.limits.after_budget_seconds} s each")
    if outcome.returncode == 0:
        if why:
            notes.append(f"WARNING: {why}; the notebooks it stopped score 0 (log {log})")
        tqdm.write(f"  {outcome.student}: autograded in {outcome.seconds:.0f} s" + "".join(f" ({n})" for n in notes))
        return True
    tqdm.write(f"  {outcome.student}: FAILED ({why}; log {log}"
               + "".join(f"; {n}" for n in notes) + "); the gradebook keeps their previous grades:", file=sys.stderr)
    for line in [line for line in outcome.output.splitlines() if "ERROR" in line or "Error" in line][-10:]:
        tqdm.write(f"    {line}", file=sys.stderr)
    return False


def grade_serially(run: Run, students: list[str]) -> int:
    """One student after the other, nbgrader writing the master gradebook itself (the path before --workers)."""
    bad = 0
    with tqdm(total=len(students), unit="student", desc="autograde", file=sys.stderr) as bar:
        for student in students:
            bar.set_postfix_str(student)
            earlier: list[Outcome] = []
            while True:
                outcome = with_earlier(grade_one(run.course, student, run.force or bool(earlier),
                                                 run.course.gradebook, run.env, run.limits, run.notebooks), earlier)
                if not retry_wanted(outcome, run.limits):
                    break
                earlier.append(outcome)
            bad += not report(outcome, run, earlier)
            bar.update()
    return bad
