"""make collect: zips in Canvas's, Moodle's and a generic layout, with resubmissions, odd names and hostile entries."""

import csv
import json
import os
import stat
import struct
import sys
import zipfile
from pathlib import Path

import pytest
from intake_zips import DOWNLOAD_TIME, make_zip, make_zip_raw_names, notebook, stand_in_course, write_roster

from autograde.intake import collect, staging
from autograde.intake.layouts import NBGRADER_NAMED_REGEXP, detect_lms
from autograde.intake.roster import RosterEntry, RosterError, read_roster, write_names
from autograde.intake.staging import IntakeError
from autograde.settings import IntakeLimits

EARLIER = (2025, 11, 20, 9, 0, 0)
LATER = (2025, 12, 3, 18, 30, 0)


@pytest.fixture
def course(tmp_path):
    return stand_in_course(tmp_path)


def run(course, zip_path, lms="auto", roster=None, **options):
    return collect.collect_zip(course, zip_path, lms, roster=roster, report_path=course.intake_dir / "report",
                               **options)


def statuses(report) -> dict[str, tuple]:
    return {entry.name: (entry.status, entry.student, entry.notebook) for entry in report.entries}


def outcomes(report) -> dict[str, str]:
    return {result.student: result.outcome for result in report.students}


def submitted(course, student) -> dict[str, bytes]:
    folder = course.submission_dir(student)
    return {path.name: path.read_bytes() for path in sorted(folder.iterdir())}


# --- Canvas -------------------------------------------------------------------------------------------------------

CANVAS_ROSTER = [("5550001", "jane.doe", "Jane", "Doe", "jane@example.org"),
                 ("5550002", "bob.smith", "Bob", "Smith", "bob@example.org"),
                 ("5550003", "juergen", "Jürgen", "Müller", "jm@example.org"),
                 ("5550004", "jane.doe2", "Jane", "Doe", "jane2@example.org")]


def canvas_zip(path):
    return make_zip(path, [
        ("doejane_5550001_12345_05_padding.ipynb", notebook("jane 05 first")),
        ("doejane_5550001_12399_05_padding-1.ipynb", notebook("jane 05 second")),
        ("doejane_5550001_12455_05_padding-2.ipynb", notebook("jane 05 third")),
        ("doejane_5550001_12001_01_simple_conv1d.ipynb", notebook("jane 01")),
        # the file id equals Bob's user id: a greedy reading would give this to Bob (or create student "5550002")
        ("doejane_5550001_5550002_02_output_size.ipynb", notebook("jane 02")),
        ("doejane_5550001_12502_06_minibatch.ipynb.ipynb", notebook("jane 06")),
        ("doejane_5550001_12500_notes.txt", "my notes"),
        ("doejane_5550001_12501_05_padding_v2.ipynb", notebook("jane 05 v2")),
        ("smithbob_LATE_5550002_13000_05_padding.ipynb", notebook("bob 05")),
        ("smithbob_LATE_5550002_13001_03_toy_check (1).ipynb", notebook("bob 03")),
        ("smithbob_LATE_5550002_text.html", "<p>text entry</p>"),
        ("submissions/müllerjürgen_5550003_14000_Copy of 01_simple_conv1d.ipynb", notebook("juergen 01")),
        ("doejane_5550004_15000_05_Padding.ipynb", notebook("other jane 05")),
    ])


