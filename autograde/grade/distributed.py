"""Grading a class with Dask distributed: one task per student (autograde/grade/bundle.py: explicit inputs and
outputs, no shared file system), this process the only writer of gradebook.db.

    python -m autograde.grade [--scheduler tcp://HOST:8786] ...

Without --scheduler the tasks run on an embedded LocalCluster, one single-threaded worker process per core (or
--workers N), on this machine. With --scheduler they run wherever that cluster's workers are: each worker machine
needs the course's checkout (the same grading code: the task checks a digest), its venv and bubblewrap, but not the
course folder, which it never sees: a task gets the release bundle and the student's files, grades them with
nbgrader in a scratch course of its own (the sandbox, the limits, the judges as on one machine) and returns the
student's gradebook rows, scores, autograded notebooks and diagnosis records.

As each result arrives this process merges it: the rows into the master in one transaction (gradebook.merge_student),
then the autograded notebooks into autograded/<student>/ and the named mistakes into diagnosis/<student>/ (each written
beside, then swapped in), and checks the master now holds the scores the worker computed. A task whose worker died
(killed, machine lost) or whose grading failed for a reason outside the notebook is submitted once more
(StudentLimits.retries; Dask places it on a live worker) and reported FAILED if it fails again; nothing of a failed
attempt is merged.
"""

import logging
import os
import shutil
import socket
import sqlite3
import sys
import tempfile
import threading
import time
import uuid
import zlib
from dataclasses import dataclass
from pathlib import Path

from tqdm import tqdm

from autograde.course import Course
from autograde.grade.bundle import (
    ReleaseBundle,
    StudentFiles,
    StudentResult,
    code_digest,
    folder_files,
    make_bundle,
    student_rows,
    write_files,
)
from autograde.grade.gradebook import MasterGradebook, integrity_problems, student_scores
from autograde.grade.intake import intake_folders
from autograde.grade.pool import Run, problem, report, retry_wanted, with_earlier
from autograde.grade.student import Outcome, warm_fork_server
from autograde.sandbox.bwrap import DATA_DIR
from autograde.settings import ASSIGNMENT, StudentLimits

IN_PROCESS = "threads"  # --scheduler threads: the embedded cluster's workers are threads of this process
MAX_RESCATTERS = 3  # times a run sends the release bundle again after the cluster lost every copy
# Dask must not retry a task on its own when its worker dies: this module retries once, and reports.
DASK_CONFIG = {"distributed.scheduler.allowed-failures": 0, "distributed.worker.daemon": False,
               "distributed.scheduler.work-stealing": True,
               # Dask's own timers, for its dashboard and its warnings only (no dashboard here): the statistical
               # profiler sampling every 10 ms, the event-loop watchdog ticking every 20 ms and the system and
               # memory monitors took ~0.08 CPU-s a second while the workers only waited on nbgrader (measured
               # with 2 idle workers: 1.0 CPU-s in 10 s, 0.22 with these), CPU the graded notebooks need
               "distributed.worker.profile.enabled": False,
               "distributed.admin.tick.interval": "1s", "distributed.admin.tick.limit": "30s",
               "distributed.admin.system-monitor.interval": "5s",
               "distributed.worker.memory.monitor-interval": "1s"}


# ---- on the worker ---------------------------------------------------------------------------------------------

def graded_folder(course: Course, student: str) -> Path:
    """The folder nbgrader grades for the student (the intake's copy, to_grade/<student>/cnn1d): what StudentFiles
    holds."""
    return intake_folders(course, student)[0]


def worker_name() -> str:
    try:
        from distributed import get_worker

        return get_worker().address
    except (ImportError, ValueError):
        return f"{socket.gethostname()}:{os.getpid()}"


def grade_with_nbgrader(course: Course, student: str, env: dict[str, str], scratch: Path, force: bool,
                        limits: StudentLimits, notebooks: int) -> Outcome:
    """`nbgrader autograde` of one student in the task's course: from the fork server (nbgrader imported once per
    worker process), or as a subprocess in a daemonic worker process (which may not have children of its own)."""
    import multiprocessing

    from autograde.grade.student import grade_one, grade_one_forked

    if multiprocessing.current_process().daemon:
        return grade_one(course, student, force, course.gradebook, env, limits, notebooks)
    return grade_one_forked(course, student, force, course.gradebook, env, scratch, limits, notebooks)


