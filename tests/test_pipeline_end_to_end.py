"""The instructor pipeline end to end, in a temporary course directory (the real autograde/ is never touched).

release -> demo class (blank, reference, partial) -> autograde -> feedback -> grades, while nbval checks the
executed source notebooks in a background thread (two cores: nbval and nbgrader overlap). Parametrized over the
notebooks present in notebooks/. Marked slow; `make test` runs them (the marker is only for `-m "not slow"`).
"""

import csv
import os
import statistics
import subprocess
import sys
import threading
from types import SimpleNamespace

import nbformat
import pytest

from autograde.build.hidden_sections import BEGIN_HIDDEN, END_HIDDEN
from autograde.build.release import release
from autograde.build.release_checks import hidden_test_lines, release_differences, solution_only_lines
from autograde.build.stubs import BEGIN_SOLUTION, END_SOLUTION
from autograde.course import ASSIGNMENT, REPO, Course, course_notebooks
from autograde.demo_class.make_submissions import make_demo_class
from autograde.grade.cli import grade
from autograde.grade.submission_check import tree_digest
from autograde.problems.mistake import demo_mistakes, demo_points_lost
from autograde.report import class_report, grades
from autograde.report.feedback import make_feedback, visible_text
from autograde.report.grades import CSV_COLUMNS, csv_rows, read_scores, write_csv
from tests.hub_support import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, need_chromium

pytestmark = pytest.mark.slow

PRESENT = course_notebooks()
IDS = [item.name for item in PRESENT]

# What the partial student loses, per grade cell: the demo mistakes of each notebook (autograde/problems/*/mistakes.py).
# Every grade cell is all or nothing, so a failed cell scores 0 and every cell not listed scores full points.
PARTIAL_LOST = {item.name: demo_points_lost(item) for item in PRESENT}


def run(*args, cwd=REPO):
    # one BLAS thread, as `make` and execute_source use: nbval compares notebook 8's outputs with the executed ones
    env = {**os.environ, "OPENBLAS_NUM_THREADS": os.environ.get("OPENBLAS_NUM_THREADS", "1")}
    return subprocess.run([sys.executable, *args], cwd=cwd, capture_output=True, text=True, env=env)


@pytest.fixture(scope="module")
def workspace(tmp_path_factory):
    root = tmp_path_factory.mktemp("pipeline")
    (root / "data").symlink_to(REPO / "data")  # notebook 8 looks for data/mnist.npz in the parent folders
    return root


@pytest.fixture(scope="module")
def nbval_job(workspace):
    """Build and execute a separate source, then `pytest --nbval` on it, in a thread started before grading."""
    course = Course(workspace / "nbval")
    result = {}

    def job():
        for name, args in [("build", ["-m", "autograde.build.source", "--course-dir", str(course.root)]),
                           ("execute", ["-m", "autograde.build.execute_source", "--course-dir", str(course.root)]),
                           ("nbval", ["-m", "pytest", "--nbval", str(course.source_dir), "-q", "-p", "no:cacheprovider",
                                      "-o", "addopts=", "--rootdir", str(course.root)])]:
            result[name] = run(*args)
            if result[name].returncode != 0:
                break

    thread = threading.Thread(target=job, daemon=True)
    thread.start()
    return SimpleNamespace(thread=thread, result=result)


@pytest.fixture(scope="module")
def graded(workspace, nbval_job):
    course = Course(workspace / "course")
    assert release(course), "make release failed"
    log = make_demo_class(course)
    assert not [line for line in log if line.startswith("warning")], log
    before = tree_digest(course.submitted_dir)
    assert grade(course, force=True) == 0
    after = tree_digest(course.submitted_dir)
    assert make_feedback(course)
    return SimpleNamespace(course=course, scores=read_scores(course), submitted_before=before, submitted_after=after)


def points(scores, student, notebook):
    return {t.grade_id: (t.score, t.points) for t in scores[student][notebook]}


@pytest.mark.parametrize("item", PRESENT, ids=IDS)
def test_release_equals_the_student_notebook(graded, item):
    # Cell types, sources and nbgrader metadata must be equal. Ignored: outputs and execution counts (the release
    # clears them), cell ids, nbgrader's checksum/cell_type entries and LockCells' deletable/editable flags.
    released = nbformat.read(graded.course.release_dir / item.filename, as_version=4)
    student = nbformat.read(item.student_path, as_version=4)
    assert release_differences(student, released, item.filename) == []


@pytest.mark.parametrize("item", PRESENT, ids=IDS)
def test_release_has_no_solution_and_no_hidden_tests(graded, item):
    path = graded.course.release_dir / item.filename
    raw = path.read_text(encoding="utf-8")
    sources = "\n".join(cell.source for cell in nbformat.read(path, as_version=4).cells)
    for marker in (BEGIN_HIDDEN, END_HIDDEN, BEGIN_SOLUTION, END_SOLUTION):
        assert marker not in raw
    hidden = hidden_test_lines(item)
    solution = solution_only_lines(item, graded.course.source_dir / item.filename)
    assert hidden and solution, "nothing distinctive to look for: the check would pass vacuously"
    assert [line for line in hidden + solution if line in sources or line in raw] == []


