"""An LMS class end to end: a Canvas download of real notebooks is collected, autograded in the sandbox, given
feedback, and exported; the grades CSV is read back the way Canvas's importer reads it.

Jane first uploads notebook 01 with the forward's bias forgotten, then the reference as a re-upload
(`01_simple_conv1d-1.ipynb`, a newer Canvas file id): the re-upload must be the one graded (full marks). Bob's
only upload has the bug: he loses the 2 points of test_forward_values. Marked slow (a release and two gradings).
"""

import zipfile

import nbformat
import pytest
from intake_zips import make_zip, write_roster
from test_intake_lms_export import canvas_import, canvas_reupload_ids

from autograde.build.release import release
from autograde.course import Course, notebook_named
from autograde.demo_class.make_submissions import student_notebook
from autograde.grade.cli import grade
from autograde.intake.collect import collect_zip
from autograde.problems.mistake import demo_mistakes
from autograde.report.feedback import make_feedback
from autograde.report.grades import csv_rows, read_scores, write_csv
from autograde.report.lms_export import export

pytestmark = pytest.mark.slow

NOTEBOOK = notebook_named("01_simple_conv1d")
ROSTER = [("5550001", "jane.doe", "Jane", "Doe", "jane@example.org"),
          ("5550002", "bob.smith", "Bob", "Smith", "bob@example.org")]


def test_canvas_download_to_canvas_gradebook(tmp_path):
    course = Course(tmp_path / "course")
    assert release(course)
    released = nbformat.read(course.release_dir / NOTEBOOK.filename, as_version=4)
    right = nbformat.writes(student_notebook(released, NOTEBOOK.solution_module)).encode()
    wrong = nbformat.writes(student_notebook(released, NOTEBOOK.solution_module, demo_mistakes(NOTEBOOK))).encode()
    zip_path = make_zip(tmp_path / "submissions.zip", [
        ("doejane_5550001_90001_01_simple_conv1d.ipynb", wrong),
        ("doejane_5550001_90007_01_simple_conv1d-1.ipynb", right),
        ("smithbob_LATE_5550002_90003_01_simple_conv1d.ipynb", wrong),
        ("smithbob_LATE_5550002_90004_notes.txt", b"my notes"),
    ])
    roster = write_roster(tmp_path / "roster.csv", ROSTER)
    collected = collect_zip(course, zip_path, roster=roster)
    assert collected.ok, collected.problems
    assert {r.student: r.outcome for r in collected.students} == {"jane.doe": "collected", "bob.smith": "collected"}
    assert (course.submission_dir("jane.doe") / NOTEBOOK.filename).read_bytes() == right

    assert grade(course, force=True) == 0
    assert make_feedback(course)
    write_csv(csv_rows(read_scores(course)), course.grades_csv)
    report = export(course.grades_csv, course.lms_export_dir, roster=roster, submitted_dir=course.submitted_dir,
                    feedback_dir=course.feedback_dir)
    assert "canvas_grades.csv" not in report.skipped

    _, points, imported = canvas_import(course.lms_export_dir / "canvas_grades.csv")
    column = f"cnn1d {NOTEBOOK.name}"
    assert points[column] == "10"
    assert imported[5550001][column] == "10" and imported[5550002][column] == "8"
    assert imported[5550001]["cnn1d total"] == "10" and imported[5550002]["cnn1d total"] == "8"
    # feedback for Canvas's "Re-upload submissions": each page points at the file it grades
    with zipfile.ZipFile(course.lms_export_dir / "feedback_canvas.zip") as archive:
        ids = {name: canvas_reupload_ids(name) for name in archive.namelist()}
    assert ids[f"doejane_5550001_90007_{NOTEBOOK.name}.html"] == ("5550001", "90007")
    assert ids[f"smithbob_LATE_5550002_90003_{NOTEBOOK.name}.html"] == ("5550002", "90003")
