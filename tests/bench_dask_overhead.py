"""The parent's cost per student when grading on Dask: a simulated class through the real scheduler and merge path.

    python tests/bench_dask_overhead.py [--students 1000] [--workers 2] [--course DIR]

Releases the course in a temporary folder (or uses --course, a released one), gives every student a copy of the
released notebooks as their submission, and grades the class with autograde/grade/distributed.py on an embedded
LocalCluster, grading stubbed (grade_with_stub: the student's gradebook rows and autograded notebooks written in a
few ms on the worker). Everything else is what a real run does: the release bundle, the student's files read and
sent, a task per student, each result merged into the master gradebook (one transaction) with its notebooks
swapped in and its scores checked. Prints the parent's time per student (submitting, receiving, merging,
reporting) and the merge's share of it. Goal (issue 12): <= 50 ms per student, merge included.
"""

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from autograde.course import Course  # noqa: E402
from autograde.grade.distributed import grade_on_dask  # noqa: E402
from autograde.grade.gradebook import integrity_problems, student_scores  # noqa: E402
from autograde.grade.intake import intake_folders  # noqa: E402
from autograde.grade.pool import Run  # noqa: E402
from autograde.settings import student_limits  # noqa: E402


def simulated_class(course: Course, students: int) -> list[str]:
    """Students whose graded copy (the intake's, to_grade/<student>/cnn1d) is the released notebooks."""
    names = [f"sim-{index:04d}" for index in range(students)]
    for name in names:
        graded = intake_folders(course, name)[0]
        shutil.rmtree(graded, ignore_errors=True)
        shutil.copytree(course.release_dir, graded)
    return names


def simulate(course: Course, students: int, workers: int, quiet: bool = True) -> dict:
    """Grade `students` simulated students with stubbed grading; the measured figures."""
    names = simulated_class(course, students)
    logs = course.root / "logs"
    logs.mkdir(exist_ok=True)
    load = os.getloadavg()
    tick = time.perf_counter()
    run = Run(course, True, {}, logs, student_limits(), len(list(course.release_dir.glob("*.ipynb"))))
    bad, stats = grade_on_dask(run, names, workers=workers, grader="stub", quiet=quiet)
    wall = time.perf_counter() - tick
    full = sum(auto for auto, *_ in student_scores(course.gradebook, names[0]).values())
    equal = all(sum(auto for auto, *_ in student_scores(course.gradebook, name).values()) == full for name in names)
    return {"students": students, "workers": workers, "failed": bad, "wall": wall, "load": load,
            "parent_ms": 1000 * stats["parent_seconds"] / students,
            "merge_ms": 1000 * stats["merge_seconds"] / students,
            "bundle_s": stats["bundle_seconds"], "merged": stats["merged"], "scores_equal": equal,
            "integrity": integrity_problems(course.gradebook) == []}


def describe(figures: dict) -> str:
    return (f"simulated class of {figures['students']} (grading stubbed), {figures['workers']} Dask workers: "
            f"{figures['wall']:.1f} s wall, parent {figures['parent_ms']:.1f} ms/student (merge "
            f"{figures['merge_ms']:.1f} ms of it; goal <= 50 ms), bundle {figures['bundle_s']:.2f} s once; "
            f"{figures['merged']} merged, failures {figures['failed']}, integrity "
            f"{'ok' if figures['integrity'] else 'FAILED'}, scores {'equal' if figures['scores_equal'] else 'DIFFER'}"
            "; load average before {:.2f} {:.2f} {:.2f}".format(*figures["load"]))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--students", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--course", type=Path, help="a released course to copy (default: release one)")
    args = parser.parse_args(argv)
    workspace = Path(tempfile.mkdtemp(prefix="bench-dask-"))
    try:
        course = Course(workspace / "course")
        if args.course:
            for name in ("source", "release", "gradebook.db", "course_secret.key", "released_judges.json"):
                source = args.course / name
                if source.is_dir():
                    shutil.copytree(source, course.root / name)
                elif source.is_file():
                    course.root.mkdir(parents=True, exist_ok=True)
                    shutil.copy2(source, course.root / name)
        else:
            from autograde.build.release import release

            if not release(course):
                raise SystemExit("bench_dask_overhead: the course does not release")
        figures = simulate(course, args.students, args.workers)
    finally:
        shutil.rmtree(workspace, ignore_errors=True)
    print(describe(figures))
    return 0 if figures["failed"] == 0 and figures["integrity"] and figures["scores_equal"] else 1


if __name__ == "__main__":
    sys.exit(main())
