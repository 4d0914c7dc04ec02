"""The intake reads only regular files of a submission, never follows or opens anything else, and grades a copy.

autograde/grade/submission_check.py (what may be read, is it gradable), intake.py (the copies nbgrader and the
scan read). A submission with nothing to grade is refused with the reason; a notebook that cannot be read scores 0
and is flagged; links, fifos, devices and hard links are reported and flagged, never read.
"""

import json
import os
import shutil
import threading

import nbformat
import pytest

from autograde.course import NOTEBOOKS_DIR, Course
from autograde.grade.intake import take_in
from autograde.grade.submission_check import check_submission, tree_digest
from autograde.settings import MAX_NOTEBOOK_VALUES

RELEASED = ["01_simple_conv1d.ipynb", "02_output_size.ipynb"]


def submission(tmp_path, files):
    folder = tmp_path / "alice" / "cnn1d"
    folder.mkdir(parents=True)
    for name, text in files.items():
        if text is None:
            shutil.copyfile(NOTEBOOKS_DIR / "01_simple_conv1d.ipynb", folder / name)
        else:
            (folder / name).write_text(text)
    return folder


def rules(check) -> list[tuple[str, str]]:
    return [(flag.notebook, flag.rule) for flag in check.flags]


def test_complete_submission_is_clean(tmp_path):
    check = check_submission("alice", submission(tmp_path, dict.fromkeys(RELEASED)), RELEASED)
    assert (check.errors, check.warnings, check.flags) == ([], [], [])
    assert sorted(check.notebooks) == RELEASED


def test_missing_and_extra_files_are_warnings(tmp_path):
    folder = submission(tmp_path, {"01_simple_conv1d.ipynb": None, "01_simple_conv1d-Copy1.ipynb": None,
                                   "notes.txt": "mine"})
    (folder / ".ipynb_checkpoints").mkdir()
    check = check_submission("bob", folder, RELEASED)
    assert (check.errors, check.flags) == ([], [])
    assert check.warnings == ["02_output_size.ipynb not submitted: it scores 0",
                              "folder .ipynb_checkpoints/ is not part of the assignment: ignored",
                              "01_simple_conv1d-Copy1.ipynb is not part of the assignment: ignored",
                              "notes.txt is not part of the assignment: ignored"]


def test_broken_notebooks_score_zero_with_the_reason(tmp_path):
    folder = submission(tmp_path, {"01_simple_conv1d.ipynb": '{"cells": [', "02_output_size.ipynb": '{"a": 1}'})
    check = check_submission("carol", folder, RELEASED)
    assert check.errors == [f"no readable notebook of the assignment in {folder}"] and check.notebooks == {}
    assert check.warnings == ["01_simple_conv1d.ipynb: not valid JSON (line 1, column 12: Expecting value): not "
                              "graded, it scores 0",
                              "02_output_size.ipynb: not a Jupyter notebook in format 4: not graded, it scores 0"]
    assert rules(check) == [("01_simple_conv1d", "unreadable-notebook"), ("02_output_size", "unreadable-notebook")]


def test_notebooks_too_costly_to_parse_are_not_parsed(tmp_path):
    """50 MB of tiny JSON values would take GiBs and minutes to parse: refused from a count made without parsing."""
    values = {"nbformat": 4, "nbformat_minor": 5, "metadata": {"x": [[0]] * MAX_NOTEBOOK_VALUES}, "cells": []}
    lines = {"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [
        {"cell_type": "code", "id": "a", "metadata": {}, "outputs": [], "execution_count": None,
         "source": ["ab"] * MAX_NOTEBOOK_VALUES}]}
    folder = submission(tmp_path, {RELEASED[0]: json.dumps(values), RELEASED[1]: json.dumps(lines),
                                   "03_toy_check.ipynb": None})
    check = check_submission("dan", folder, RELEASED + ["03_toy_check.ipynb"])
    assert check.errors == [] and list(check.notebooks) == ["03_toy_check.ipynb"]
    assert rules(check) == [("01_simple_conv1d", "unreadable-notebook"), ("02_output_size", "unreadable-notebook")]
    assert all("JSON values" in flag.text for flag in check.flags)