def test_canvas_with_roster(course, tmp_path):
    roster = write_roster(tmp_path / "roster.csv", CANVAS_ROSTER)
    report = run(course, canvas_zip(tmp_path / "canvas.zip"), roster=roster)
    assert report.layout == "canvas" and report.layout_detected
    assert statuses(report) == {
        "doejane_5550001_12345_05_padding.ipynb": ("superseded", "jane.doe", "05_padding.ipynb"),
        "doejane_5550001_12399_05_padding-1.ipynb": ("superseded", "jane.doe", "05_padding.ipynb"),
        "doejane_5550001_12455_05_padding-2.ipynb": ("resolved", "jane.doe", "05_padding.ipynb"),
        "doejane_5550001_12001_01_simple_conv1d.ipynb": ("matched", "jane.doe", "01_simple_conv1d.ipynb"),
        "doejane_5550001_5550002_02_output_size.ipynb": ("matched", "jane.doe", "02_output_size.ipynb"),
        "doejane_5550001_12502_06_minibatch.ipynb.ipynb": ("resolved", "jane.doe", "06_minibatch.ipynb"),
        "doejane_5550001_12500_notes.txt": ("ignored", "", ""),
        "doejane_5550001_12501_05_padding_v2.ipynb": ("unresolved", "", "05_padding.ipynb"),
        "smithbob_LATE_5550002_13000_05_padding.ipynb": ("matched", "bob.smith", "05_padding.ipynb"),
        "smithbob_LATE_5550002_13001_03_toy_check (1).ipynb": ("resolved", "bob.smith", "03_toy_check.ipynb"),
        "smithbob_LATE_5550002_text.html": ("ignored", "", ""),
        "submissions/müllerjürgen_5550003_14000_Copy of 01_simple_conv1d.ipynb":
            ("resolved", "juergen", "01_simple_conv1d.ipynb"),
        "doejane_5550004_15000_05_Padding.ipynb": ("resolved", "jane.doe2", "05_padding.ipynb"),
    }
    assert outcomes(report) == {"bob.smith": "collected", "jane.doe": "collected", "jane.doe2": "collected",
                                "juergen": "collected"}
    assert submitted(course, "jane.doe") == {
        "01_simple_conv1d.ipynb": notebook("jane 01"), "02_output_size.ipynb": notebook("jane 02"),
        "05_padding.ipynb": notebook("jane 05 third"), "06_minibatch.ipynb": notebook("jane 06"),
        "timestamp.txt": b"2025-11-29 10:00:00\n"}
    assert submitted(course, "jane.doe2")["05_padding.ipynb"] == notebook("other jane 05")
    assert not (course.submitted_dir / "5550002").exists()
    entry = {e.name: e for e in report.entries}
    third = entry["doejane_5550001_12455_05_padding-2.ipynb"]
    assert third.rules == ["resubmission suffix -2 (as Canvas names a re-uploaded file)"]
    assert third.notes == ["newest of 3: Canvas file id 12455 > 12399"]
    assert entry["smithbob_LATE_5550002_13000_05_padding.ipynb"].late
    assert entry["smithbob_LATE_5550002_text.html"].reason == "Canvas online text entry, not a file"
    assert entry["doejane_5550001_12500_notes.txt"].reason == "not a notebook"
    # the unresolved near miss is the one problem to look at
    assert report.problems == ["unresolved: doejane_5550001_12501_05_padding_v2.ipynb -- close to 05_padding.ipynb "
                               "but not the same name: not collected (rename it, or copy it by hand)"]
    intake = json.loads((course.submitted_dir / "jane.doe" / ".intake.json").read_text())
    assert intake["lms"] == "canvas" and intake["lms_id"] == "5550001" and intake["lms_name"] == "doejane"
    assert intake["notebooks"]["05_padding.ipynb"]["attachment_id"] == "12455"
    assert json.loads((course.submitted_dir / "bob.smith" / ".intake.json").read_text())[
        "notebooks"]["05_padding.ipynb"]["prefix"] == "smithbob_LATE"


def test_roster_students_absent_from_the_zip_are_listed(course, tmp_path):
    roster = write_roster(tmp_path / "roster.csv", CANVAS_ROSTER + [("5550009", "late.comer", "Late", "Comer", "")])
    report = run(course, canvas_zip(tmp_path / "canvas.zip"), roster=roster)
    assert report.absent == ["late.comer"]
    assert "in the roster, nothing in this download (1): late.comer" in report.to_text()


@pytest.mark.parametrize("layout, path, expected", [
    ("canvas", "/x/extracted/doejane_5550001_12345_05_padding-1.ipynb", ("5550001", "05_padding-1.ipynb")),
    ("canvas", "/x/extracted/doejane_5550001_5550002_02_output_size.ipynb", ("5550001", "02_output_size.ipynb")),
    ("canvas", "/x/extracted/smithbob_LATE_5550002_13000_05_padding.ipynb", ("5550002", "05_padding.ipynb")),
    ("canvas", "/x/extracted/anon_Xk3pQ_700_05_padding.ipynb", ("anon_Xk3pQ", "05_padding.ipynb")),
    ("moodle", "/x/extracted/Jane Doe_101_assignsubmission_file/05_padding.ipynb", ("101", "05_padding.ipynb")),
    ("moodle", "/x/extracted/Jane Doe_101_assignsubmission_file_/sub/05_padding.ipynb", ("101", "05_padding.ipynb")),
    ("moodle-flat", "/x/extracted/Jane Doe_101_assignsubmission_file_05_padding.ipynb", ("101", "05_padding.ipynb")),
])
def test_nbgrader_zip_collect_patterns(layout, path, expected):
    """The named_regexp for `nbgrader zip_collect`, through nbgrader's own plugin (full path, re.match)."""
    from nbgrader.plugins.zipcollect import FileNameCollectorPlugin

    found = FileNameCollectorPlugin(named_regexp=NBGRADER_NAMED_REGEXP[layout]).collect(path)
    assert (found["student_id"], found["file_id"]) == expected


def test_a_size_lie_is_refused_when_read(course, tmp_path):
    """An entry that holds more data than its central directory declares: never more than declared is written."""
    path = make_zip(tmp_path / "lie.zip", [("alice/05_padding.ipynb", notebook("x" * 1000), {"compress": 0})])
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as archive:
        start = archive.start_dir
    struct.pack_into("<I", data, start + 24, 100)  # the central directory's uncompressed size
    path.write_bytes(bytes(data))
    report = run(course, path, lms="generic")
    (entry,) = report.entries
    assert entry.status == "refused" and entry.reason.startswith("unreadable:")
    assert outcomes(report) == {"alice": "empty"} and not (course.submitted_dir / "alice").exists()


