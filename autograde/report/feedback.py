"""`make feedback`: feedback HTML for every autograded submission, without hidden test code.

    python -m autograde.report.feedback [--course-dir DIR]

nbgrader's generate_feedback renders autograded/<student>/cnn1d/*.ipynb to feedback/<student>/cnn1d/*.html with the
config's preprocessors (autograde/nbgrader_config.py): SanitizeStudentOutputs drops scripts and active HTML from the
student's outputs, HideHiddenTests removes hidden test code and keeps the student's own lines of each error, and the
FeedbackExporter writes math as MathML and the check ids and results at the top of each page. Then each student gets
a summary page, feedback/<student>/cnn1d/index.html (summary_page.py): total, each notebook, each check, notebooks
not submitted. Every page is searched for hidden test text; a page that still shows any is deleted and reported, so
no leak reaches a student even if the config is changed.
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
from autograde.report.grades import read_scores
from autograde.report.page_size import oversized_pages
from autograde.report.summary_page import PAGE, write_summary
from autograde.settings import ASSIGNMENT, sandbox_limits

TAG = re.compile(r"<[^>]+>")


def visible_text(page: str) -> str:
    """What a reader sees in an HTML page: tags removed (syntax highlighting splits code into spans), unescaped."""
    return html.unescape(TAG.sub("", page))


def feedback_leaks(course: Course) -> list[str]:
    """Hidden-test text found in feedback pages (each leaking page is deleted)."""
    found = []
    items = {item.name: item for item in course_notebooks()}
    for page in sorted(course.feedback_dir.glob(f"*/{ASSIGNMENT}/*.html")):
        # a notebook's page is searched for its notebook's hidden tests, the summary page for every notebook's
        shown = [items[page.stem]] if page.stem in items else list(items.values()) if page.name == PAGE else []
        text = visible_text(page.read_text(encoding="utf-8"))
        leaked = []
        for item in shown:
            # a line the student wrote themselves may appear in their feedback (e.g. a test idea copied into a cell);
            # read from the intake's copy: submitted/ may hold links or fifos under the notebook's name
            submitted = intake_folders(course, page.parts[-3])[1] / item.filename
            own = notebook_text(submitted) if submitted.is_file() and not submitted.is_symlink() else ""
            leaked += [line for line in leaks(text, item) if line not in own]
        if leaked:
            page.unlink()
            found.append(f"{page.relative_to(course.root)}: shows {leaked[0]!r} (and {len(leaked) - 1} more); deleted")
    return found


def replace_oversized_pages(course: Course) -> list[str]:
    """A page over the size limit (CapFeedbackSize should leave none) is replaced by a short note."""
    limit = sandbox_limits().max_graded_bytes
    found = []
    for page in oversized_pages(sorted(course.feedback_dir.glob(f"*/{ASSIGNMENT}/*.html")), limit):
        size = page.stat().st_size
        page.write_text("<!DOCTYPE html><html><body><p>This feedback page was too large to show; ask your instructor."
                        "</p><p>このフィードバックページは大きすぎるため表示できません。担当教員に問い合わせてください。</p>"
                        "</body></html>\n", encoding="utf-8")
        found.append(f"{page.relative_to(course.root)}: {size} bytes, more than {limit}; replaced by a short note")
    return found


def make_feedback(course: Course) -> bool:
    try:
        run_nbgrader(course, "generate_feedback", ASSIGNMENT, "--force")
    except NbgraderError as error:
        print(f"feedback: {error}", file=sys.stderr)
        return False
    items = course_notebooks()
    scores = read_scores(course)
    for student in sorted(scores):
        write_summary(course, student, scores[student], items)
    problems = feedback_leaks(course) + replace_oversized_pages(course)
    for problem in problems:
        print(f"error: {problem}", file=sys.stderr)
    pages = sorted(course.feedback_dir.glob(f"*/{ASSIGNMENT}/*.html"))
    students = sorted({page.parts[-3] for page in pages})
    print(f"feedback: {len(pages)} pages for {len(students)} students in {course.feedback_dir} (a summary page "
          f"{PAGE} each), hidden tests removed")
    return not problems


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--course-dir", type=Path, default=Course().root)
    args = parser.parse_args(argv)
    return 0 if make_feedback(Course(args.course_dir.resolve())) else 1


if __name__ == "__main__":
    sys.exit(main())