def test_nothing_to_grade_and_bad_ids_are_errors(tmp_path):
    folder = submission(tmp_path, {"notes.txt": "no notebook"})
    assert check_submission("dave", folder, RELEASED).errors == [f"no notebook in {folder}"]
    assert "cannot use" in check_submission("../eve", folder, RELEASED).errors[0]
    assert check_submission("frank", tmp_path / "x" / "nothing", RELEASED).errors == \
        [f"no folder {tmp_path / 'x'}"]


def test_a_linked_submission_folder_is_not_followed(tmp_path):
    folder = submission(tmp_path, dict.fromkeys(RELEASED))
    (tmp_path / "mallory").mkdir()
    (tmp_path / "mallory" / "cnn1d").symlink_to(folder)
    (tmp_path / "oscar").symlink_to(folder.parent)
    assert "is a symbolic link" in check_submission("mallory", tmp_path / "mallory" / "cnn1d", RELEASED).errors[0]
    assert "is a symbolic link" in check_submission("oscar", tmp_path / "oscar" / "cnn1d", RELEASED).errors[0]


@pytest.fixture
def outside(tmp_path):
    """Files outside the submission a student would like the grader to read: a solution module, a gradebook."""
    elsewhere = tmp_path / "course"
    elsewhere.mkdir()
    (elsewhere / "p7_stride.py").write_text("SOLUTION = 'secret'\n")
    (elsewhere / "gradebook.db").write_bytes(b"SQLite format 3\0")
    return elsewhere


def test_links_fifos_devices_and_hard_links_are_never_opened(tmp_path, outside):
    """Each special entry is flagged; a released notebook that is one scores 0. Reading a fifo would block and a
    device could do anything: the whole check runs in a thread that must finish at once."""
    folder = submission(tmp_path, {})
    (folder / RELEASED[0]).symlink_to(NOTEBOOKS_DIR / RELEASED[0])  # a valid notebook, but through a link
    os.mkfifo(folder / RELEASED[1])
    (folder / "solution.py").symlink_to(outside / "p7_stride.py")
    (folder / "status").symlink_to("/proc/self/status")
    os.link(outside / "gradebook.db", folder / "gradebook.db")
    os.mkfifo(folder / "timestamp.txt")
    shutil.copyfile(NOTEBOOKS_DIR / RELEASED[0], folder / "03_toy_check.ipynb")
    os.link(folder / "03_toy_check.ipynb", tmp_path / "second-name.ipynb")  # a hard link from outside
    devices = []
    if os.geteuid() == 0:
        os.mknod(folder / "tty", 0o600 | 0o020000, os.makedev(5, 0))  # /dev/tty: opening it could block or act
        devices = [("tty", "not-a-regular-file")]
    result = []
    thread = threading.Thread(target=lambda: result.append(check_submission("grace", folder,
                                                                            RELEASED + ["03_toy_check.ipynb"])))
    thread.start()
    thread.join(timeout=20)
    assert result, "the check blocked on a special file"
    check = result[0]
    assert check.errors == [f"no readable notebook of the assignment in {folder}"]
    assert check.notebooks == {} and check.nbgrader_files == {}
    assert sorted(rules(check)) == sorted([("01_simple_conv1d", "not-a-regular-file"),
                                           ("02_output_size", "not-a-regular-file"),
                                           ("03_toy_check", "not-a-regular-file"),
                                           ("gradebook.db", "not-a-regular-file"),
                                           ("solution.py", "not-a-regular-file"), ("status", "not-a-regular-file"),
                                           ("timestamp.txt", "not-a-regular-file"), *devices])
    texts = " ".join(flag.text for flag in check.flags)
    assert "symbolic link" in texts and "fifo" in texts and "hard link" in texts
    assert "01_simple_conv1d.ipynb is a symbolic link" in " ".join(check.warnings)