def test_canvas_without_roster_uses_canvas_user_ids(course, tmp_path):
    report = run(course, canvas_zip(tmp_path / "canvas.zip"), lms="canvas")
    assert sorted(outcomes(report)) == ["5550001", "5550002", "5550003", "5550004"]
    assert sorted(submitted(course, "5550001")) == ["01_simple_conv1d.ipynb", "02_output_size.ipynb",
                                                    "05_padding.ipynb", "06_minibatch.ipynb", "timestamp.txt"]


def test_canvas_user_missing_from_roster_is_unmatched(course, tmp_path):
    roster = write_roster(tmp_path / "roster.csv", CANVAS_ROSTER[1:])  # no Jane (5550001)
    report = run(course, canvas_zip(tmp_path / "canvas.zip"), roster=roster)
    jane = [e for e in report.entries if e.lms_id == "5550001" and e.name.endswith(".ipynb")
            and "_v2" not in e.name]
    assert {e.status for e in jane} == {"unmatched"}
    assert jane[0].reason == "canvas id 5550001 (doejane) is not in the roster"
    assert not (course.submitted_dir / "jane.doe").exists()
    assert not report.ok and any("5550001 (doejane) is not in the roster" in p for p in report.problems)


def test_canvas_anonymous_and_uuid_suffix(course, tmp_path):
    zip_path = make_zip(tmp_path / "anon.zip", [
        ("anon_Xk3pQ_700_05_padding.ipynb", notebook("a1")),
        ("LATE_anon_Xk3pQ_701_05_padding-0f8fad5b-d9cb-469f-a165-70867728950e.ipynb", notebook("a2")),
        ("anon_Zz9aa_702_01_simple_conv1d.ipynb", notebook("b1"))])
    report = run(course, zip_path, lms="canvas")
    assert outcomes(report) == {"anon_Xk3pQ": "collected", "anon_Zz9aa": "collected"}
    assert submitted(course, "anon_Xk3pQ")["05_padding.ipynb"] == notebook("a2")


def test_canvas_ambiguous_reading_is_not_guessed(course, tmp_path):
    """A name ending in _<digits> could shift the reading; with a roster that fits only the shifted one: unmatched."""
    roster = write_roster(tmp_path / "roster.csv", [("555", "other", "O", "Ther", "")])
    zip_path = make_zip(tmp_path / "odd.zip", [("smith_12_555_666_05_padding.ipynb", notebook("x"))])
    report = run(course, zip_path, lms="canvas", roster=roster)
    (entry,) = report.entries
    assert entry.status == "unmatched" and "ambiguous name" in entry.reason
    assert not (course.submitted_dir / "other").exists()


# --- Moodle -------------------------------------------------------------------------------------------------------

def moodle_zip(path):
    return make_zip(path, [
        ("Jane Doe_101_assignsubmission_file/05_padding.ipynb", notebook("jane 05")),
        ("Jane Doe_101_assignsubmission_file/05_padding (1).ipynb", notebook("jane 05 copy")),
        ("Jane Doe_101_assignsubmission_file/01_simple_conv1d.ipynb", notebook("jane 01")),
        ("Jane Doe_101_assignsubmission_onlinetext/onlinetext.html", "<p>hello</p>"),
        ("Jane Doe_102_assignsubmission_file/01_simple_conv1d.ipynb", notebook("other jane 01")),
        ("Jürgen Müller_103_assignsubmission_file_/work/03_toy_check.ipynb", notebook("juergen 03")),
        ("山田 太郎_104_assignsubmission_file/０５＿ｐａｄｄｉｎｇ．ｉｐｙｎｂ", notebook("yamada 05")),
        ("Participant_105_assignsubmission_file/02_output_size.ipynb", notebook("blind 02")),
        ("Default group_assignsubmission_file/07_stride.ipynb", notebook("team")),
    ])


MOODLE_ROSTER = [("101", "jane.doe", "Jane", "Doe", "jane@example.org"),
                 ("102", "jane.doe2", "Jane", "Doe", "jane2@example.org"),
                 ("103", "juergen", "Jürgen", "Müller", "jm@example.org"),
                 ("104", "yamada", "太郎", "山田", "yamada@example.jp"),
                 ("105", "blind", "", "", "")]


