"""Grading many students: one after the other, or in parallel workers that each grade into their own copy of the
gradebook while this process alone merges each graded student into the master (autograde/grade/gradebook.py)."""

import queue
import shutil
import sqlite3
import sys
import tempfile
import threading
from concurrent.futures import ThreadPoolExecutor, as_completed
from datetime import datetime
from pathlib import Path

from tqdm import tqdm

from autograde.course import Course
from autograde.grade.gradebook import copy_database, integrity_problems, merge_student, student_scores
from autograde.grade.student import Outcome, grade_one, grade_one_forked


def report(outcome: Outcome, logs: Path, merged: bool | None) -> bool:
    """Write the student's log and print their line; True if graded."""
    log = logs / f"autograde-{outcome.student}.log"
    log.write_text(outcome.output, encoding="utf-8")
    if outcome.returncode == 0 and merged is not False:
        tqdm.write(f"  {outcome.student}: autograded in {outcome.seconds:.0f} s")
        return True
    reason = f"nbgrader exit {outcome.returncode}" if outcome.returncode else "merge into the gradebook failed"
    tqdm.write(f"  {outcome.student}: FAILED ({reason}; log {log}); the gradebook keeps their previous grades:",
               file=sys.stderr)
    for line in [line for line in outcome.output.splitlines() if "ERROR" in line or "Error" in line][-10:]:
        tqdm.write(f"    {line}", file=sys.stderr)
    return False


def grade_serially(course: Course, students: list[str], force: bool, env: dict[str, str], logs: Path) -> int:
    """One student after the other, nbgrader writing the master gradebook itself (the path before --workers)."""
    bad = 0
    with tqdm(total=len(students), unit="student", desc="autograde", file=sys.stderr) as bar:
        for student in students:
            bar.set_postfix_str(student)
            bad += not report(grade_one(course, student, force, course.gradebook, env), logs, merged=None)
            bar.update()
    return bad


def grade_in_parallel(course: Course, students: list[str], force: bool, env: dict[str, str], logs: Path,
                      workers: int) -> int:
    """Workers grade into their own gradebook copies; this thread alone merges each graded student into the master."""
    bad = 0
    merged: dict[str, Path] = {}
    with tempfile.TemporaryDirectory(prefix=".workers-", dir=logs) as scratch:
        slots: queue.Queue[Path] = queue.Queue()
        for index in range(workers):
            copy = Path(scratch) / f"worker-{index}.db"
            copy_database(course.gradebook, copy)  # before any merge: each student's rows are as in the master
            slots.put(copy)

        running: set[str] = set()
        running_lock = threading.Lock()

        def work(student: str) -> Outcome:
            gradebook = slots.get()
            with running_lock:
                running.add(student)
            try:
                return grade_one_forked(course, student, force, gradebook, env, Path(scratch))
            finally:
                with running_lock:
                    running.discard(student)
                slots.put(gradebook)

        with ThreadPoolExecutor(max_workers=workers) as pool, \
                tqdm(total=len(students), unit="student", desc="autograde", file=sys.stderr) as bar:
            futures = {pool.submit(work, student): student for student in students}
            for future in as_completed(futures):
                student = futures[future]
                try:
                    outcome = future.result()
                except Exception as error:  # the worker itself broke (not nbgrader): nothing to merge
                    outcome = Outcome(student, -1, f"worker error: {error!r}", 0.0, Path())
                ok = None
                if outcome.returncode == 0:
                    try:
                        merge_student(course.gradebook, outcome.gradebook, student)
                        merged[student] = outcome.gradebook
                        ok = True
                    except (sqlite3.Error, LookupError) as error:
                        outcome.output += f"\nmerge into {course.gradebook} failed: {error}\n"
                        ok = False
                bad += not report(outcome, logs, ok)
                with running_lock:
                    bar.set_postfix_str(", ".join(sorted(running)))
                bar.update()
        problems = integrity_problems(course.gradebook)
        problems += [f"{student}: scores in the master differ from worker {worker.name}"
                     for student, worker in merged.items()
                     if student_scores(course.gradebook, student) != student_scores(worker, student)]
        if problems:
            kept = course.root / "logs" / f"workers-{datetime.now():%Y%m%d-%H%M%S}"
            shutil.copytree(scratch, kept)
            raise SystemExit("autograde: the merged gradebook failed its check (" + "; ".join(problems[:5])
                             + f"); restore the backup in {course.gradebook_backups}; worker gradebooks in {kept}")
    print(f"gradebook: {len(merged)} students merged, integrity ok, scores equal the workers'")
    return bad