@pytest.mark.parametrize("item", PRESENT, ids=IDS)
def test_reference_scores_full_marks(graded, item):
    got = points(graded.scores, "reference", item.name)
    assert got and all(score == maximum for score, maximum in got.values()), got


@pytest.mark.parametrize("item", PRESENT, ids=IDS)
def test_blank_release_scores_zero_on_every_test(graded, item):
    got = points(graded.scores, "blank", item.name)
    assert got and all(score == 0 for score, _ in got.values()), got


@pytest.mark.parametrize("item", PRESENT, ids=IDS)
def test_partial_scores_what_its_bugs_deserve(graded, item):
    lost = PARTIAL_LOST[item.name]
    got = points(graded.scores, "partial", item.name)
    assert set(lost) <= set(got), f"unknown grade cells in PARTIAL_LOST: {set(lost) - set(got)}"
    expected = {grade_id: (0.0 if grade_id in lost else maximum, maximum) for grade_id, (_, maximum) in got.items()}
    assert got == expected
    assert {grade_id: maximum for grade_id, (_, maximum) in got.items() if grade_id in lost} == lost


@pytest.mark.parametrize("student", ["blank", "partial", "reference"])
def test_feedback_shows_points_and_messages_but_no_hidden_code(graded, student):
    for item in PRESENT:
        page = graded.course.feedback_dir / student / ASSIGNMENT / f"{item.name}.html"
        text = visible_text(page.read_text(encoding="utf-8"))
        assert BEGIN_HIDDEN not in text and END_HIDDEN not in text
        assert [line for line in hidden_test_lines(item) if line in text] == []
        assert "Score:" in text
    if student == "partial" and "01_simple_conv1d" in IDS:
        text = visible_text((graded.course.feedback_dir / student / ASSIGNMENT / "01_simple_conv1d.html").read_text())
        assert "CheckFailed: forward(x) differs" in text  # the message of the failing test reaches the student
    summary = visible_text((graded.course.feedback_dir / student / ASSIGNMENT / "index.html").read_text())
    scores = graded.scores[student]
    total = sum(t.score for tests in scores.values() for t in tests)
    maximum = sum(t.points for tests in scores.values() for t in tests)
    assert f"Total / 合計: {total:g} / {maximum:g} points" in summary
    assert all(grade_id in summary for tests in scores.values() for grade_id in (t.grade_id for t in tests))


def test_partial_feedback_shows_the_line_of_each_error_in_their_own_code(graded):
    """An exception raised in the student's code shows their cell and line (from the notebook), never hidden code."""
    shown = 0
    for item in PRESENT:
        autograded = nbformat.read(graded.course.autograded_dir / "partial" / ASSIGNMENT / item.filename, as_version=4)
        raised = [output for cell in autograded.cells if cell.metadata.get("nbgrader", {}).get("grade")
                  for output in cell.get("outputs", []) if output.output_type == "error"
                  and output.ename not in ("CheckFailed", "HiddenTestFailed")]
        if not raised:
            continue
        text = visible_text((graded.course.feedback_dir / "partial" / ASSIGNMENT / f"{item.name}.html").read_text())
        assert "in cell In [" in text and "(solution_" in text, item.name
        shown += 1
    assert shown, "no demo mistake raises in the student's code: nothing checked"


@pytest.mark.parametrize("student", ["blank", "partial", "reference"])
def test_untouched_locked_cells_raise_no_checksum_warning(graded, student):
    log = (graded.course.logs_dir / f"autograde-{student}.log").read_text()
    assert "checksum" not in log and "was changed in the submission" not in log


def test_autograde_never_writes_submissions_and_backs_up_the_gradebook(graded):
    assert graded.submitted_after == graded.submitted_before
    assert list(graded.course.gradebook_backups.glob("gradebook-*.db"))


def test_malformed_submission_is_skipped_and_the_gradebook_kept(graded, capsys):
    broken = graded.course.submission_dir("broken")
    broken.mkdir(parents=True)
    (broken / PRESENT[0].filename).write_text('{"cells": [')
    scores_before = read_scores(graded.course)
    assert grade(graded.course, students=["broken"]) == 1
    out, err = capsys.readouterr()
    assert "broken: SKIPPED, nothing to grade: no readable notebook" in err
    assert f"broken: warning: {PRESENT[0].filename}: not valid JSON" in out
    assert (broken / PRESENT[0].filename).read_text() == '{"cells": ['
    assert read_scores(graded.course) == scores_before


def test_grades_csv_has_a_row_per_student_and_notebook(graded, tmp_path):
    rows = csv_rows(graded.scores)
    write_csv(rows, tmp_path / "grades.csv")
    header = (tmp_path / "grades.csv").read_text().splitlines()[0]
    assert header == ",".join(CSV_COLUMNS)
    assert len(rows) == 3 * len(PRESENT)
    total = sum(float(row["score"]) for row in rows if row["student"] == "partial")
    maximum = sum(float(row["max_score"]) for row in rows if row["student"] == "partial")
    assert total == maximum - sum(sum(PARTIAL_LOST[item.name].values()) for item in PRESENT)


