"""make export-lms: the CSVs and zips, read back the way Canvas's and Moodle's importers read them.

The importers are re-implemented here from their source (NOTES.md cites each): Canvas GradebookImporter (header
rules, the "Points Possible" row, "Title (id)" columns, the read-only columns it drops), Canvas's re-upload of
feedback (the first two all-digit '_' tokens of a name are the user and file ids), Moodle's grading worksheet
importer (exact header names, "Participant <id>", range check), Moodle's feedback zip importer (explode('_', part, 5))
and Moodle's gradebook CSV import (a column mapped to the user's email). docs/instructor.md cites the sources."""

import csv
import re
import zipfile
from datetime import datetime

import pytest
from intake_zips import RELEASED, make_zip, notebook, stand_in_course, write_roster

from autograde.intake.collect import collect_zip
from autograde.report import lms_export as export_lms
from autograde.report.grades import CSV_COLUMNS

MAXIMA = {"01_simple_conv1d": 10, "02_output_size": 8, "03_toy_check": 9, "04_conv1d_channels": 10,
          "05_padding": 10, "06_minibatch": 10, "07_stride": 11, "08_mnist_classifier": 10}  # 78 in all
NOW = datetime(2025, 12, 5, 12, 0, 0)


@pytest.fixture
def course(tmp_path):
    return stand_in_course(tmp_path)


def write_grades(path, scores: dict[str, dict[str, float]]):
    with path.open("w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file)
        writer.writerow(CSV_COLUMNS)
        for student, per_notebook in scores.items():
            for notebook_name, score in per_notebook.items():
                writer.writerow([student, notebook_name, int(notebook_name[:2]), f"{score:g}", MAXIMA[notebook_name],
                                 1, 1, "", 0])
    return path


def full(student_scores=None):
    scores = dict(MAXIMA)
    scores.update(student_scores or {})
    return scores


# --- the importers, as their source reads a file ------------------------------------------------------------------

CANVAS_NON_ASSIGNMENT = re.compile("Current Score|Current Points|Current Grade|Final Score|Final Points|Final Grade|"
                                   "Override Score|Override Grade|Override Status")


def canvas_import(path):
    """(assignments: header -> (title, id or None), points: header -> points, grades: user id -> header -> grade)."""
    rows = [row for row in csv.reader(path.open(newline="", encoding="utf-8"))
            if not re.fullmatch(r"[;, ]*", ",".join(row))]  # csv_stream's skip_lines
    header = rows[0]
    assert len(header) > 3 and "Student" in header[0] and "ID" in header[1], "InvalidHeaderRow"
    student_columns = 3
    if re.search(r"SIS\s+Login\s+ID", header[2]):
        student_columns += 1
    elif re.search(r"SIS\s+User\s+ID", header[2]) and re.search(r"SIS\s+Login\s+ID", header[3]):
        student_columns += 2 + (1 if re.search(r"Integration\s+ID", header[4]) else 0)
    assert "Section" in header[student_columns - 1], "InvalidHeaderRow"
    columns = [h for h in header[student_columns:] if not CANVAS_NON_ASSIGNMENT.search(h)]
    assignments = {}
    for h in columns:
        match = re.fullmatch(r"(.*)\s\((\d+)\)", h, re.S)
        assignments[h] = (match[1], match[2]) if match else (h, None)
    index = {h: header.index(h) for h in columns}
    points, grades = {}, {}
    for row in rows[1:]:
        if "Points Possible" in row[0]:
            points = {h: row[index[h]] for h in columns}
            continue
        grades[int(row[1])] = {h: row[index[h]].strip() for h in columns}
    return assignments, points, grades


def canvas_reupload_ids(name: str) -> tuple[str, str]:
    """Canvas's infer_comment_context_from_filename: user id and attachment id from a feedback file's name."""
    user_id, attachment_id = [token for token in name.split("/")[-1].split("_") if re.fullmatch(r"\d+", token)][:2]
    return user_id, attachment_id


def moodle_worksheet_import(path, max_grade):
    """participant id -> grade, as assignfeedback_offline imports it (English column names, exact match)."""
    rows = list(csv.reader(path.open(newline="", encoding="utf-8")))
    header = rows[0]
    id_index, grade_index, modified_index = (header.index("Identifier"), header.index("Grade"),
                                             header.index("Last modified (grade)"))
    imported = {}
    for row in rows[1:]:
        participant = row[id_index][len("Participant "):]
        assert participant.isdigit(), row[id_index]
        grade = float(row[grade_index])
        datetime.fromisoformat(row[modified_index])  # strtotime() must read it
        if 0 <= grade <= max_grade:  # out of range: skipped by Moodle
            imported[int(participant)] = grade
    return imported


def moodle_feedback_import(name: str):
    """assignfeedback_file_zip_importer::is_valid_filename_for_import: (participant id, plugin, file name)."""
    parts = name.split("/")
    while parts:
        info = parts.pop(0).split("_", 4)
        if len(info) < 4 or not info[1].isdigit():
            continue
        rest = info[4] if len(info) == 5 else ""
        return int(info[1]), f"{info[2]}_{info[3]}", "/".join([rest] + parts).lstrip("/")
    return None


# --- Canvas -------------------------------------------------------------------------------------------------------

CANVAS_ROSTER = [("5550001", "jane.doe", "Jane", "Doe", "jane@example.org"),
                 ("5550002", "bob.smith", "Bob", "Smith", "bob@example.org")]


def test_canvas_grades(tmp_path):
    grades = write_grades(tmp_path / "grades.csv", {
        "jane.doe": full(), "bob.smith": full({"05_padding": 1, "07_stride": 7.5}), "juergen": full()})
    roster = write_roster(tmp_path / "roster.csv", CANVAS_ROSTER)
    report = export_lms.export(grades, tmp_path / "out", roster=roster, canvas_assignment="CNN1D (777)", now=NOW)
    path = tmp_path / "out" / "canvas_grades.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines[0] == ("Student,ID,SIS User ID,SIS Login ID,Section,cnn1d 01_simple_conv1d,cnn1d 02_output_size,"
                        "cnn1d 03_toy_check,cnn1d 04_conv1d_channels,cnn1d 05_padding,cnn1d 06_minibatch,"
                        "cnn1d 07_stride,cnn1d 08_mnist_classifier,CNN1D (777)")
    assert lines[1] == "    Points Possible,,,,,10,8,9,10,10,10,11,10,78"
    assignments, points, imported = canvas_import(path)
    assert assignments["CNN1D (777)"] == ("CNN1D", "777")  # the total updates the existing assignment 777
    assert assignments["cnn1d 05_padding"] == ("cnn1d 05_padding", None)  # a notebook: a new assignment
    assert points["CNN1D (777)"] == "78"
    assert sorted(imported) == [5550001, 5550002]
    assert imported[5550002]["cnn1d 05_padding"] == "1" and imported[5550002]["cnn1d 07_stride"] == "7.5"
    assert imported[5550002]["CNN1D (777)"] == "65.5" and imported[5550001]["CNN1D (777)"] == "78"
    assert report.skipped["canvas_grades.csv"] == [
        "juergen: no Canvas user id (not in the roster, not collected from a Canvas zip)"]
    assert '"Doe, Jane",5550001,,,' in lines[3]


