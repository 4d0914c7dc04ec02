"""`make autograde`: autograde every submission in autograde/submitted/<student>/cnn1d/.

    python -m autograde.grade_submissions [--force] [--workers N] [--no-sandbox] [--course-dir DIR] [student ...]

Safe to rerun: the gradebook is backed up first (gradebook_backups/, the last 20 kept), one run at a time (a lock
file), students are added to the gradebook as they are graded, and files in submitted/ are never written (checked
after the run). A malformed submission is skipped with the reason; the others are graded; the exit code is 1 if any
student was skipped or failed. Without --force nbgrader regrades only submissions newer than their last grading.

Parallel grading (--workers N, default: the number of CPUs): nbgrader grades one student per call, and SQLite is
not safe for concurrent writers, so each worker grades into its own copy of the gradebook ($CNN1D_GRADEBOOK, read
by nbgrader_config.py). After each student this process, the only writer of the master gradebook, replaces that
student's submission rows in the master with the worker's in one transaction. A student whose nbgrader call fails
is not merged: the master keeps their previous grades. After the run the master must pass `PRAGMA integrity_check`
and hold the same scores as the workers for every student merged. --workers 1 is the serial path: nbgrader writes
the master itself.
"""

import argparse
import hashlib
import multiprocessing
import os
import queue
import shutil
import sqlite3
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from tqdm import tqdm

from autograde.course import ASSIGNMENT, NBGRADER_CONFIG, Course
from autograde.nbgrader_run import nbgrader_env, run_nbgrader
from autograde.submission_check import check_submission

KEEP_BACKUPS = 20
GRADEBOOK_ENV = "CNN1D_GRADEBOOK"
NO_SANDBOX_ENV = "CNN1D_NO_SANDBOX"
# The per-student rows of nbgrader's gradebook (nbgrader/api.py), parents first. Everything else (assignment,
# notebooks, cells, hidden tests) is written by the release and only read by autograde.
SUBMISSION_TABLES = ("submitted_assignment", "submitted_notebook", "grade", "comment")
# Imported once by the fork server the parallel workers start nbgrader from: 3-5 s a student otherwise, much of it
# jsonschema's optional rfc3987_syntax (imported by nbformat), which builds a grammar at import. Not numpy (the
# judges' oracles): OpenBLAS reads OPENBLAS_NUM_THREADS when imported, which must come from nbgrader's environment.
PRELOAD = ["nbgrader.apps.nbgraderapp", "nbgrader.converters.autograde", "nbgrader.preprocessors", "nbclient",
           "jupyter_client.manager", "sqlalchemy"]


def backup_gradebook(course: Course) -> Path:
    """Copy gradebook.db with SQLite's online backup (consistent even mid-write); prune old copies."""
    course.gradebook_backups.mkdir(exist_ok=True)
    target = course.gradebook_backups / f"gradebook-{datetime.now():%Y%m%d-%H%M%S-%f}.db"
    copy_database(course.gradebook, target)
    for old in sorted(course.gradebook_backups.glob("gradebook-*.db"))[:-KEEP_BACKUPS]:
        old.unlink()
    return target


def copy_database(source_path: Path, target_path: Path) -> None:
    with sqlite3.connect(source_path) as source, sqlite3.connect(target_path) as copy:
        source.backup(copy)
    source.close()
    copy.close()


