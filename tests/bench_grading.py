"""`make bench-grading`: wall time to autograde a class of copies of the reference submission, parallel and serial.

    python tests/bench_grading.py [--students 30] [--workers N] [--serial-students K] [--repeat 3] [--simulate 1000]
                                  [--record] [--no-sandbox]

In a temporary course: release, N copies of the demo class's reference submission, then
1. one student graded by a single `nbgrader autograde` with timestamped log lines: where a student's time goes
   (nbgrader start-up, then each notebook: sanitize, its sandbox (started or reused, the runner, the kernel's
   start, the cells, the kernel's stop and the sweep), the judges and the gradebook writes);
2. K students serially (--workers 1, the path before parallel grading), extrapolated to N if K < N (labelled);
3. the whole class with --workers (default: the number of CPUs; Dask's embedded LocalCluster), --repeat times in a
   row (--force): every run must grade every student (none FAILED, none retried) with equal scores;
4. students per minute with 1 and with N workers, and their ratio to the last recorded figures (the
   `bench-grading:last` line of docs/benchmarks.md; --record writes this run's there);
5. --simulate S students through the same Dask scheduler and merge path with grading stubbed
   (tests/bench_dask_overhead.py): the parent's time per student.
If some notebooks do not build yet, only the others are released and the report says which (the times are then
not the full course's). The load average is printed with each phase: the timings mean little on a busy machine.
"""

import argparse
import os
import re
import shutil
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench_dask_overhead import describe, simulate  # noqa: E402

from autograde.build import source as build_source  # noqa: E402
from autograde.build.release import release, release_assignment  # noqa: E402
from autograde.course import Course, course_notebooks  # noqa: E402
from autograde.demo_class.make_submissions import DEMO_STUDENTS, make_demo_class  # noqa: E402
from autograde.grade.cli import grade, sandbox_choice_env  # noqa: E402
from autograde.grade.gradebook import student_scores  # noqa: E402
from autograde.grade.intake import take_in  # noqa: E402
from autograde.grade.student import nbgrader_argv  # noqa: E402
from autograde.nbgrader_run import run_nbgrader  # noqa: E402
from autograde.sandbox.execute import PROFILE_PREFIX  # noqa: E402
from autograde.settings import GRADEBOOK_ENV  # noqa: E402

BENCHMARKS = REPO / "docs" / "benchmarks.md"
LAST = re.compile(r"<!-- bench-grading:last serial_per_min=([\d.]+) parallel_per_min=([\d.]+) -->")
SANDBOX = re.compile(r"^\d\d:\d\d:\d\d\.\d\d\d\|(\w+): " + re.escape(PROFILE_PREFIX) + r"(.*)$")
LOG_FORMAT = "--Application.log_format=%(asctime)s.%(msecs)03d|%(message)s"
LOG_DATE = "--Application.log_datefmt=%H:%M:%S"
STEP = re.compile(r"^(\d\d:\d\d:\d\d\.\d\d\d)\|(Sanitizing|Autograding) .*/(\w+)\.ipynb$")
END = re.compile(r"^(\d\d:\d\d:\d\d\.\d\d\d)\|Setting destination file permissions")


def load() -> str:
    return "load average {:.2f} {:.2f} {:.2f}".format(*os.getloadavg())


def release_what_builds(course: Course) -> list[str]:
    """Release the whole course; if some notebooks do not build, release the others and say so."""
    everything = [item.name for item in course_notebooks()]
    if release(course):
        return everything
    buildable = [name for name in everything if build_source.build(course, check_only=True, only=[name])]
    print(f"\n*** only {len(buildable)} of {len(everything)} notebooks build: benchmarking {buildable}; "
          f"NOT the full course ***\n", flush=True)
    if not buildable or not build_source.build(course, only=buildable):
        raise SystemExit("bench_grading: no notebook builds")
    release_assignment(course)
    return buildable