def grade_with_stub(course: Course, student: str, env: dict[str, str], scratch: Path, force: bool,
                    limits: StudentLimits, notebooks: int, seconds: float = 0.0, markers: str = "") -> Outcome:
    """A stand-in for nbgrader (the scaling simulation, the worker-death test): the student's gradebook rows (every
    grade cell, full marks) written in a few ms, one small autograded notebook per notebook. `seconds`: time it
    takes first; `markers`: a folder where it leaves <student>-<pid> as it starts (a test kills that process)."""
    start = time.perf_counter()
    if markers:
        (Path(markers) / f"{student}-{os.getpid()}").touch()
    time.sleep(seconds)
    connection = sqlite3.connect(course.gradebook, isolation_level=None)
    try:
        connection.execute("BEGIN")
        connection.execute("INSERT INTO student (id) VALUES (?)", (student,))
        assignment = connection.execute("SELECT id FROM assignment WHERE name = ?", (ASSIGNMENT,)).fetchone()[0]
        submission = uuid.uuid4().hex
        connection.execute("INSERT INTO submitted_assignment (id, assignment_id, student_id, timestamp) "
                           "VALUES (?, ?, ?, datetime('now'))", (submission, assignment, student))
        for notebook_id, name in connection.execute("SELECT id, name FROM notebook WHERE assignment_id = ?",
                                                    (assignment,)).fetchall():
            submitted = uuid.uuid4().hex
            connection.execute("INSERT INTO submitted_notebook (id, assignment_id, notebook_id, flagged) "
                               "VALUES (?, ?, ?, 0)", (submitted, submission, notebook_id))
            for cell, points in connection.execute(
                    "SELECT g.id, g.max_score FROM grade_cells g JOIN base_cell b ON g.id = b.id "
                    "WHERE b.notebook_id = ?", (notebook_id,)).fetchall():
                connection.execute("INSERT INTO grade (id, notebook_id, cell_id, auto_score, needs_manual_grade) "
                                   "VALUES (?, ?, ?, ?, 0)", (uuid.uuid4().hex, submitted, cell, points))
            folder = course.autograded_dir / student / ASSIGNMENT
            folder.mkdir(parents=True, exist_ok=True)
            (folder / f"{name}.ipynb").write_text('{"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}')
        connection.execute("COMMIT")
    finally:
        connection.close()
    return Outcome(student, 0, "stub grading\n", time.perf_counter() - start, course.gradebook)


def grader_named(spec: str):
    """"nbgrader", or "stub[:SECONDS[:MARKERS]]" (grade_with_stub)."""
    name, *args = spec.split(":", 2)
    if name == "nbgrader" and not args:
        return grade_with_nbgrader
    if name == "stub":
        seconds = float(args[0]) if args else 0.0
        markers = args[1] if len(args) > 1 else ""
        return lambda *common: grade_with_stub(*common, seconds=seconds, markers=markers)
    raise ValueError(f"unknown grader {spec!r}")


def grade_task(bundle: ReleaseBundle, submission: StudentFiles, force: bool, limits: StudentLimits, notebooks: int,
               grader: str = "nbgrader") -> StudentResult:
    """The Dask task: grade one student from explicit inputs in a scratch course; never touches the parent's."""
    start = time.perf_counter()
    student, worker = submission.student, worker_name()
    if bundle.code != code_digest():
        return StudentResult(student, 1, "", 0.0, cause=f"the grading code on worker {worker} differs from the "
                             "course's (update its checkout and venv)", worker=worker)
    with tempfile.TemporaryDirectory(prefix="cnn1d-task-") as scratch:
        course = bundle.materialize(Path(scratch) / "course")
        (Path(scratch) / "data").symlink_to(DATA_DIR)  # MNIST for notebook 8's judge, from the worker's checkout
        write_files(graded_folder(course, student), submission.files)
        logs = Path(scratch) / "logs"
        logs.mkdir()
        outcome = grader_named(grader)(course, student, bundle.env, logs, force, limits, notebooks)
        result = StudentResult(student, outcome.returncode, outcome.output, time.perf_counter() - start,
                               cause=outcome.cause, retry=outcome.retry, worker=worker)
        if outcome.returncode == 0:
            try:
                result.gradebook = student_rows(course.gradebook, student)
                result.scores = student_scores(course.gradebook, student)
                result.autograded = folder_files(course.autograded_dir / student / ASSIGNMENT)
                if (course.diagnosis_dir / student).is_dir():
                    result.diagnosis = folder_files(course.diagnosis_dir / student)
            except (sqlite3.Error, OSError, ValueError) as error:
                result.returncode, result.cause = 1, f"reading the graded student failed: {error}"
    return result


# ---- in the parent ---------------------------------------------------------------------------------------------

@dataclass
class Merged:
    ok: bool
    problem: str = ""