@pytest.mark.parametrize("name", ["Final Score", "cnn1d Current Points", "Student"])
def test_canvas_refuses_columns_it_would_drop(tmp_path, name):
    grades = write_grades(tmp_path / "grades.csv", {"a": full()})
    with pytest.raises(export_lms.ExportError):
        export_lms.export(grades, tmp_path / "out", canvas_assignment=name)


def test_spreadsheet_formulas_are_neutralised(tmp_path):
    grades = write_grades(tmp_path / "grades.csv", {"x": full()})
    roster = write_roster(tmp_path / "roster.csv", [("42", "x", "=HYPERLINK(1)", "@evil", "x@y.z")])
    export_lms.export(grades, tmp_path / "out", roster=roster, now=NOW)
    text = (tmp_path / "out" / "canvas_grades.csv").read_text()
    assert "\"'@evil, =HYPERLINK(1)\"" in text
    assert "'=HYPERLINK(1)" in (tmp_path / "out" / "moodle_gradebook.csv").read_text()


# --- Moodle -------------------------------------------------------------------------------------------------------

MOODLE_ROSTER = [("101", "jane.doe", "Jane", "Doe", "jane@example.org"),
                 ("102", "jane.doe2", "Jane", "Doe", ""),
                 ("104", "yamada", "太郎", "山田", "yamada@example.jp")]


