"""`make autograde`: autograde every submission in course/submitted/<student>/cnn1d/.

    python -m autograde.grade [--force] [--workers N] [--scheduler tcp://HOST:8786] [--no-sandbox]
                              [--course-dir DIR] [student ...]

Safe to rerun: the gradebook is backed up first (gradebook_backups/, the last 20 kept), one run at a time (a lock
file), students are added to the gradebook as they are graded, and files in submitted/ are never written (checked
after the run). Each submission is taken in first (autograde/grade/intake.py): only its regular files are read,
and nbgrader grades a copy rebuilt from the release in course/to_grade/<student>/cnn1d, never submitted/ itself. A
student with nothing to grade is skipped with the reason; the others are graded; the exit code is 1 if any student
was skipped or failed. Without --force nbgrader regrades only submissions newer than their last grading.

Parallel grading (--workers N, default: the number of CPUs): one Dask task per student (autograde/grade/
distributed.py), on an embedded LocalCluster of N single-threaded worker processes, or with --scheduler on the
workers of a running Dask cluster (docs/instructor.md: `dask scheduler`, `dask worker`). A task carries the release
bundle and the student's files and returns the student's gradebook rows and autograded notebooks: the workers need
the course's checkout, venv and bubblewrap, not the course folder. This process, the only writer of the master
gradebook, merges each student's rows in one transaction as they arrive; a student whose grading fails is not
merged (the master keeps their previous grades), a task whose worker died is retried once. After the run the master
must pass `PRAGMA integrity_check` and hold the scores the workers computed. --workers 1 (without --scheduler) is
the serial path: nbgrader writes the master itself.
"""

import argparse
import os
import sys
from contextlib import ExitStack
from pathlib import Path

from autograde.build.released import RERELEASE, release_drift
from autograde.course import Course
from autograde.grade.distributed import EarlyClient, grade_on_dask
from autograde.grade.gradebook import backup_gradebook, single_run
from autograde.grade.intake import released_notebooks, take_in
from autograde.grade.pool import Run, grade_serially
from autograde.grade.submission_check import tree_digest
from autograde.grade.time_limits import stale_warning
from autograde.sandbox.bwrap import bwrap_available, runner_start_problem
from autograde.sandbox.execute import SandboxUnavailable, check_cgroups
from autograde.scan.child import BackgroundScans
from autograde.scan.flags import Flag, write_flags
from autograde.settings import (
    NO_SANDBOX_ENV,
    SANDBOX_CPUS_ENV,
    cpu_share,
    measured_time_limits,
    sandbox_limits,
    student_limits,
)


def sandbox_choice_env(no_sandbox: bool) -> dict[str, str] | None:
    """The environment that tells nbgrader's sandbox step whether to sandbox, or None (after saying why) if grading
    must not start: without bubblewrap nothing is graded unless the instructor said --no-sandbox."""
    if no_sandbox:
        print("=" * 100 + "\nWARNING: --no-sandbox: students' code runs with YOUR permissions (files, network, "
              "processes).\nOnly do this on a machine or container you do not mind student code running on.\n"
              + "=" * 100, file=sys.stderr, flush=True)
        return {NO_SANDBOX_ENV: "1"}
    if not bwrap_available():
        print("autograde: bubblewrap (bwrap) is not available, so student code cannot be sandboxed; install it "
              "(apt-get install bubblewrap) or pass --no-sandbox to grade without one. Nothing graded.",
              file=sys.stderr)
        return None
    problem = runner_start_problem()
    if problem:
        print(f"autograde: the sandbox cannot start the notebooks' interpreter ({problem}); every notebook would fail. "
              "Recreate the venv (`make install`) at a real path, not through a symlink. Nothing graded.",
              file=sys.stderr)
        return None
    return {}


def sandbox_resources_env(env: dict[str, str], workers: int) -> dict[str, str] | None:
    """env with each sandbox's CPU share (cores / workers), after saying whether sandboxes get a cgroup (a loud
    warning if not); None if a cgroup is required ($CNN1D_REQUIRE_CGROUP=1) and there is none."""
    cpus = cpu_share(workers)
    try:
        print(f"autograde: {check_cgroups(cpus)}", flush=True)
    except SandboxUnavailable as error:
        print(f"autograde: {error}. Nothing graded.", file=sys.stderr)
        return None
    return {**env, SANDBOX_CPUS_ENV: str(cpus)}


def report_flags(course: Course, flags_by_student: dict[str, list[Flag]]) -> None:
    """The intake's and the static scan's flags are for the instructor and change no score."""
    for student, flags in flags_by_student.items():
        write_flags(course, student, flags)
        for flag in flags:
            print(f"  {student}: static scan: {flag}")


def announce_time_limits(released: dict[str, Path]) -> None:
    """The time limits of this run, per notebook and per student, and a warning if they are not measured."""
    warning = stale_warning(measured_time_limits())
    if warning:
        print(f"autograde: WARNING: {warning}", file=sys.stderr)
    limits = {name: sandbox_limits(notebook=Path(name).stem) for name in released}
    print("autograde: time limits per notebook (notebook / cell): " + ", ".join(
        f"{name[:2]} {limit.notebook_timeout}/{limit.cell_timeout} s" for name, limit in limits.items()))