def test_digest_reads_only_regular_files(tmp_path, outside):
    """A link to a file that changes (the gradebook, a /proc file), a hard link to it, a fifo: the digest neither
    follows nor opens them, so they cannot make a run fail with "files in submitted changed"."""
    folder = submission(tmp_path, dict.fromkeys(RELEASED))
    (folder / "gradebook").symlink_to(outside / "gradebook.db")
    (folder / "status").symlink_to("/proc/self/stat")
    os.link(outside / "gradebook.db", folder / "hard.db")
    os.mkfifo(folder / "pipe")
    before = tree_digest(tmp_path / "alice")
    (outside / "gradebook.db").write_bytes(b"changed by the merge")
    assert tree_digest(tmp_path / "alice") == before
    (folder / RELEASED[1]).write_text("{}")
    assert [key for key in before if before[key] != tree_digest(tmp_path / "alice")[key]] == \
        [f"cnn1d/{RELEASED[1]}"]


def test_nbgrader_files(tmp_path):
    """timestamp.txt and submission_secret.txt, the two files nbgrader needs beside the notebooks, if valid."""
    secret = "0123456789abcdef" * 8
    folder = submission(tmp_path, {RELEASED[0]: None, "timestamp.txt": "2026-01-31 12:00:00.000000 UTC",
                                   "submission_secret.txt": secret})
    assert check_submission("heidi", folder, RELEASED).nbgrader_files == {
        "timestamp.txt": b"2026-01-31 12:00:00.000000 UTC", "submission_secret.txt": secret.encode()}
    (folder / "timestamp.txt").write_text("yesterday")  # nbgrader would fail the whole student on it
    (folder / "submission_secret.txt").write_text("<script>")
    check = check_submission("heidi", folder, RELEASED)
    assert check.nbgrader_files == {}
    assert [warning.split(" (")[0].split(",")[0] for warning in check.warnings] == [
        "02_output_size.ipynb not submitted: it scores 0", "submission_secret.txt is not nbgrader's hex secret",
        "timestamp.txt is not a valid time"]


def test_intake_copies_only_what_it_read(tmp_path, outside):
    """to_grade/<student>/cnn1d (graded by nbgrader) has the rebuilt released notebooks and timestamp.txt only;
    to_grade/<student>/received has the notebooks byte for byte; submitted/ is untouched."""
    course = Course(tmp_path / "course")
    course.release_dir.mkdir(parents=True)
    for name in RELEASED:
        shutil.copyfile(NOTEBOOKS_DIR / name, course.release_dir / name)
    folder = course.submission_dir("ivan")
    folder.mkdir(parents=True)
    shutil.copyfile(NOTEBOOKS_DIR / RELEASED[0], folder / RELEASED[0])
    (folder / RELEASED[1]).symlink_to(NOTEBOOKS_DIR / RELEASED[1])
    (folder / "solution.py").symlink_to(outside / "p7_stride.py")
    (folder / "extra.py").write_text("x = 1\n")
    (folder / "timestamp.txt").write_text("2026-01-31 12:00:00 UTC\n")
    before = tree_digest(course.submitted_dir)
    for _ in range(2):  # again: the old copy is replaced
        intake = take_in(course, "ivan")
    assert tree_digest(course.submitted_dir) == before
    assert sorted(path.name for path in intake.graded.iterdir()) == [RELEASED[0], "timestamp.txt"]
    assert sorted(path.name for path in intake.received.iterdir()) == [RELEASED[0]]
    assert (intake.received / RELEASED[0]).read_bytes() == (folder / RELEASED[0]).read_bytes()
    graded = nbformat.read(intake.graded / RELEASED[0], as_version=4)
    nbformat.validate(graded)
    assert sorted(path.name for path in course.to_grade_dir.iterdir()) == ["ivan"]
    assert [flag.rule for flag in intake.flags] == ["not-a-regular-file"] * 2
