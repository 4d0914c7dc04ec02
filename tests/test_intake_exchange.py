"""make collect-exchange: submissions in nbgrader's exchange, as `nbgrader submit` leaves them, into submitted/.

Submission folders are made here the way nbgrader submit makes them (<student>+cnn1d+<time>+<random>, with
timestamp.txt and submission_secret.txt), owned by the account running the test: that account is the student whose
submissions are collected; a folder naming anyone else is another account's claim and must be refused. The hub test
(test_hub_e2e.py) runs the real nbgrader submit / fetch_feedback by real students.
"""

import json
import os
import pwd

import pytest
from intake_zips import notebook, stand_in_course

from autograde.intake.exchange import ExchangeCollect, exchange_root, parse_folder_name
from autograde.intake.staging import IntakeError
from autograde.settings import COURSE_ID, EXCHANGE_ROOT_ENV, HUB_EXCHANGE_ROOT

ME = pwd.getpwuid(os.getuid()).pw_name
SECRET = "ab" * 64
EARLY, LATE = "2025-12-01 09:00:00.000001 UTC", "2025-12-02 18:30:00.123456 UTC"


@pytest.fixture
def course(tmp_path, monkeypatch):
    monkeypatch.setenv(EXCHANGE_ROOT_ENV, str(tmp_path / "exchange"))
    (tmp_path / "exchange" / COURSE_ID / "inbound").mkdir(parents=True)
    return stand_in_course(tmp_path)


def inbound(course):
    return exchange_root(course) / COURSE_ID / "inbound"


def submit(course, files: dict, student=ME, timestamp=LATE, suffix="x1y2", secret=SECRET):
    folder = inbound(course) / f"{student}+cnn1d+{timestamp}+{suffix}"
    folder.mkdir()
    for name, data in files.items():
        (folder / name).write_bytes(data)
    (folder / "timestamp.txt").write_text(timestamp)
    if secret is not None:
        (folder / "submission_secret.txt").write_text(secret)
    return folder


def collect(course, **options):
    return ExchangeCollect(course, **options).run()


def statuses(report):
    return {entry.name.split("/", 1)[-1] if "/" in entry.name else entry.name: (entry.status, entry.reason)
            for entry in report.entries}


def test_the_latest_submission_is_collected_with_nbgrader_files(course):
    submit(course, {"01_simple_conv1d.ipynb": notebook("first")}, timestamp=EARLY, suffix="aaa")
    newest = submit(course, {"01_simple_conv1d.ipynb": notebook("second"), "05_padding.ipynb": notebook("five")})
    report = collect(course)
    assert report.ok, report.problems
    (result,) = report.students
    assert (result.student, result.outcome, result.timestamp) == (ME, "collected", LATE)
    folder = course.submission_dir(ME)
    assert (folder / "01_simple_conv1d.ipynb").read_bytes() == notebook("second")
    assert (folder / "timestamp.txt").read_text().strip() == LATE  # as nbgrader wrote it: autograde reads it
    assert (folder / "submission_secret.txt").read_text() == SECRET  # release_feedback names the feedback after it
    assert sorted(p.name for p in folder.iterdir()) == ["01_simple_conv1d.ipynb", "05_padding.ipynb",
                                                        "submission_secret.txt", "timestamp.txt"]
    intake = json.loads((course.submitted_dir / ME / ".intake.json").read_text())
    assert (intake["lms"], intake["lms_id"]) == ("exchange", ME)
    assert intake["notebooks"]["05_padding.ipynb"]["inbound"] == newest.name
    older = [e for e in report.entries if e.status == "superseded"]
    assert [e.name for e in older] == [f"{ME}+cnn1d+{EARLY}+aaa"]
    # collecting again changes nothing; a newer submission replaces the folder
    assert collect(course).students[0].outcome == "unchanged"
    submit(course, {"01_simple_conv1d.ipynb": notebook("third")}, timestamp="2025-12-03 08:00:00.5 UTC",
           suffix="zzz")
    again = collect(course)
    assert again.students[0].outcome == "replaced" and again.students[0].dropped == ["05_padding.ipynb"]
    assert (folder / "01_simple_conv1d.ipynb").read_bytes() == notebook("third")


def test_a_submission_in_another_students_name_is_refused(course):
    """nbgrader collect only warns ("cheating attempt?") and takes the folder's name; here it is never collected."""
    forged = submit(course, {"01_simple_conv1d.ipynb": notebook("forged")}, student="alice")
    report = collect(course)
    assert statuses(report)[forged.name] == (
        "refused", f"claims to be alice's submission but belongs to {ME}: never collected")
    assert not (course.submitted_dir / "alice").exists() and not report.ok