def changed_entries(before: dict[str, str], after: dict[str, str]) -> list[str]:
    return sorted(key for key in before.keys() | after.keys() if before.get(key) != after.get(key))


def grade(course: Course, *, students: list[str] | None = None, force: bool = False, workers: int | None = None,
          no_sandbox: bool = False, scheduler: str | None = None) -> int:
    """Autograde the students (all in submitted/ by default); returns how many were skipped or failed."""
    if not course.gradebook.is_file() or not course.source_dir.is_dir():
        print("autograde: no gradebook or source yet: run `make release` first", file=sys.stderr)
        return 1
    drift = release_drift(course)
    if drift:  # the kernel would run the released hidden tests, the judge would grade with other ones
        print("autograde: " + RERELEASE + ":\n" + "\n".join(f"  {line}" for line in drift), file=sys.stderr)
        return 1
    workers = workers or os.cpu_count() or 1
    if workers < 1:
        raise ValueError(f"autograde: --workers must be at least 1, got {workers}")
    released = released_notebooks(course)
    # folders, and links (reported by the intake, never followed); files beside the student folders are not students
    folders = sorted(path for path in course.submitted_dir.glob("*") if path.is_symlink() or path.is_dir())
    if students:
        folders = [course.submitted_dir / name for name in students]
    if not folders:
        print(f"autograde: nothing to grade in {course.submission_dir('<student>')}/")
        return 0
    env = sandbox_choice_env(no_sandbox)
    if env is None:
        return len(folders)
    bad = 0
    with single_run(course), ExitStack() as stops:
        # the Dask cluster starts while the gradebook is backed up and the class taken in (serial path: none)
        parallel = min(workers, len(folders))
        early = EarlyClient(scheduler, parallel) if scheduler or parallel > 1 else None
        if early is not None:
            stops.callback(early.close)
        backup = backup_gradebook(course)
        print(f"gradebook backed up to {backup}")
        before = tree_digest(course.submitted_dir)
        logs = course.logs_dir
        logs.mkdir(exist_ok=True)
        gradable, intake_flags = [], {}
        scans = BackgroundScans(course.release_dir)  # in a child process, while the class is graded
        for folder in folders:
            student = folder.name
            try:
                intake = take_in(course, student, released)
            except Exception as error:  # noqa: BLE001 - one odd submission must not stop the grading of the class
                bad += 1
                print(f"  {student}: SKIPPED, the intake failed ({type(error).__name__}: {error}); please report it",
                      file=sys.stderr)
                continue
            for warning in intake.check.warnings + intake.notes:
                print(f"  {student}: warning: {warning}")
            if intake.check.errors:
                bad += 1
                for error in intake.check.errors:
                    print(f"  {student}: SKIPPED, nothing to grade: {error}", file=sys.stderr)
                if intake.flags:
                    write_flags(course, student, intake.flags)
                continue
            intake_flags[student] = intake.flags
            scans.add(student, intake.received)  # the notebooks as received (to_grade/<student>/received)
            gradable.append(student)
        workers = min(workers, len(gradable)) or 1
        env = sandbox_resources_env(env, workers)
        if env is None:
            return bad + len(gradable)
        scans.start()
        limits = student_limits()
        announce_time_limits(released)
        if scheduler:  # this machine's share means nothing there: a sandbox gets one core of its worker's machine
            env.pop(SANDBOX_CPUS_ENV, None)
        where = f"the Dask cluster at {scheduler}" if scheduler else f"{workers} worker{'s' if workers > 1 else ''}"
        print(f"autograde: {len(gradable)} students, {where}, time budget {limits.wall_seconds} s per student",
              flush=True)
        run = Run(course, force, env, logs, limits, len(released))
        if workers == 1 and not scheduler:
            bad += grade_serially(run, gradable)
        else:
            bad += grade_on_dask(run, gradable, workers=workers, scheduler=scheduler, started=early)[0]
        scanned = scans.finish()
        report_flags(course, {student: intake_flags[student] + scanned.get(student, []) for student in gradable})
        changed = changed_entries(before, tree_digest(course.submitted_dir))
        if changed:
            raise SystemExit(f"autograde: files in {course.submitted_dir} changed during the run: "
                             f"{', '.join(changed[:10])}; the gradebook before it is {backup}")
    return bad


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--force", action="store_true", help="regrade every submission, not only new ones")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1,
                        help="students graded at once (default: the number of CPUs; 1 = serial)")
    parser.add_argument("--scheduler", metavar="ADDRESS",
                        help="grade on this Dask cluster (tcp://HOST:8786) instead of an embedded one; 'threads': "
                             "in this process's threads (debugging)")
    parser.add_argument("--no-sandbox", action="store_true",
                        help="run student code without the bubblewrap sandbox (only on a throwaway machine)")
    parser.add_argument("--course-dir", type=Path, default=Course().root)
    parser.add_argument("students", nargs="*", help="student ids (default: every folder in submitted/)")
    args = parser.parse_args(argv)
    if args.workers < 1:
        parser.error(f"--workers must be at least 1, got {args.workers}")
    course = Course(args.course_dir.resolve())
    return 1 if grade(course, students=args.students, force=args.force, workers=args.workers,
                      no_sandbox=args.no_sandbox, scheduler=args.scheduler) else 0


if __name__ == "__main__":
    sys.exit(main())