def test_moodle_worksheet_and_gradebook(tmp_path):
    grades = write_grades(tmp_path / "grades.csv", {
        "jane.doe": full(), "jane.doe2": full({"01_simple_conv1d": 0}), "yamada": full({"08_mnist_classifier": 5})})
    roster = write_roster(tmp_path / "roster.csv", MOODLE_ROSTER)
    report = export_lms.export(grades, tmp_path / "out", roster=roster, total_out_of=100, now=NOW)
    worksheet = tmp_path / "out" / "moodle_worksheet.csv"
    assert worksheet.read_text(encoding="utf-8").splitlines()[0] == (
        "Identifier,Full name,Email address,Status,Grade,Maximum Grade,Grade can be changed,"
        "Last modified (submission),Last modified (grade),Feedback comments")
    assert moodle_worksheet_import(worksheet, max_grade=100) == {101: 100.0, 102: 87.18, 104: 93.59}
    rows = list(csv.DictReader(worksheet.open(encoding="utf-8")))
    assert rows[2]["Full name"] == "太郎 山田" and rows[2]["Maximum Grade"] == "100"
    assert rows[2]["Feedback comments"].endswith("07_stride 11/11; 08_mnist_classifier 5/10")
    assert report.notes == ["totals scaled from 78 to 100 points"]
    # the gradebook import maps "Email address" to the user's email; a student without one cannot be found
    book = list(csv.DictReader((tmp_path / "out" / "moodle_gradebook.csv").open(encoding="utf-8")))
    assert [(row["Email address"], row["cnn1d total"], row["cnn1d 08_mnist_classifier"]) for row in book] == [
        ("jane@example.org", "100", "10"), ("yamada@example.jp", "93.59", "5")]
    assert report.skipped["moodle_gradebook.csv"] == [
        "jane.doe2: no email in the roster: the gradebook import cannot find the user"]


def test_moodle_worksheet_out_of_range_without_scaling(tmp_path):
    """Moodle skips a grade above the assignment's maximum: say --total-out-of when the assignment is out of 100."""
    grades = write_grades(tmp_path / "grades.csv", {"jane.doe": full()})
    roster = write_roster(tmp_path / "roster.csv", MOODLE_ROSTER)
    export_lms.export(grades, tmp_path / "out", roster=roster, now=NOW)
    assert moodle_worksheet_import(tmp_path / "out" / "moodle_worksheet.csv", max_grade=50) == {}
    assert moodle_worksheet_import(tmp_path / "out" / "moodle_worksheet.csv", max_grade=78) == {101: 78.0}


# --- round trips: a download collected, graded, exported, imported ------------------------------------------------

def feedback_for(course, students):
    for student in students:
        folder = course.feedback_dir / student / "cnn1d"
        folder.mkdir(parents=True)
        for name in RELEASED:
            (folder / name.replace(".ipynb", ".html")).write_text(f"<html>{student} {name}</html>")


def test_canvas_round_trip(course, tmp_path):
    zip_path = make_zip(tmp_path / "canvas.zip", [
        ("doejane_5550001_12345_05_padding.ipynb", notebook("j5a")),
        ("doejane_5550001_12455_05_padding-1.ipynb", notebook("j5b")),
        ("doejane_5550001_12001_01_simple_conv1d.ipynb", notebook("j1")),
        ("smithbob_LATE_5550002_13000_05_padding.ipynb", notebook("b5"))])
    roster = write_roster(tmp_path / "roster.csv", CANVAS_ROSTER)
    collected = collect_zip(course, zip_path, "auto", roster=roster)
    assert collected.ok
    grades = write_grades(tmp_path / "grades.csv", {"jane.doe": full({"05_padding": 4}), "bob.smith": full()})
    feedback_for(course, ["jane.doe", "bob.smith"])
    report = export_lms.export(grades, tmp_path / "out", roster=roster, submitted_dir=course.submitted_dir,
                               feedback_dir=course.feedback_dir, now=NOW)
    _, _, imported = canvas_import(tmp_path / "out" / "canvas_grades.csv")
    assert {user: row["cnn1d total"] for user, row in imported.items()} == {5550001: "72", 5550002: "78"}
    with zipfile.ZipFile(tmp_path / "out" / "feedback_canvas.zip") as archive:
        names = archive.namelist()
        assert archive.read("doejane_5550001_12455_05_padding.html") == b"<html>jane.doe 05_padding.ipynb</html>"
    assert len(names) == 16
    ids = {name: canvas_reupload_ids(name) for name in names}
    assert ids["doejane_5550001_12455_05_padding.html"] == ("5550001", "12455")  # the newest 05_padding upload
    assert ids["doejane_5550001_12001_01_simple_conv1d.html"] == ("5550001", "12001")
    assert ids["smithbob_LATE_5550002_13000_03_toy_check.html"] == ("5550002", "13000")  # not submitted: another file
    # every file points at a file of that user's own submission, or Canvas ignores it
    submitted_files = {("5550001", "12455"), ("5550001", "12001"), ("5550002", "13000")}
    assert set(ids.values()) <= submitted_files
    with zipfile.ZipFile(tmp_path / "out" / "feedback" / "jane.doe.zip") as own:
        assert sorted(own.namelist()) == sorted(f"cnn1d/{n.replace('.ipynb', '.html')}" for n in RELEASED)
    assert "feedback_moodle.zip" in report.skipped