def make_class(course: Course, students: int) -> list[str]:
    make_demo_class(course)
    reference = course.submission_dir("reference")
    names = [f"student-{index:02d}" for index in range(1, students + 1)]
    for name in names:
        shutil.copytree(reference, course.submission_dir(name))
    for demo in DEMO_STUDENTS:
        shutil.rmtree(course.submitted_dir / demo)
    return names


def seconds_of_day(stamp: str) -> float:
    hours, minutes, seconds = stamp.split(":")
    return int(hours) * 3600 + int(minutes) * 60 + float(seconds)


def profile_one_student(course: Course, student: str, env: dict[str, str]) -> None:
    """One nbgrader call with timestamped logs: start-up, then sanitize and autograde time per notebook."""
    started = datetime.now()
    start_of_day = started.hour * 3600 + started.minute * 60 + started.second + started.microsecond / 1e6
    take_in(course, student)
    tick = time.perf_counter()
    result = run_nbgrader(course, *nbgrader_argv(course, student, True), LOG_FORMAT, LOG_DATE,
                          check=False, extra_env={**env, GRADEBOOK_ENV: str(course.gradebook)})
    total = time.perf_counter() - tick
    events, sandbox = [], {}
    for line in (result.stdout + result.stderr).splitlines():
        if match := SANDBOX.match(line):
            sandbox[match[1]] = match[2]
        if match := STEP.match(line):
            events.append((seconds_of_day(match[1]), match[2], match[3]))
        elif match := END.match(line):
            events.append((seconds_of_day(match[1]), "end", ""))
    if result.returncode or not events:
        print(f"profile: nbgrader exit {result.returncode}; no timings", file=sys.stderr)
        return
    print(f"\nprofile of one student ({student}), one `nbgrader autograde` process: {total:.1f} s wall")
    startup = events[0][0] - start_of_day
    print(f"  start-up (Python, imports, config, gradebook) until the first notebook: {startup:.1f} s")
    per_notebook = {}
    for (when, step, name), (after, _, _) in zip(events, events[1:], strict=False):
        per_notebook.setdefault(name, {})[step] = after - when
    for name, steps in per_notebook.items():
        print(f"  {name:24s} sanitize {steps.get('Sanitizing', 0):5.1f} s   "
              f"autograde (sandbox, judges, gradebook) {steps.get('Autograding', 0):6.1f} s")
        if name in sandbox:
            print(f"  {'':24s}   {PROFILE_PREFIX}{sandbox[name]}")
    print(f"  after the last notebook: {start_of_day + total - events[-1][0]:.1f} s")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--students", type=int, default=30)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--serial-students", type=int, default=4,
                        help="students graded serially for the comparison (the class size: measured, not estimated)")
    parser.add_argument("--repeat", type=int, default=3, help="parallel runs of the whole class, one after another")
    parser.add_argument("--simulate", type=int, default=1000,
                        help="students of the stubbed Dask simulation (0: none)")
    parser.add_argument("--record", action="store_true",
                        help="write this run's students per minute to docs/benchmarks.md as the last figures")
    parser.add_argument("--no-sandbox", action="store_true")
    parser.add_argument("--keep", action="store_true", help="keep the temporary course")
    args = parser.parse_args(argv)
    env = sandbox_choice_env(args.no_sandbox)
    if env is None:
        return 1
    workspace = Path(tempfile.mkdtemp(prefix="bench-grading-"))
    (workspace / "data").symlink_to(REPO / "data")  # notebook 8 looks for data/mnist.npz in the parent folders
    course = Course(workspace / "course")
    print(f"bench_grading {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {os.cpu_count()} CPUs, {load()}; "
          f"course in {workspace}", flush=True)
    try:
        notebooks = release_what_builds(course)
        students = make_class(course, args.students)
        serial_count = min(args.serial_students, len(students))

        profile_one_student(course, students[0], env)
        print(load(), flush=True)

        tick = time.perf_counter()
        failed = grade(course, students=students[:serial_count], force=True, workers=1, no_sandbox=args.no_sandbox)
        serial = time.perf_counter() - tick
        print(load(), flush=True)

        runs = []  # (seconds, students not graded, retried students, scores)
        for number in range(1, args.repeat + 1):
            for log in course.logs_dir.glob("autograde-*.log"):
                log.unlink()
            tick = time.perf_counter()
            not_graded = grade(course, students=students, force=True, workers=args.workers,
                               no_sandbox=args.no_sandbox)
            seconds = time.perf_counter() - tick
            retried = [student for student in students if "===== attempt 2" in
                       (course.logs_dir / f"autograde-{student}.log").read_text(errors="replace")]
            runs.append((seconds, not_graded, retried, [student_scores(course.gradebook, s) for s in students]))
            print(f"parallel run {number}: {len(students) - not_graded}/{len(students)} graded, "
                  f"{len(retried)} retried {retried}, {seconds:.0f} s; {load()}", flush=True)
        failed += sum(run[1] for run in runs)
        parallel = min(run[0] for run in runs)
        scores = runs[-1][3]
        simulated = simulate(course, args.simulate, args.workers) if args.simulate else None
    finally:
        if not args.keep:
            shutil.rmtree(workspace, ignore_errors=True)

    per_student = serial / serial_count
    print(f"\n=== {len(students)} copies of the reference submission, {len(notebooks)} notebooks "
          f"({', '.join(notebooks)})")
    print(f"parallel, {args.workers} workers, {len(runs)} runs: " + "; ".join(
        f"{len(students) - not_graded}/{len(students)} graded in {seconds:.0f} s ({len(retried)} retried)"
        for seconds, not_graded, retried, _ in runs))
    print(f"fastest parallel run: {len(students)} students in {parallel:.0f} s "
          f"({parallel / 60:.1f} min, {parallel / len(students):.1f} s/student)")
    if serial_count == len(students):
        print(f"serial (--workers 1): {len(students)} students in {serial:.0f} s ({serial / 60:.1f} min), measured")
    else:
        print(f"serial (--workers 1): measured on {serial_count} students, {serial:.0f} s "
              f"({per_student:.1f} s/student); extrapolated to {len(students)}: {per_student * len(students):.0f} s "
              f"({per_student * len(students) / 60:.1f} min), NOT measured")
    print(f"speed-up: {per_student * len(students) / parallel:.2f}x; failures: {failed}")
    rates = (60 / per_student, 60 * len(students) / parallel)
    last = LAST.search(BENCHMARKS.read_text(encoding="utf-8"))
    ratios = (f"; {rates[0] / float(last[1]):.2f}x and {rates[1] / float(last[2]):.2f}x the last recorded figures "
              f"({float(last[1]):.2f} and {float(last[2]):.2f})") if last else "; no recorded figures to compare"
    print(f"students per minute: {rates[0]:.2f} with 1 worker, {rates[1]:.2f} with {args.workers} workers{ratios}")
    if args.record and last:
        BENCHMARKS.write_text(BENCHMARKS.read_text(encoding="utf-8").replace(
            last[0], f"<!-- bench-grading:last serial_per_min={rates[0]:.2f} parallel_per_min={rates[1]:.2f} -->"),
            encoding="utf-8")
    if simulated:
        print(describe(simulated))
    points = sum(auto for auto, *_ in scores[0].values())
    same = all(score == scores[0] for run in runs for score in run[3])
    print(f"scores: {'all equal' if same else 'NOT all equal'} ({points:g} points each for the reference copies, "
          f"{len(scores[0])} grade cells)")
    bad_simulation = simulated is not None and (simulated["failed"] or not simulated["integrity"])
    return 1 if failed or not same or bad_simulation else 0


if __name__ == "__main__":
    sys.exit(main())