def swap_in(final: Path, files: dict[str, bytes]) -> None:
    """Replace the folder `final` with `files` (written beside it, then renamed into place); no files: no folder."""
    fresh = final.with_name(f".{final.name}-{uuid.uuid4().hex[:8]}")
    if files:
        write_files(fresh, files)
    old = final.with_name(f".{final.name}-old-{uuid.uuid4().hex[:8]}")
    if final.exists():
        final.rename(old)
    if files:
        final.parent.mkdir(parents=True, exist_ok=True)
        fresh.rename(final)
    shutil.rmtree(old, ignore_errors=True)


def merge_result(course: Course, result: StudentResult, scratch: Path, master: MasterGradebook) -> Merged:
    """The worker's rows into the master (one transaction), then its autograded notebooks and diagnosis records into
    place; the master must then hold the worker's scores. Nothing is changed if the rows cannot be merged."""
    rows = scratch / f"{result.student}-{uuid.uuid4().hex[:8]}.db"
    rows.write_bytes(zlib.decompress(result.gradebook))
    try:
        master.merge(rows, result.student)
    except (sqlite3.Error, LookupError) as error:
        return Merged(False, f"merge into the gradebook failed: {error}")
    finally:
        rows.unlink(missing_ok=True)
    swap_in(course.autograded_dir / result.student / ASSIGNMENT, result.autograded)
    swap_in(course.diagnosis_dir / result.student, result.diagnosis)  # the class report's named mistakes
    if master.scores(result.student) != result.scores:
        return Merged(False, "the master's scores differ from the worker's after the merge")
    return Merged(True)


def start_client(scheduler: str | None, workers: int):
    """A Dask client: on the cluster at `scheduler`, or on a LocalCluster of `workers` single-threaded processes
    (scheduler "threads": of `workers` threads in this process)."""
    import dask
    from distributed import Client, LocalCluster

    dask.config.set(DASK_CONFIG)
    if scheduler and scheduler != IN_PROCESS:
        return Client(scheduler, timeout="30s"), None
    in_process = scheduler == IN_PROCESS
    cluster = LocalCluster(n_workers=1 if in_process else workers, threads_per_worker=workers if in_process else 1,
                           processes=not in_process, dashboard_address=None, silence_logs=logging.ERROR)
    return Client(cluster), cluster


def outcome_of(result: StudentResult) -> Outcome:
    """The task's result as the attempt the serial path would report (pool.problem, pool.report)."""
    outcome = Outcome(result.student, result.returncode, result.output, result.seconds, Path(), result.cause,
                      result.retry)
    if result.worker:
        outcome.output = f"(graded on the Dask worker {result.worker})\n" + outcome.output
    return outcome


def lost_task(student: str, error: BaseException) -> StudentResult:
    """A task that raised: its worker died (KilledWorker) or the task itself broke."""
    killed = type(error).__name__ == "KilledWorker"
    cause = "the Dask worker grading it died" if killed else f"the task failed: {type(error).__name__}: {error}"
    return StudentResult(student, -9 if killed else 1, f"{cause}\n", 0.0, cause=cause)


def warm(client) -> None:
    """Start each worker's fork server now (it returns at once; the imports go on while the run does). Only a head
    start: a worker that cannot do it says why in its first task, as without it."""
    try:
        client.run(warm_fork_server)
    except Exception:  # noqa: BLE001, S110 - see the docstring
        pass


class EarlyClient:
    """start_client() in a thread, from the start of a grading run: the cluster's workers start and import nbgrader
    (warm_fork_server, ~4 s in all) while this process still backs up the gradebook and takes the class in."""

    def __init__(self, scheduler: str | None, workers: int, grader: str = "nbgrader"):
        self.outcome = None
        self.thread = threading.Thread(target=self.start, args=(scheduler, workers, grader), daemon=True,
                                       name="dask-start")
        self.thread.start()

    def start(self, scheduler: str | None, workers: int, grader: str) -> None:
        try:
            client, cluster = start_client(scheduler, workers)
        except BaseException as error:  # noqa: BLE001 - raised again in the thread that uses the client
            self.outcome = error
            return
        if grader == "nbgrader":
            warm(client)
        self.outcome = (client, cluster)

    def result(self):
        """(client, cluster), once started; what went wrong, raised here."""
        self.thread.join()
        if isinstance(self.outcome, BaseException):
            raise self.outcome
        return self.outcome

    def close(self) -> None:
        """Stop the client and its cluster (whoever started them stops them: grade_on_dask does not)."""
        try:
            client, cluster = self.result()
        except Exception:  # noqa: BLE001 - it never started: nothing to stop
            return
        client.close()
        if cluster is not None:
            cluster.close()


