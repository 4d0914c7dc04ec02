"""What was released, and whether the working tree still grades the same: the rule that hidden tests change only
with a release.

A grading run judges each grade cell with the hidden section the release stored in the gradebook (the text the
kernel runs; autograde/grade/judging.py) and with the working tree's judges. So `make autograde` refuses while
- a hidden section of autograde/problems/NN_slug/probe.py (or shared_probe.py, or the kernel helper) differs from
  the one in the gradebook, or
- a judge, the oracles or expect.py differs from the version recorded at release (course/released_judges.json),
  or the course secret is missing,
and says which; `make release` again (it keeps the submissions, the grades and the secret), then autograde.
"""

import hashlib
import json
from pathlib import Path

from autograde.build.hidden_sections import HiddenTestsError, hidden_region, hidden_tests_of
from autograde.build.secret import MissingSecret, read_secret
from autograde.course import PACKAGE_DIR, PROBLEMS_DIR, REPO, Course, CourseNotebook, course_notebooks
from autograde.grade.probe import kernel_region
from autograde.settings import ASSIGNMENT

RECORD_FILE = "released_judges.json"
RERELEASE = ("the hidden tests changed since the release: run `make release` (it keeps submissions, grades and the "
             "course secret), then autograde again")


def judge_files(item: CourseNotebook) -> list[Path]:
    """The grader-side files whose code decides a verdict of this notebook's hidden tests."""
    return [item.problem_dir / "judge.py", PROBLEMS_DIR / "oracles.py", PACKAGE_DIR / "grade" / "expect.py"]


def judges_digest(item: CourseNotebook) -> str:
    digest = hashlib.sha256()
    for path in judge_files(item):
        digest.update(str(path.relative_to(REPO)).encode() + b"\0")
        digest.update(path.read_bytes() if path.is_file() else b"(missing)")
        digest.update(b"\0")
    return digest.hexdigest()


def record_judges(course: Course, items: list[CourseNotebook] | None = None) -> Path:
    """At release: the digest of every notebook's judges, kept beside the gradebook."""
    items = course_notebooks() if items is None else items
    path = course.root / RECORD_FILE
    path.write_text(json.dumps({item.name: judges_digest(item) for item in items}, indent=1, sort_keys=True) + "\n",
                    encoding="utf-8")
    return path


def released_regions(db_url: str, notebook: str, assignment: str = ASSIGNMENT) -> dict[str, str] | None:
    """grade_id -> the hidden region of each grade cell of a notebook, as the release stored it in the gradebook;
    None if the notebook was not released."""
    from nbgrader.api import Gradebook, MissingEntry

    with Gradebook(db_url) as gradebook:
        try:
            stored = gradebook.find_notebook(notebook, assignment)
        except MissingEntry:
            return None
        grade_ids = {cell.name for cell in stored.grade_cells}
        regions = {cell.name: hidden_region(cell.source) for cell in stored.source_cells if cell.name in grade_ids}
    return {grade_id: region for grade_id, region in regions.items() if region is not None}


def release_drift(course: Course, items: list[CourseNotebook] | None = None) -> list[str]:
    """Why the working tree would not judge what was released (empty: it would)."""
    items = course_notebooks() if items is None else items
    problems = []
    try:
        read_secret(course.root)
    except MissingSecret as error:
        problems.append(str(error))
    record_path = course.root / RECORD_FILE
    try:
        recorded = json.loads(record_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        recorded = None
        problems.append(f"no record of the released judges ({record_path}): the course was released by an older "
                        "version")
    db_url = f"sqlite:///{course.gradebook}"
    for item in items:
        if not item.probe_path.is_file():
            continue
        try:
            now = {grade_id: kernel_region(code) for grade_id, code in hidden_tests_of(item).items()}
        except HiddenTestsError as error:
            problems.append(f"{item.name}: {error}")
            continue
        released = released_regions(db_url, item.name)
        if released is None:
            continue  # not part of this release (a course may release some notebooks only)
        for grade_id in sorted(set(now) | set(released)):
            if grade_id not in released:
                problems.append(f"{item.name} {grade_id}: a hidden test that is not in the release")
            elif grade_id not in now:
                problems.append(f"{item.name} {grade_id}: a released hidden test the working tree no longer has")
            elif now[grade_id] != released[grade_id]:
                problems.append(f"{item.name} {grade_id}: the hidden test differs from the released one "
                                f"({item.probe_path.relative_to(REPO)}, problems/shared_probe.py or the kernel helper "
                                "changed)")
        if recorded is not None and recorded.get(item.name) != judges_digest(item):
            names = ", ".join(str(path.relative_to(REPO)) for path in judge_files(item))
            problems.append(f"{item.name}: its judges changed since the release (one of {names})")
    return problems
