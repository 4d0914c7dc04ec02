"""`make feedback`: feedback HTML for every autograded submission, without hidden test code.

    python -m autograde.report.feedback [--course-dir DIR]

nbgrader's generate_feedback renders autograded/<student>/cnn1d/*.ipynb to feedback/<student>/cnn1d/*.html; the
config's HideHiddenTests preprocessor (autograde/report/hide_hidden_tests.py) removes hidden test code and tracebacks
first. Every page is then searched for hidden test text; a page that still shows any is deleted and reported, so no
leak reaches a student even if the config is changed.
"""

import argparse
import html
import re
import sys
from pathlib import Path

from autograde.build.release_checks import leaks, notebook_text
from autograde.course import Course, course_notebooks
from autograde.grade.intake import intake_folders
from autograde.nbgrader_run import NbgraderError, run_nbgrader
from autograde.settings import ASSIGNMENT

TAG = re.compile(r"<[^>]+>")


def visible_text(page: str) -> str:
    """What a reader sees in an HTML page: tags removed (syntax highlighting splits code into spans), unescaped."""
    return html.unescape(TAG.sub("", page))


def feedback_leaks(course: Course) -> list[str]:
    """Hidden-test text found in feedback pages (each leaking page is deleted)."""
    found = []
    items = {item.name: item for item in course_notebooks()}
    for page in sorted(course.feedback_dir.glob(f"*/{ASSIGNMENT}/*.html")):
        item = items.get(page.stem)
        if item is None:
            continue
        # a line the student wrote themselves may appear in their feedback (e.g. a test idea copied into a cell); read
        # from the intake's copy: submitted/ may hold links or fifos under the notebook's name (grade/intake.py)
        submitted = intake_folders(course, page.parts[-3])[1] / item.filename
        own = notebook_text(submitted) if submitted.is_file() and not submitted.is_symlink() else ""
        leaked = [line for line in leaks(visible_text(page.read_text(encoding="utf-8")), item) if line not in own]
        if leaked:
            page.unlink()
            found.append(f"{page.relative_to(course.root)}: shows {leaked[0]!r} (and {len(leaked) - 1} more); deleted")
    return found


def make_feedback(course: Course) -> bool:
    try:
        run_nbgrader(course, "generate_feedback", ASSIGNMENT, "--force")
    except NbgraderError as error:
        print(f"feedback: {error}", file=sys.stderr)
        return False
    problems = feedback_leaks(course)
    for problem in problems:
        print(f"error: {problem}", file=sys.stderr)
    pages = sorted(course.feedback_dir.glob(f"*/{ASSIGNMENT}/*.html"))
    students = sorted({page.parts[-3] for page in pages})
    print(f"feedback: {len(pages)} pages for {len(students)} students in {course.feedback_dir}, hidden tests removed")
    return not problems


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--course-dir", type=Path, default=Course().root)
    args = parser.parse_args(argv)
    return 0 if make_feedback(Course(args.course_dir.resolve())) else 1


if __name__ == "__main__":
    sys.exit(main())
