"""`make autograde`: autograde every submission in autograde/submitted/<student>/cnn1d/.

    python -m autograde.grade_submissions [--force] [--course-dir DIR] [student ...]

Safe to rerun: the gradebook is backed up first (gradebook_backups/, the last 20 kept), one run at a time (a lock
file), students are added to the gradebook as they are graded, and files in submitted/ are never written (checked
after the run). A malformed submission is skipped with the reason; the others are graded; the exit code is 1 if any
student was skipped or failed. Without --force nbgrader regrades only submissions newer than their last grading.
"""

import argparse
import hashlib
import os
import sqlite3
import sys
import time
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

from autograde.course import ASSIGNMENT, Course
from autograde.nbgrader_run import run_nbgrader
from autograde.submission_check import check_submission

KEEP_BACKUPS = 20


def backup_gradebook(course: Course) -> Path:
    """Copy gradebook.db with SQLite's online backup (consistent even mid-write); prune old copies."""
    course.gradebook_backups.mkdir(exist_ok=True)
    target = course.gradebook_backups / f"gradebook-{datetime.now():%Y%m%d-%H%M%S-%f}.db"
    with sqlite3.connect(course.gradebook) as source, sqlite3.connect(target) as copy:
        source.backup(copy)
    for old in sorted(course.gradebook_backups.glob("gradebook-*.db"))[:-KEEP_BACKUPS]:
        old.unlink()
    return target


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


def grade(course: Course, students: list[str] | None = None, force: bool = False) -> int:
    """Autograde the students (all in submitted/ by default); returns how many were skipped or failed."""
    if not course.gradebook.is_file() or not course.source_dir.is_dir():
        print("autograde: no gradebook or source yet: run `make release` first", file=sys.stderr)
        return 1
    released = sorted(path.name for path in course.release_dir.glob("*.ipynb"))
    folders = sorted(path for path in course.submitted_dir.glob("*") if path.is_dir())
    if students:
        folders = [course.submitted_dir / name for name in students]
    if not folders:
        print(f"autograde: nothing to grade in {course.submitted_dir}/<student>/{ASSIGNMENT}/")
        return 0
    bad = 0
    with single_run(course):
        backup = backup_gradebook(course)
        print(f"gradebook backed up to {backup}")
        before = tree_digest(course.submitted_dir)
        logs = course.root / "logs"
        logs.mkdir(exist_ok=True)
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
            start = time.perf_counter()
            args = ["autograde", ASSIGNMENT, "--student", student] + (["--force"] if force else [])
            result = run_nbgrader(course, *args, check=False)
            log = logs / f"autograde-{student}.log"
            log.write_text(result.stdout + result.stderr, encoding="utf-8")
            if result.returncode != 0:
                bad += 1
                errors = [line for line in (result.stdout + result.stderr).splitlines() if "ERROR" in line]
                print(f"  {student}: FAILED (nbgrader exit {result.returncode}; log {log}):", file=sys.stderr)
                for line in errors[-10:]:
                    print(f"    {line}", file=sys.stderr)
            else:
                print(f"  {student}: autograded in {time.perf_counter() - start:.0f} s", flush=True)
        if tree_digest(course.submitted_dir) != before:
            raise SystemExit(f"autograde: files in {course.submitted_dir} changed during the run; "
                             f"the gradebook before it is {backup}")
    return bad


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--force", action="store_true", help="regrade every submission, not only new ones")
    parser.add_argument("--course-dir", type=Path, default=Course().root)
    parser.add_argument("students", nargs="*", help="student ids (default: every folder in submitted/)")
    args = parser.parse_args(argv)
    return 1 if grade(Course(args.course_dir.resolve()), args.students, args.force) else 0


if __name__ == "__main__":
    sys.exit(main())