def test_moodle_folders(course, tmp_path):
    roster = write_roster(tmp_path / "roster.csv", MOODLE_ROSTER)
    report = run(course, moodle_zip(tmp_path / "moodle.zip"), roster=roster)
    assert report.layout == "moodle"
    assert statuses(report) == {
        "Jane Doe_101_assignsubmission_file/05_padding.ipynb": ("superseded", "jane.doe", "05_padding.ipynb"),
        "Jane Doe_101_assignsubmission_file/05_padding (1).ipynb": ("resolved", "jane.doe", "05_padding.ipynb"),
        "Jane Doe_101_assignsubmission_file/01_simple_conv1d.ipynb": ("matched", "jane.doe", "01_simple_conv1d.ipynb"),
        "Jane Doe_101_assignsubmission_onlinetext/onlinetext.html": ("ignored", "", ""),
        "Jane Doe_102_assignsubmission_file/01_simple_conv1d.ipynb":
            ("matched", "jane.doe2", "01_simple_conv1d.ipynb"),
        "Jürgen Müller_103_assignsubmission_file_/work/03_toy_check.ipynb":
            ("matched", "juergen", "03_toy_check.ipynb"),
        "山田 太郎_104_assignsubmission_file/０５＿ｐａｄｄｉｎｇ．ｉｐｙｎｂ":
            ("resolved", "yamada", "05_padding.ipynb"),
        "Participant_105_assignsubmission_file/02_output_size.ipynb": ("matched", "blind", "02_output_size.ipynb"),
        "Default group_assignsubmission_file/07_stride.ipynb": ("unmatched", "", ""),
    }
    entries = {e.name: e for e in report.entries}
    assert entries["Jane Doe_101_assignsubmission_file/05_padding (1).ipynb"].notes == [
        "newest of 2: copy number 1 > 0"]
    assert entries["Jürgen Müller_103_assignsubmission_file_/work/03_toy_check.ipynb"].notes == [
        "inside the folder work/ of the submission"]
    assert entries["Participant_105_assignsubmission_file/02_output_size.ipynb"].notes == []
    assert submitted(course, "jane.doe")["05_padding.ipynb"] == notebook("jane 05 copy")
    assert submitted(course, "jane.doe2")["01_simple_conv1d.ipynb"] == notebook("other jane 01")
    assert report.problems == ["unmatched: Default group_assignsubmission_file/07_stride.ipynb -- does not follow "
                               "Moodle's naming <Full Name>_<participant id>_assignsubmission_file"]


def test_moodle_flat_files_and_unflagged_utf8_names(course, tmp_path):
    zip_path = make_zip_raw_names(tmp_path / "flat.zip", [
        (b"Jane Doe_101_assignsubmission_file_05_padding.ipynb", notebook("jane 05")),
        ("山田 太郎_104_assignsubmission_file_01_simple_conv1d.ipynb".encode(), notebook("yamada 01")),
        ("Jürgen Müller_103_assignsubmission_onlinetext_onlinetext.html".encode(), b"<p/>")])
    roster = write_roster(tmp_path / "roster.csv", MOODLE_ROSTER)
    report = run(course, zip_path, lms="moodle", roster=roster)
    assert statuses(report) == {
        "Jane Doe_101_assignsubmission_file_05_padding.ipynb": ("matched", "jane.doe", "05_padding.ipynb"),
        "山田 太郎_104_assignsubmission_file_01_simple_conv1d.ipynb": ("matched", "yamada", "01_simple_conv1d.ipynb"),
        "Jürgen Müller_103_assignsubmission_onlinetext_onlinetext.html": ("ignored", "", "")}
    yamada = next(e for e in report.entries if e.student == "yamada")
    assert yamada.notes == ["name read as UTF-8: the zip did not mark its encoding"]
    assert yamada.lms_name == "山田 太郎"


def test_moodle_roster_name_mismatch_is_noted_not_refused(course, tmp_path):
    roster = write_roster(tmp_path / "roster.csv", [("101", "jane.doe", "Janet", "Dough", "")])
    zip_path = make_zip(tmp_path / "m.zip", [("Jane Doe_101_assignsubmission_file/05_padding.ipynb", notebook("j"))])
    report = run(course, zip_path, roster=roster)
    (entry,) = report.entries
    assert entry.status == "matched" and entry.notes == ["name 'Jane Doe' differs from the roster's 'Janet Dough'"]


# --- generic ------------------------------------------------------------------------------------------------------