def grade_on_dask(run: Run, students: list[str], *, workers: int, scheduler: str | None = None,
                  grader: str = "nbgrader", quiet: bool = False,
                  started: EarlyClient | None = None) -> tuple[int, dict]:
    """Grade `students` as Dask tasks, merging each result as it arrives; returns (failed count, statistics).
    `started`: the run's client, started early and stopped by its owner (else started and stopped here)."""
    from distributed import as_completed

    course = run.course
    client, cluster = started.result() if started else start_client(scheduler, workers)
    if started is None and grader == "nbgrader":
        warm(client)
    stats = {"merge_seconds": 0.0, "parent_seconds": 0.0, "attempts": 0}
    bad, merged = 0, set()
    try:
        tick = time.perf_counter()
        bundle = make_bundle(course, run.env)
        scattered = [client.scatter(bundle, broadcast=True, hash=False)]  # the latest copy on the cluster
        stats["bundle_seconds"] = time.perf_counter() - tick
        earlier: dict[str, list[Outcome]] = {student: [] for student in students}
        uses: dict = {}  # task future -> the bundle future it was given

        def submit(student: str, attempt: bool = True):
            stats["attempts"] += attempt
            files = StudentFiles(student, folder_files(graded_folder(course, student)))
            future = client.submit(grade_task, scattered[-1], files, run.force or bool(earlier[student]), run.limits,
                                   run.notebooks, grader, key=f"grade-{student}-{uuid.uuid4().hex[:8]}", pure=False)
            uses[future] = scattered[-1]
            return future

        def bundle_lost(future, error: BaseException) -> bool:
            """The task never ran: the cluster lost every copy of its bundle (their workers died). The bundle is
            sent again (at most MAX_RESCATTERS times a run) and the student resubmitted, not counted as an attempt."""
            if type(error).__name__ not in ("FutureCancelledError", "CancelledError"):
                return False
            if uses[future] is scattered[-1]:
                if len(scattered) > MAX_RESCATTERS:
                    return False
                scattered.append(client.scatter(bundle, broadcast=True, hash=False))
            return True

        with tempfile.TemporaryDirectory(prefix=".dask-", dir=run.logs) as scratch, \
                MasterGradebook(course.gradebook) as master, \
                tqdm(total=len(students), unit="student", desc="autograde", file=sys.stderr) as bar:

            def merge(result: StudentResult, outcome: Outcome) -> None:
                """Merge the student; a failure makes the outcome a failed one (retried like any other)."""
                tick = time.perf_counter()
                done = merge_result(course, result, Path(scratch), master)
                stats["merge_seconds"] += time.perf_counter() - tick
                if done.ok:
                    merged.add(result.student)
                else:
                    outcome.output += f"\n{done.problem}\n"
                    outcome.returncode, outcome.cause = 1, done.problem

            tick = time.perf_counter()
            futures = {submit(student): student for student in students}
            stats["parent_seconds"] += time.perf_counter() - tick
            pending = as_completed(list(futures))
            for future in pending:
                tick = time.perf_counter()
                student = futures.pop(future)
                try:
                    result = future.result()
                except Exception as error:  # noqa: BLE001 - a lost worker or a broken task: reported, maybe retried
                    if bundle_lost(future, error):
                        uses.pop(future)
                        again = submit(student, attempt=False)
                        futures[again] = student
                        pending.add(again)
                        continue
                    result = lost_task(student, error)
                uses.pop(future, None)
                future.release()
                outcome = with_earlier(outcome_of(result), earlier[student])
                if not problem(outcome):
                    merge(result, outcome)
                if retry_wanted(outcome, run.limits):
                    earlier[student].append(outcome)
                    retry = submit(student)
                    futures[retry] = student
                    pending.add(retry)
                else:
                    if outcome.returncode == 0 and student not in merged:  # graded twice with a broken sandbox
                        merge(result, outcome)
                    bad += not (outcome.returncode == 0 if quiet else report(outcome, run, earlier[student]))
                    bar.update()
                stats["parent_seconds"] += time.perf_counter() - tick
        problems = integrity_problems(course.gradebook)
        if problems:
            raise SystemExit("autograde: the merged gradebook failed its check (" + "; ".join(problems[:5])
                             + f"); restore the backup in {course.gradebook_backups}")
    finally:
        if started is None:
            client.close()
            if cluster is not None:
                cluster.close()
    stats["merged"] = len(merged)
    print(f"gradebook: {len(merged)} students merged, integrity ok, scores equal the workers'")
    return bad, stats
