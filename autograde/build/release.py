"""`make release`: build the source, register the assignment, generate the student release, check it.

    python -m autograde.build.release [--course-dir DIR]

Result: course/release/cnn1d/NN_slug.ipynb, equal to notebooks/ (cell sources and nbgrader metadata), with no
solution code and no hidden test text; the hidden tests and checksums are in course/gradebook.db, the course secret
(made at the first release, kept after) in course/course_secret.key, the judges' digests in
course/released_judges.json (autograde/build/released.py: autograde refuses once they no longer match).
"""

import argparse
import sys
import time
from pathlib import Path

from autograde.build import source as build_source
from autograde.build.release_checks import check_release
from autograde.build.released import record_judges
from autograde.build.secret import ensure_secret
from autograde.course import Course, course_notebooks
from autograde.grade.gradebook import backup_gradebook
from autograde.nbgrader_run import NbgraderError, run_nbgrader
from autograde.settings import ASSIGNMENT


def release_assignment(course: Course) -> None:
    """nbgrader's part of a release (the notebooks already built into course/source/), then what grading needs:
    the course secret the hidden cases are drawn from, and the judges graded with. Raises NbgraderError."""
    # generate_assignment removes notebooks/cells a previous build had; --force replaces the old release
    run_nbgrader(course, "db", "assignment", "add", ASSIGNMENT)
    run_nbgrader(course, "generate_assignment", ASSIGNMENT, "--force")
    ensure_secret(course.root)
    record_judges(course)


def release(course: Course) -> bool:
    start = time.perf_counter()
    if not build_source.build(course):
        print("release: the source did not build; nothing released", file=sys.stderr)
        return False
    if course.gradebook.is_file():  # a release rewrites the assignment's cells and hidden tests in the gradebook
        print(f"gradebook backed up to {backup_gradebook(course)}")
    try:
        release_assignment(course)
    except NbgraderError as error:
        print(f"release: {error}", file=sys.stderr)
        return False
    problems = check_release(course, course_notebooks())
    for problem in problems:
        print(f"error: {problem}", file=sys.stderr)
    if problems:
        return False
    released = sorted(path.name for path in course.release_dir.glob("*.ipynb"))
    print(f"released {len(released)} notebooks to {course.release_dir} in {time.perf_counter() - start:.0f} s: "
          "equal to notebooks/, no solution code, no hidden tests")
    return True


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--course-dir", type=Path, default=Course().root)
    args = parser.parse_args(argv)
    return 0 if release(Course(args.course_dir.resolve())) else 1


if __name__ == "__main__":
    sys.exit(main())