def test_generic_folders(course, tmp_path):
    zip_path = make_zip(tmp_path / "class.zip", [
        ("class/alice/05_padding.ipynb", notebook("alice 05 new"), {"date_time": LATER}),
        ("class/alice/old/05_padding.ipynb", notebook("alice 05 old"), {"date_time": EARLIER}),
        ("class/alice/.ipynb_checkpoints/05_padding-checkpoint.ipynb", notebook("ckpt"), {"date_time": LATER}),
        ("class/alice/.DS_Store", b"\0"),
        ("class/__MACOSX/alice/._05_padding.ipynb", b"\0"),
        ("class/bob/cnn1d/01_simple_conv1d.ipynb", notebook("bob 01"), {"date_time": EARLIER}),
        ("class/Jane Doe/02_output_size.ipynb", notebook("jane 02")),
        ("class/山田/02_output_size.ipynb", notebook("yamada 02")),
        ("class/README.txt", "read me"),
        ("class/05_padding.ipynb", notebook("whose?")),
    ])
    report = run(course, zip_path)
    assert report.layout == "generic" and report.notes == ["common top folder class/ left out"]
    assert statuses(report) == {
        "class/alice/05_padding.ipynb": ("matched", "alice", "05_padding.ipynb"),
        "class/alice/old/05_padding.ipynb": ("superseded", "alice", "05_padding.ipynb"),
        "class/alice/.ipynb_checkpoints/05_padding-checkpoint.ipynb": ("ignored", "", ""),
        "class/alice/.DS_Store": ("ignored", "", ""),
        "class/__MACOSX/alice/._05_padding.ipynb": ("ignored", "", ""),
        "class/bob/cnn1d/01_simple_conv1d.ipynb": ("matched", "bob", "01_simple_conv1d.ipynb"),
        "class/Jane Doe/02_output_size.ipynb": ("matched", "Jane-Doe", "02_output_size.ipynb"),
        "class/山田/02_output_size.ipynb": ("unmatched", "", "02_output_size.ipynb"),
        "class/README.txt": ("ignored", "", ""),
        "class/05_padding.ipynb": ("unmatched", "", ""),
    }
    assert submitted(course, "alice") == {"05_padding.ipynb": notebook("alice 05 new"),
                                          "timestamp.txt": b"2025-12-03 18:30:00\n"}
    assert (course.submitted_dir / "bob" / "cnn1d" / "timestamp.txt").read_text() == "2025-11-20 09:00:00\n"
    entries = {e.name: e for e in report.entries}
    assert entries["class/alice/05_padding.ipynb"].notes == ["newest of 2: zip entry time 2025-12-03 18:30:00 > "
                                                             "2025-11-20 09:00:00"]
    assert entries["class/Jane Doe/02_output_size.ipynb"].notes == ["student id Jane-Doe made from 'Jane Doe'"]
    assert "gives no usable student id" in entries["class/山田/02_output_size.ipynb"].reason


def test_generic_roster_places_any_folder_name(course, tmp_path):
    roster = write_roster(tmp_path / "r.csv", [("山田", "yamada", "太郎", "山田", "")])
    zip_path = make_zip(tmp_path / "class.zip", [("山田/02_output_size.ipynb", notebook("yamada 02"))])
    report = run(course, zip_path, lms="generic", roster=roster)
    assert outcomes(report) == {"yamada": "collected"}


def test_generic_cp932_names_from_windows(course, tmp_path):
    zip_path = make_zip_raw_names(tmp_path / "win.zip", [("山田/課題/05_padding.ipynb".encode("cp932"), notebook("y"))])
    roster = write_roster(tmp_path / "r.csv", [("山田", "yamada", "", "", "")])
    report = run(course, zip_path, lms="generic", roster=roster)
    (entry,) = report.entries
    assert entry.name == "山田/課題/05_padding.ipynb" and entry.status == "matched"
    assert "name read as Shift_JIS (cp932): the zip did not mark its encoding" in entry.notes


def test_two_accounts_one_student_id_is_a_conflict(course, tmp_path):
    zip_path = make_zip(tmp_path / "c.zip", [("Jane Doe/01_simple_conv1d.ipynb", notebook("a")),
                                             ("Jane-Doe/01_simple_conv1d.ipynb", notebook("b"))])
    report = run(course, zip_path, lms="generic")
    assert outcomes(report) == {"Jane-Doe": "conflict"}
    assert {e.status for e in report.entries} == {"unmatched"}
    assert not (course.submitted_dir / "Jane-Doe").exists()


# --- hostile entries ----------------------------------------------------------------------------------------------