def test_links_special_files_and_odd_names(course, tmp_path):
    outside = tmp_path / "instructor_secret.ipynb"
    outside.write_bytes(notebook("solutions"))
    folder = submit(course, {"01_simple_conv1d.ipynb": notebook("exact"),
                             "01_simple_conv1d-Copy1.ipynb": notebook("copy"),
                             "03_toy_check-Copy1.ipynb": notebook("only a copy"),
                             "05_padding_v2.ipynb": notebook("near"),
                             "notes.txt": b"hello"})
    (folder / "02_output_size.ipynb").symlink_to(outside)
    os.link(outside, folder / "04_conv1d_channels.ipynb")
    os.mkfifo(folder / "06_minibatch.ipynb")
    (folder / "07_stride.ipynb").mkdir()
    (inbound(course) / f"{ME}+cnn1d+2030-01-01 00:00:00 UTC+lnk").symlink_to(folder)
    (inbound(course) / f"{ME}+other_assignment+{LATE}+q").mkdir()
    report = collect(course)
    got = statuses(report)
    assert got["01_simple_conv1d.ipynb"] == ("matched", "")
    assert got["01_simple_conv1d-Copy1.ipynb"] == ("superseded", f"{folder.name}/01_simple_conv1d.ipynb is newer")
    assert got["03_toy_check-Copy1.ipynb"] == ("resolved", "")
    assert got["05_padding_v2.ipynb"][0] == "unresolved"
    assert got["notes.txt"] == ("ignored", "not a notebook")
    assert got["02_output_size.ipynb"] == ("refused", "symbolic link (never followed)")
    assert got["06_minibatch.ipynb"] == ("refused", "special file (device, fifo or socket)")
    assert got["07_stride.ipynb"] == ("ignored", "a folder inside the submission")
    assert got["04_conv1d_channels.ipynb"] == ("refused",
                                               "unreadable: a hard link (the file has other names elsewhere)")
    assert got[f"{ME}+cnn1d+2030-01-01 00:00:00 UTC+lnk"] == ("refused", "symbolic link (never followed)")
    assert got[f"{ME}+other_assignment+{LATE}+q"] == ("ignored", "assignment other_assignment, not ours")
    collected = course.submission_dir(ME)
    assert sorted(p.name for p in collected.glob("*.ipynb")) == ["01_simple_conv1d.ipynb", "03_toy_check.ipynb"]
    assert (collected / "01_simple_conv1d.ipynb").read_bytes() == notebook("exact")
    assert not any(p.is_symlink() for p in course.root.rglob("*"))


def test_oversized_notebook_and_bad_secret(course):
    from autograde.settings import IntakeLimits

    submit(course, {"01_simple_conv1d.ipynb": notebook("x" * 5000), "02_output_size.ipynb": notebook("ok")},
           secret="not a secret; rm -rf /")
    report = ExchangeCollect(course, limits=IntakeLimits(max_file_bytes=2000)).run()
    got = statuses(report)
    assert got["01_simple_conv1d.ipynb"][0] == "refused" and "more than 2000" in got["01_simple_conv1d.ipynb"][1]
    assert "submission_secret.txt is not nbgrader's: left out" in "; ".join(report.students[0].notes)
    assert not (course.submission_dir(ME) / "submission_secret.txt").exists()


def test_exchange_root(tmp_path):
    from autograde.course import Course

    course = Course(tmp_path / "c")
    assert exchange_root(course, {EXCHANGE_ROOT_ENV: "/x/y"}).as_posix() == "/x/y"
    if not os.path.isdir(HUB_EXCHANGE_ROOT):
        assert exchange_root(course, {}) == course.local_exchange


def test_nothing_to_collect_from(tmp_path, monkeypatch):
    monkeypatch.setenv(EXCHANGE_ROOT_ENV, str(tmp_path / "nowhere"))
    with pytest.raises(IntakeError, match="make release-exchange"):
        collect(stand_in_course(tmp_path))


@pytest.mark.parametrize("name, parsed", [
    ("aoki+cnn1d+2025-12-01 09:00:00.5 UTC+Zm9v", ("aoki", "cnn1d", "2025-12-01 09:00:00.5 UTC")),
    ("a+b+cnn1d+t+r", ("a+b", "cnn1d", "t")),
    ("aoki+cnn1d+t", ("aoki", "cnn1d", "t")),
    ("aoki", None),
])
def test_folder_names(name, parsed):
    assert parse_folder_name(name) == parsed


def test_feedback_goes_back_through_the_exchange_only_to_who_came_through_it(course, monkeypatch, capsys):
    """A student collected from a zip has no submission secret: release_feedback would fail for the whole class."""
    from autograde.intake import exchange

    for student, secret in (("aoki", True), ("brown", True), ("zipped", False)):
        folder = course.feedback_dir / student / "cnn1d"
        folder.mkdir(parents=True)
        (folder / "01_simple_conv1d.html").write_text("<html/>")
        if secret:
            (folder / "submission_secret.txt").write_text(SECRET)
    calls = []
    monkeypatch.setattr(exchange, "make_feedback", lambda course: True)
    monkeypatch.setattr(exchange, "nbgrader_exchange", lambda course, *args: calls.append(args) or "ok")
    assert exchange.return_feedback(course, [])
    assert calls == [("release_feedback", "cnn1d", "--CourseDirectory.student_id_exclude=zipped")]
    assert "zipped did not submit through the exchange" in capsys.readouterr().out
    assert exchange.return_feedback(course, ["brown"])
    assert calls[-1] == ("release_feedback", "cnn1d", "--CourseDirectory.student_id_exclude=aoki,zipped")
    assert not exchange.return_feedback(course, ["zipped"])  # nothing to release through the exchange