def test_nbval_on_the_executed_source(nbval_job, graded):
    nbval_job.thread.join(timeout=900)
    assert not nbval_job.thread.is_alive(), "nbval did not finish in 15 minutes"
    for name, result in nbval_job.result.items():
        assert result.returncode == 0, f"{name} failed:\n{result.stdout[-6000:]}\n{result.stderr[-3000:]}"
    assert set(nbval_job.result) == {"build", "execute", "nbval"}


def test_partial_feedback_names_each_of_its_bugs(graded):
    """Each demo mistake is named in the partial student's feedback, in both languages: by its failing visible check
    (the notebook's table of known wrong answers) or by the hidden tests' diagnosis (a mistake that costs nothing:
    as a note)."""
    for item in PRESENT:
        text = visible_text((graded.course.feedback_dir / "partial" / ASSIGNMENT / f"{item.name}.html").read_text())
        for mistake in demo_mistakes(item):
            assert f"when {mistake.why[0]}" in text and f"「{mistake.why[1]}」" in text, f"{item.name}: {mistake.title}"
    for student in ("reference", "blank"):
        for item in PRESENT:
            text = visible_text((graded.course.feedback_dir / student / ASSIGNMENT / f"{item.name}.html").read_text())
            assert "Likely mistake" not in text and "考えられる間違い" not in text, f"{student} {item.name}"


@pytest.fixture(scope="module")
def report(graded):
    """`make report` on the demo class (after `make grades`): the page's path, printed last, and the CSVs."""
    assert grades.main(["--course-dir", str(graded.course.root)]) == 0
    result = run("-m", "autograde.report.class_report", "--course-dir", str(graded.course.root))
    assert result.returncode == 0, result.stderr
    page = graded.course.report_dir / class_report.PAGE
    assert result.stdout.strip().splitlines()[-1] == f"class report: {page}"

    def rows(name):
        with (page.parent / name).open(newline="", encoding="utf-8") as file:
            return list(csv.DictReader(file))

    return SimpleNamespace(page=page, rows=rows)


def test_the_class_reports_numbers_are_grades_csvs(graded, report):
    with graded.course.grades_csv.open(newline="", encoding="utf-8") as file:
        grade_rows = list(csv.DictReader(file))
    scores = {row["notebook"]: row for row in report.rows("scores.csv")}
    assert set(scores) == {row["notebook"] for row in grade_rows} == set(IDS)
    for notebook, row in scores.items():
        mine = [float(r["score"]) for r in grade_rows if r["notebook"] == notebook]
        top = max(float(r["max_score"]) for r in grade_rows if r["notebook"] == notebook)
        assert int(row["students"]) == len(mine) == 3
        assert float(row["mean"]) == pytest.approx(statistics.fmean(mine), abs=0.005)
        assert (float(row["median"]), float(row["min"]), float(row["max"]), float(row["max_score"])) == \
            (statistics.median(mine), min(mine), max(mine), top)
        assert (int(row["full_marks"]), int(row["zero"])) == (sum(s == top for s in mine), sum(s == 0 for s in mine))
    cells = report.rows("grade_cells.csv")
    assert [float(row["pass_rate"]) for row in cells] == sorted(float(row["pass_rate"]) for row in cells)
    for row in cells:
        mine = [r for r in grade_rows if r["notebook"] == row["notebook"]]
        passed = sum(row["grade_id"] not in r["failed_tests"].split() for r in mine)
        assert (int(row["students"]), int(row["passed"])) == (len(mine), passed), row
    assert len(cells) == sum(int(r["total_tests"]) for r in grade_rows if r["student"] == "reference")
    named = {(row["student"], row["notebook"], row["mistake"]) for row in report.rows("named_by_student.csv")}
    assert named == {("partial", item.name, mistake.title) for item in PRESENT for mistake in demo_mistakes(item)}
    times = {row["student"]: row for row in report.rows("grading_times.csv")}
    assert set(times) == {"blank", "partial", "reference"} and all(float(t["seconds"]) > 0 for t in times.values())


def test_the_class_report_opens_in_chromium(report):
    """The page is one offline file: its figures are embedded and show, nothing is fetched; a screenshot is kept."""
    need_chromium()
    from playwright.sync_api import sync_playwright

    shots = ARTIFACTS / "class-report"
    shots.mkdir(parents=True, exist_ok=True)
    fetched = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1100, "height": 900})
        page.on("request", lambda request: fetched.append(request.url))
        page.goto(report.page.as_uri())
        page.wait_for_load_state("load")
        headings = page.locator("h2").all_inner_texts()
        shown = page.evaluate("Array.from(document.images).map(i => i.complete && i.naturalWidth > 0)")
        page.screenshot(path=str(shots / "index.png"), full_page=True)
        browser.close()
    assert len(headings) == 5 and headings[0] == "Score distribution per notebook", headings
    assert shown == [True] * 5
    assert [url for url in fetched if not url.startswith(("file:", "data:"))] == []
    assert (shots / "index.png").stat().st_size > 10_000