@pytest.mark.filterwarnings("ignore:Duplicate name")
def test_hostile_entries(course, tmp_path):
    bomb = b" " * (20 << 20)  # 20 MiB that deflate to ~20 KiB
    zip_path = make_zip(tmp_path / "hostile.zip", [
        ("alice/05_padding.ipynb", "/etc/passwd", {"mode": stat.S_IFLNK | 0o777}),
        ("/etc/alice/01_simple_conv1d.ipynb", notebook("abs")),
        ("../evil/02_output_size.ipynb", notebook("dotdot")),
        ("alice\\..\\..\\evil.ipynb", notebook("backslash dotdot")),
        ("alice/03_toy_check.ipynb", bomb),
        ("alice/04_conv1d_channels.ipynb/", b"", {"mode": stat.S_IFDIR | 0o755}),
        ("alice/06_minibatch.ipynb", b"", {"mode": stat.S_IFCHR | 0o644}),
        ("alice/notes.pdf", b"%PDF-1.4"),
        ("alice/07_stride.ipynb", b"this is not json"),
        ("alice/08_mnist_classifier.ipynb", notebook("dup 1")),
        ("alice/08_mnist_classifier.ipynb", notebook("dup 2")),
        ("alice/01_simple_conv1d.ipynb", notebook("encrypted"), {"flag_bits": 0x1}),
        ("alice/02_output_size.ipynb", notebook("alice 02")),
        ("alice/nested.zip", b"PK\x05\x06" + b"\0" * 18),
        ("alice/evil\x01name.ipynb", notebook("ctrl")),
    ])
    report = run(course, zip_path, lms="generic")
    got = {e.name: (e.status, e.reason) for e in report.entries}
    assert got == {
        "alice/05_padding.ipynb": ("refused", "symbolic link (never followed or extracted)"),
        "/etc/alice/01_simple_conv1d.ipynb": ("refused", "absolute path"),
        "../evil/02_output_size.ipynb": ("refused", "'..' in the path"),
        "alice/../../evil.ipynb": ("refused", "'..' in the path"),
        "alice/03_toy_check.ipynb": ("refused", f"compression ratio {got['alice/03_toy_check.ipynb'][1].split()[2]} "
                                                "more than 200:1 (a zip bomb?)"),
        "alice/04_conv1d_channels.ipynb/": ("ignored", "a folder named like a notebook"),
        "alice/06_minibatch.ipynb": ("refused", "special file (device, fifo or socket)"),
        "alice/notes.pdf": ("ignored", "not a notebook"),
        "alice/07_stride.ipynb": ("matched", ""),
        "alice/08_mnist_classifier.ipynb": ("refused", "2 entries have this name: which one is meant cannot be told"),
        "alice/01_simple_conv1d.ipynb": ("refused", "encrypted entry"),
        "alice/02_output_size.ipynb": ("matched", ""),
        "alice/nested.zip": ("ignored", "an archive inside the download: not opened (unzip it by hand)"),
        "alice/evil\x01name.ipynb": ("refused", "control character in the name"),
    }
    assert int(got["alice/03_toy_check.ipynb"][1].split()[2].rstrip(":1,")) > 200
    # the notebook that is not JSON is collected, and the same submission check autograde runs says it will score 0
    # (alice is graded on her other notebook)
    not_json = next(e for e in report.entries if e.name == "alice/07_stride.ipynb")
    assert not_json.check.startswith("not valid JSON")
    (alice,) = report.students
    assert alice.outcome == "collected"
    assert alice.check_errors == []
    problems = "\n".join(report.problems)
    assert "alice: 07_stride.ipynb will score 0, the submission check cannot read it: not valid JSON" in problems
    assert "ignored: alice/nested.zip -- an archive inside the download: not opened (unzip it by hand)" in problems
    assert "!! submission check: not valid JSON" in report.to_text()
    # nothing but alice's two notebooks, timestamp and intake record was written anywhere, and no link exists
    written = sorted(str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*") if p.is_file() or p.is_symlink())
    assert [p for p in written if "submitted" in p] == [
        "course/submitted/alice/.intake.json", "course/submitted/alice/cnn1d/02_output_size.ipynb",
        "course/submitted/alice/cnn1d/07_stride.ipynb", "course/submitted/alice/cnn1d/timestamp.txt"]
    assert not any(p.is_symlink() for p in tmp_path.rglob("*"))
    assert not (tmp_path / "evil").exists() and not (tmp_path.parent / "evil").exists()
    assert not list(course.root.glob(".intake-*"))


def test_ten_thousand_entries_refuse_the_zip(course, tmp_path):
    path = tmp_path / "many.zip"
    with zipfile.ZipFile(path, "w") as archive:
        for number in range(10_000):
            archive.writestr(f"s{number}/01_simple_conv1d.ipynb", b"{}")
    report = run(course, path)
    assert report.refused_whole == "10000 entries, more than 5000"
    assert report.entries == [] and report.students == []
    assert report.problems == ["refused whole: 10000 entries, more than 5000"]
    assert list(course.submitted_dir.iterdir()) == []
    assert (course.intake_dir / "report.txt").read_text().count("REFUSED WHOLE") == 1


def test_total_size_limit_refuses_the_zip(course, tmp_path):
    zip_path = make_zip(tmp_path / "big.zip", [("a/01_simple_conv1d.ipynb", notebook("x" * 5000))])
    report = run(course, zip_path, limits=IntakeLimits(max_total_bytes=1000))
    assert report.refused_whole.endswith("bytes uncompressed in all, more than 1000")


def test_not_a_zip(course, tmp_path):
    (tmp_path / "x.zip").write_bytes(b"not a zip")
    with pytest.raises(IntakeError, match="not a readable zip"):
        run(course, tmp_path / "x.zip")


# --- what is already in submitted/ --------------------------------------------------------------------------------

def one_student_zip(path, marker, date_time, user="5550001"):
    return make_zip(path, [(f"doejane_{user}_900_05_padding.ipynb", notebook(marker), {"date_time": date_time})])


def test_same_zip_twice_is_unchanged(course, tmp_path):
    zip_path = one_student_zip(tmp_path / "a.zip", "v1", DOWNLOAD_TIME)
    run(course, zip_path, lms="canvas")
    target = course.submitted_dir / "5550001" / "cnn1d" / "05_padding.ipynb"
    before = target.stat().st_mtime_ns
    report = run(course, zip_path, lms="canvas")
    assert outcomes(report) == {"5550001": "unchanged"}
    assert report.entries[0].reason == "already in submitted/, identical"
    assert target.stat().st_mtime_ns == before and report.ok


def test_newer_resubmission_replaces_older_zip_is_kept_out(course, tmp_path):
    run(course, one_student_zip(tmp_path / "a.zip", "v1", DOWNLOAD_TIME), lms="canvas")
    report = run(course, one_student_zip(tmp_path / "b.zip", "v2", LATER), lms="canvas")
    assert outcomes(report) == {"5550001": "replaced"}
    assert report.students[0].notes == ["their submission timestamped 2025-11-29 10:00:00 replaced"]
    assert submitted(course, "5550001") == {"05_padding.ipynb": notebook("v2"),
                                            "timestamp.txt": b"2025-12-03 18:30:00\n"}
    # collecting the old download again does not bring the old notebook back
    report = run(course, one_student_zip(tmp_path / "a.zip", "v1", DOWNLOAD_TIME), lms="canvas")
    assert outcomes(report) == {"5550001": "kept-existing"}
    assert submitted(course, "5550001")["05_padding.ipynb"] == notebook("v2")
    assert not report.ok and "kept-existing" in report.problems[0]
    report = run(course, one_student_zip(tmp_path / "a.zip", "v1", DOWNLOAD_TIME), lms="canvas", replace_older=True)
    assert outcomes(report) == {"5550001": "replaced"}
    assert submitted(course, "5550001")["05_padding.ipynb"] == notebook("v1")


def test_resubmission_without_a_notebook_lists_it(course, tmp_path):
    zip_path = make_zip(tmp_path / "a.zip", [("doejane_7_1_05_padding.ipynb", notebook("5")),
                                             ("doejane_7_2_06_minibatch.ipynb", notebook("6"))])
    run(course, zip_path, lms="canvas")
    report = run(course, one_student_zip(tmp_path / "b.zip", "5 again", LATER, user="7"), lms="canvas")
    assert report.students[0].dropped == ["06_minibatch.ipynb"]
    assert "no longer submitted: 06_minibatch.ipynb" in report.to_text()


def test_another_accounts_folder_is_never_overwritten(course, tmp_path):
    run(course, one_student_zip(tmp_path / "a.zip", "v1", DOWNLOAD_TIME), lms="canvas")
    intake = course.submitted_dir / "5550001" / ".intake.json"
    record = json.loads(intake.read_text())
    record["lms_id"] = "999"
    intake.write_text(json.dumps(record))
    report = run(course, one_student_zip(tmp_path / "b.zip", "v2", LATER), lms="canvas")
    assert outcomes(report) == {"5550001": "conflict"}
    assert "holds the submission of canvas account 999" in report.students[0].notes[0]
    assert submitted(course, "5550001")["05_padding.ipynb"] == notebook("v1")


def test_hand_placed_folder_is_replaced_with_a_note(course, tmp_path):
    folder = course.submitted_dir / "5550001" / "cnn1d"
    folder.mkdir(parents=True)
    (folder / "05_padding.ipynb").write_bytes(notebook("by hand"))
    report = run(course, one_student_zip(tmp_path / "b.zip", "v2", LATER), lms="canvas")
    assert outcomes(report) == {"5550001": "replaced"}
    assert report.students[0].notes == ["replaced a folder that was not made by an intake (no .intake.json)"]


def test_a_failed_rename_leaves_the_old_folder(course, tmp_path, monkeypatch):
    run(course, one_student_zip(tmp_path / "a.zip", "v1", DOWNLOAD_TIME), lms="canvas")
    real_rename = os.rename

    def rename(source, target):
        if str(target).endswith("/submitted/5550001") and ".previous" not in str(source):
            raise OSError("disk full")
        return real_rename(source, target)

    monkeypatch.setattr(staging.os, "rename", rename)
    report = run(course, one_student_zip(tmp_path / "b.zip", "v2", LATER), lms="canvas")
    assert outcomes(report) == {"5550001": "failed"}
    assert submitted(course, "5550001")["05_padding.ipynb"] == notebook("v1")
    assert not list(course.root.glob(".intake-*")) and not report.ok


def test_autograde_lock_stops_collect(course, tmp_path):
    course.lock.write_text("123")
    with pytest.raises(IntakeError, match="a collect or autograde is running"):
        run(course, one_student_zip(tmp_path / "a.zip", "v1", DOWNLOAD_TIME), lms="canvas")
    assert list(course.submitted_dir.iterdir()) == []


def test_dry_run_writes_nothing(course, tmp_path):
    report = run(course, canvas_zip(tmp_path / "canvas.zip"), dry_run=True)
    assert set(outcomes(report).values()) == {"collected"}
    assert list(course.submitted_dir.iterdir()) == []


# --- the roster, the gradebook, the reports, the command ----------------------------------------------------------

def test_roster_tolerates_bom_case_extra_columns(tmp_path):
    path = write_roster(tmp_path / "r.csv", [("Section A", "101", "jane.doe", "Jane", "Doe", "j@x.org")],
                        header="Section,LMS ID,Student_ID,First Name,LAST NAME,E-mail", bom=True)
    roster = read_roster(path)
    assert roster.entries == [RosterEntry("101", "jane.doe", "Jane", "Doe", "j@x.org")]
    other_names = write_roster(tmp_path / "o.csv", [("Participant 1234567", "s1", "A", "B", "a@b.c")],
                               header="Participant ID,Student Number,Given Name,Surname,Email Address")
    assert read_roster(other_names).entries == [RosterEntry("1234567", "s1", "A", "B", "a@b.c")]
    semicolons = tmp_path / "s.csv"
    semicolons.write_text("lms_id;student_id;first_name;last_name;email\n7;s7;A;B;a@b.c\n")
    assert read_roster(semicolons).by_lms_id["7"].student_id == "s7"


@pytest.mark.parametrize("rows, message", [
    ([("1", "a"), ("1", "b")], "lms_id 1 already on line 2"),
    ([("1", "a"), ("2", "a")], "student_id a already on line 2"),
    ([("1", "bad id")], "is not a valid nbgrader id"),
    ([("", "a"), ("", "a")], "student_id a already on line 2"),
])
def test_roster_errors(tmp_path, rows, message):
    path = write_roster(tmp_path / "r.csv", [row + ("", "", "") for row in rows])
    with pytest.raises(RosterError, match=message):
        read_roster(path)


def test_roster_needs_its_columns(tmp_path):
    path = write_roster(tmp_path / "r.csv", [("1", "a")], header="id,name")
    with pytest.raises(RosterError, match="no column student_id"):
        read_roster(path)


def test_a_roster_without_lms_ids_cannot_collect_a_zip(course, tmp_path):
    """A hub class's roster (no LMS) names students, but cannot say whose file is whose in a download."""
    roster = write_roster(tmp_path / "r.csv", [("", "jane.doe", "Jane", "Doe", "")])
    assert read_roster(roster).by_student["jane.doe"].full_name == "Jane Doe"
    with pytest.raises(IntakeError, match="has no lms_id"):
        run(course, one_student_zip(tmp_path / "a.zip", "v1", DOWNLOAD_TIME), lms="canvas", roster=roster)


def test_names_go_into_the_gradebook(tmp_path, monkeypatch):
    from nbgrader.api import Gradebook

    # nbgrader runs the alembic command when it creates a gradebook
    monkeypatch.setenv("PATH", f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}")

    roster = read_roster(write_roster(tmp_path / "r.csv", CANVAS_ROSTER))
    gradebook = tmp_path / "gradebook.db"
    with Gradebook(f"sqlite:///{gradebook}", "cnn1d-scratch") as book:
        book.add_student("jane.doe")  # already there with no name, as autograde creates students
    assert write_names(gradebook, roster.entries) == 4
    with Gradebook(f"sqlite:///{gradebook}", "cnn1d-scratch") as book:
        students = {s.id: (s.first_name, s.last_name, s.email, s.lms_user_id) for s in book.students}
    assert students["jane.doe"] == ("Jane", "Doe", "jane@example.org", "5550001")
    assert students["juergen"] == ("Jürgen", "Müller", "jm@example.org", "5550003")


def test_report_files(course, tmp_path):
    report = run(course, canvas_zip(tmp_path / "canvas.zip"))
    with (course.intake_dir / "report.csv").open(newline="", encoding="utf-8") as file:
        rows = list(csv.DictReader(file))
    assert len(rows) == len(report.entries) == 13
    assert {row["status"] for row in rows} == {"matched", "resolved", "superseded", "ignored", "unresolved"}
    data = json.loads((course.intake_dir / "report.json").read_text(encoding="utf-8"))
    assert data["problems"] == report.problems and len(data["students"]) == 4
    text = (course.intake_dir / "report.txt").read_text(encoding="utf-8")
    assert "13 files: 3 matched, 5 resolved, 2 superseded, 1 unresolved, 2 ignored" in text


@pytest.mark.parametrize("builder, expected", [(canvas_zip, "canvas"), (moodle_zip, "moodle")])
def test_layout_detection(tmp_path, builder, expected):
    with zipfile.ZipFile(builder(tmp_path / "z.zip")) as archive:
        assert detect_lms(archive.namelist()) == expected
    assert detect_lms(["alice/05_padding.ipynb", "bob/01_simple_conv1d.ipynb"]) == "generic"


def test_command(course, tmp_path, capsys):
    roster = write_roster(tmp_path / "roster.csv", CANVAS_ROSTER)
    zip_path = canvas_zip(tmp_path / "canvas.zip")
    status = collect.main([str(zip_path), "--course-dir", str(course.root), "--roster", str(roster),
                           "--report", str(tmp_path / "r")])
    assert status == 1  # the unresolved 05_padding_v2.ipynb asks for a look
    out = capsys.readouterr().out
    assert "TO LOOK AT (1)" in out and (tmp_path / "r.json").is_file()
    assert sorted(p.name for p in course.submitted_dir.iterdir()) == ["bob.smith", "jane.doe", "jane.doe2", "juergen"]
    assert course.roster_csv.read_bytes() == roster.read_bytes()  # for make export-lms