@contextmanager
def single_run(course: Course):
    """One autograde at a time: SQLite gradebooks are not safe for concurrent writers."""
    lock = course.root / ".autograde.lock"
    try:
        fd = os.open(lock, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
    except FileExistsError:
        raise SystemExit(f"autograde: another run holds {lock} (delete it if no autograde is running)") from None
    os.write(fd, str(os.getpid()).encode())
    os.close(fd)
    try:
        yield
    finally:
        lock.unlink(missing_ok=True)


def tree_digest(folder: Path) -> dict[str, str]:
    """sha256 of every file under a folder, by relative path."""
    return {str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
            for path in sorted(folder.rglob("*")) if path.is_file()}


# --- the gradebook: merge one student's rows from a worker copy, compare scores --------------------------------

def _columns(connection: sqlite3.Connection, table: str) -> str:
    return ", ".join(f'"{row[1]}"' for row in connection.execute(f'PRAGMA main.table_info("{table}")'))


def _student_row_ids(schema: str) -> dict[str, str]:
    """SQL selecting, per submission table, the ids of one student's rows (? = student id, ? = assignment name)."""
    assignment = (f"SELECT sa.id FROM {schema}.submitted_assignment sa JOIN {schema}.assignment a "
                  "ON sa.assignment_id = a.id WHERE sa.student_id = ? AND a.name = ?")
    notebooks = f"SELECT id FROM {schema}.submitted_notebook WHERE assignment_id IN ({assignment})"
    return {
        "submitted_assignment": assignment,
        "submitted_notebook": notebooks,
        "grade": f"SELECT id FROM {schema}.grade WHERE notebook_id IN ({notebooks})",
        "comment": f"SELECT id FROM {schema}.comment WHERE notebook_id IN ({notebooks})",
    }


def merge_student(master: Path, worker: Path, student: str, assignment: str = ASSIGNMENT) -> None:
    """Replace the student's submission rows in the master by the worker copy's, in one transaction."""
    connection = sqlite3.connect(master, isolation_level=None, timeout=60)
    try:
        connection.execute("PRAGMA foreign_keys = ON")
        connection.execute("ATTACH DATABASE ? AS worker", (str(worker),))
        in_master, in_worker = _student_row_ids("main"), _student_row_ids("worker")
        if not connection.execute(in_worker["submitted_assignment"], (student, assignment)).fetchone():
            raise LookupError(f"worker gradebook {worker} has no {assignment} submission of {student}")
        connection.execute("BEGIN IMMEDIATE")
        try:
            columns = _columns(connection, "student")
            connection.execute(f"INSERT OR IGNORE INTO main.student ({columns}) "
                               f"SELECT {columns} FROM worker.student WHERE id = ?", (student,))
            for table in reversed(SUBMISSION_TABLES):  # children first
                connection.execute(f"DELETE FROM main.{table} WHERE id IN ({in_master[table]})", (student, assignment))
            for table in SUBMISSION_TABLES:  # parents first
                columns = _columns(connection, table)
                connection.execute(f"INSERT INTO main.{table} ({columns}) SELECT {columns} FROM worker.{table} "
                                   f"WHERE id IN ({in_worker[table]})", (student, assignment))
            connection.execute("COMMIT")
        except BaseException:
            connection.execute("ROLLBACK")
            raise
        connection.execute("DETACH DATABASE worker")
    finally:
        connection.close()


def student_scores(gradebook: Path, student: str, assignment: str = ASSIGNMENT) -> dict[tuple[str, str], tuple]:
    """(notebook, grade cell) -> (auto, manual, extra credit, needs manual grade) of one student."""
    with sqlite3.connect(gradebook) as connection:
        rows = connection.execute(
            "SELECT n.name, c.name, g.auto_score, g.manual_score, g.extra_credit, g.needs_manual_grade "
            "FROM grade g JOIN submitted_notebook sn ON g.notebook_id = sn.id "
            "JOIN submitted_assignment sa ON sn.assignment_id = sa.id JOIN assignment a ON sa.assignment_id = a.id "
            "JOIN notebook n ON sn.notebook_id = n.id JOIN base_cell c ON g.cell_id = c.id "
            "WHERE sa.student_id = ? AND a.name = ?", (student, assignment)).fetchall()
    connection.close()
    return {(notebook, cell): tuple(values) for notebook, cell, *values in rows}


def integrity_problems(gradebook: Path) -> list[str]:
    with sqlite3.connect(gradebook) as connection:
        result = [row[0] for row in connection.execute("PRAGMA integrity_check")]
        result += [f"foreign key: {row}" for row in connection.execute("PRAGMA foreign_key_check")]
    connection.close()
    return [] if result == ["ok"] else result


# --- grading ------------------------------------------------------------------------------------------------------

@dataclass
class Outcome:
    student: str
    returncode: int
    output: str
    seconds: float
    gradebook: Path


def grade_one(course: Course, student: str, force: bool, gradebook: Path, extra_env: dict[str, str]) -> Outcome:
    """`nbgrader autograde` of one student into `gradebook` (the master), as a subprocess: the serial path."""
    start = time.perf_counter()
    args = ["autograde", ASSIGNMENT, "--student", student] + (["--force"] if force else [])
    result = run_nbgrader(course, *args, check=False, extra_env={**extra_env, GRADEBOOK_ENV: str(gradebook)})
    return Outcome(student, result.returncode, result.stdout + result.stderr, time.perf_counter() - start, gradebook)


def _nbgrader_in_child(argv: list[str], env: dict[str, str], log: str) -> None:
    """In a process forked from the fork server: `nbgrader <argv>` as `python -m nbgrader` would run it."""
    fd = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    os.dup2(fd, 1)
    os.dup2(fd, 2)
    os.close(fd)
    os.environ.clear()
    os.environ.update(env)
    os.chdir(NBGRADER_CONFIG.parent)  # nbgrader reads nbgrader_config.py from the working folder
    sys.argv = ["nbgrader", *argv]
    from nbgrader.apps.nbgraderapp import NbGraderApp

    NbGraderApp.launch_instance(argv=argv)


def fork_server():
    """A multiprocessing context whose children start with nbgrader already imported."""
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(PRELOAD)
    return context


def grade_one_forked(course: Course, student: str, force: bool, gradebook: Path, extra_env: dict[str, str],
                     scratch: Path) -> Outcome:
    """`nbgrader autograde` of one student into a worker's gradebook copy, in a child of the fork server."""
    start = time.perf_counter()
    argv = ["autograde", ASSIGNMENT, "--student", student] + (["--force"] if force else [])
    env = nbgrader_env(course, {**extra_env, GRADEBOOK_ENV: str(gradebook)})
    log = scratch / f"{student}.log"
    child = fork_server().Process(target=_nbgrader_in_child, args=(argv, env, str(log)), name=f"autograde-{student}")
    child.start()
    child.join()
    output = log.read_text(encoding="utf-8", errors="replace") if log.is_file() else ""
    return Outcome(student, child.exitcode, output, time.perf_counter() - start, gradebook)


def sandbox_env(no_sandbox: bool) -> dict[str, str] | None:
    """The environment for nbgrader, or None (after saying why) if grading must not start."""
    if no_sandbox:
        print("=" * 100 + "\nWARNING: --no-sandbox: students' code runs with YOUR permissions (files, network, "
              "processes).\nOnly do this on a machine or container you do not mind student code running on.\n"
              + "=" * 100, file=sys.stderr, flush=True)
        return {NO_SANDBOX_ENV: "1"}
    try:
        from autograde.sandbox import bwrap_available
    except ImportError:
        print("autograde: autograde/sandbox.py is not there: grading without a sandbox", file=sys.stderr)
        return {}
    if not bwrap_available():
        print("autograde: bubblewrap (bwrap) is not available, so student code cannot be sandboxed; install it "
              "(apt-get install bubblewrap) or pass --no-sandbox to grade without one. Nothing graded.",
              file=sys.stderr)
        return None
    return {}


def load_static_scan():
    """autograde/static_scan.py's scan_submission and write_flags, or None if that module is not there."""
    try:
        from autograde.static_scan import scan_submission, write_flags
    except ImportError as error:
        print(f"autograde: no static scan of the submissions (autograde.static_scan: {error})")
        return None
    return scan_submission, write_flags


def static_scan(scanner, course: Course, student: str, folder: Path) -> None:
    """Flag suspicious code before grading; the flags are for the instructor and change no score."""
    scan_submission, write_flags = scanner
    flags = scan_submission(folder, course.release_dir)
    write_flags(course, student, flags)
    for flag in flags:
        print(f"  {student}: static scan: {flag}")


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


def grade(course: Course, students: list[str] | None = None, force: bool = False, workers: int | None = None,
          no_sandbox: bool = False) -> int:
    """Autograde the students (all in submitted/ by default); returns how many were skipped or failed."""
    if not course.gradebook.is_file() or not course.source_dir.is_dir():
        print("autograde: no gradebook or source yet: run `make release` first", file=sys.stderr)
        return 1
    workers = workers or os.cpu_count() or 1
    if workers < 1:
        raise ValueError(f"autograde: --workers must be at least 1, got {workers}")
    released = sorted(path.name for path in course.release_dir.glob("*.ipynb"))
    folders = sorted(path for path in course.submitted_dir.glob("*") if path.is_dir())
    if students:
        folders = [course.submitted_dir / name for name in students]
    if not folders:
        print(f"autograde: nothing to grade in {course.submitted_dir}/<student>/{ASSIGNMENT}/")
        return 0
    env = sandbox_env(no_sandbox)
    if env is None:
        return len(folders)
    bad = 0
    with single_run(course):
        backup = backup_gradebook(course)
        print(f"gradebook backed up to {backup}")
        before = tree_digest(course.submitted_dir)
        logs = course.root / "logs"
        logs.mkdir(exist_ok=True)
        scanner = load_static_scan()
        gradable = []
        for folder in folders:
            student = folder.name
            check = check_submission(student, folder / ASSIGNMENT, released)
            for warning in check.warnings:
                print(f"  {student}: warning: {warning}")
            if check.errors:
                bad += 1
                for error in check.errors:
                    print(f"  {student}: SKIPPED, malformed submission: {error}", file=sys.stderr)
                continue
            if scanner:
                static_scan(scanner, course, student, folder / ASSIGNMENT)
            gradable.append(student)
        workers = min(workers, len(gradable)) or 1
        print(f"autograde: {len(gradable)} students, {workers} worker{'s' if workers > 1 else ''}", flush=True)
        if workers == 1:
            bad += grade_serially(course, gradable, force, env, logs)
        else:
            bad += grade_in_parallel(course, gradable, force, env, logs, workers)
        if tree_digest(course.submitted_dir) != before:
            raise SystemExit(f"autograde: files in {course.submitted_dir} changed during the run; "
                             f"the gradebook before it is {backup}")
    return bad


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


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--force", action="store_true", help="regrade every submission, not only new ones")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1,
                        help="students graded at once (default: the number of CPUs; 1 = serial)")
    parser.add_argument("--no-sandbox", action="store_true",
                        help="run student code without the bubblewrap sandbox (only on a throwaway machine)")
    parser.add_argument("--course-dir", type=Path, default=Course().root)
    parser.add_argument("students", nargs="*", help="student ids (default: every folder in submitted/)")
    args = parser.parse_args(argv)
    if args.workers < 1:
        parser.error(f"--workers must be at least 1, got {args.workers}")
    course = Course(args.course_dir.resolve())
    return 1 if grade(course, args.students, args.force, args.workers, args.no_sandbox) else 0


if __name__ == "__main__":
    sys.exit(main())