def test_moodle_round_trip(course, tmp_path):
    zip_path = make_zip(tmp_path / "moodle.zip", [
        ("Jane Doe_101_assignsubmission_file/05_padding.ipynb", notebook("j5")),
        ("Jane Doe_102_assignsubmission_file/01_simple_conv1d.ipynb", notebook("j1")),
        ("山田 太郎_104_assignsubmission_file/０５＿ｐａｄｄｉｎｇ．ｉｐｙｎｂ", notebook("y5"))])
    collected = collect_zip(course, zip_path, "auto")  # no roster: the participant ids are the student ids
    assert collected.ok and sorted(r.student for r in collected.students) == ["101", "102", "104"]
    grades = write_grades(tmp_path / "grades.csv", {"101": full(), "102": full({"02_output_size": 0}),
                                                    "104": full()})
    feedback_for(course, ["101", "102", "104"])
    report = export_lms.export(grades, tmp_path / "out", submitted_dir=course.submitted_dir,
                               feedback_dir=course.feedback_dir, now=NOW)
    assert moodle_worksheet_import(tmp_path / "out" / "moodle_worksheet.csv", max_grade=78) == {
        101: 78.0, 102: 70.0, 104: 78.0}
    with zipfile.ZipFile(tmp_path / "out" / "feedback_moodle.zip") as archive:
        parsed = {name: moodle_feedback_import(name) for name in archive.namelist()}
    assert parsed["Jane Doe_101_assignsubmission_file_/05_padding.html"] == (
        101, "assignsubmission_file", "05_padding.html")
    assert parsed["山田 太郎_104_assignsubmission_file_/08_mnist_classifier.html"] == (
        104, "assignsubmission_file", "08_mnist_classifier.html")
    assert {participant for participant, _, _ in parsed.values()} == {101, 102, 104}
    # no roster, no email: the gradebook CSV cannot be keyed, and says so; Canvas files have no Canvas ids
    assert len(report.skipped["moodle_gradebook.csv"]) == 3
    assert len(report.skipped["canvas_grades.csv"]) == 3 and "feedback_canvas.zip" in report.skipped
    assert not (tmp_path / "out" / "feedback_canvas.zip").exists()


def test_roster_overrides_a_different_intake_id(course, tmp_path):
    zip_path = make_zip(tmp_path / "c.zip", [("doejane_5550001_12345_05_padding.ipynb", notebook("j"))])
    collect_zip(course, zip_path, "canvas")
    grades = write_grades(tmp_path / "grades.csv", {"5550001": full()})
    roster = write_roster(tmp_path / "roster.csv", [("5559999", "5550001", "Jane", "Doe", "")])
    report = export_lms.export(grades, tmp_path / "out", roster=roster, submitted_dir=course.submitted_dir, now=NOW)
    assert report.notes == ["5550001: the roster says LMS id 5559999, the collected zip said 5550001: the roster's "
                            "is used"]
    _, _, imported = canvas_import(tmp_path / "out" / "canvas_grades.csv")
    assert list(imported) == [5559999]


def test_command(course, tmp_path, capsys):
    write_grades(course.grades_csv, {"jane.doe": full()})
    write_roster(course.roster_csv, CANVAS_ROSTER)  # left there by make collect ROSTER=...
    assert export_lms.main(["--course-dir", str(course.root)]) == 0
    out = capsys.readouterr().out
    assert f"wrote {course.lms_export_dir / 'canvas_grades.csv'}" in out
    assert "canvas_grades.csv: " not in out  # the roster was found: nobody left out of the Canvas grades
    assert export_lms.main(["--course-dir", str(tmp_path / "nowhere")]) == 1
