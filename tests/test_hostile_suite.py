"""The hostile demo students (autograde/demo_class/hostile_attacks.py) graded with the honest three in one run.

One parallel autograde of a temporary course (shorter sandbox limits via $CNN1D_SANDBOX_LIMITS), then: every attack
scores exactly what its wrong implementation deserves (its targeted grade cells 0, the rest full) and is flagged
with its rule on its line; grading finished for every student; the honest students score what they always do; the
gradebook is intact; no submission changed; nothing was planted outside the sandbox; no connection reached the
grader's loopback; the feedback of a stopped notebook says why. Needs bubblewrap (`make install` / .ci/run install
it); without it the run refuses to grade and these tests fail.
"""

import json
import os
import socket
import sqlite3
import threading
from pathlib import Path
from types import SimpleNamespace

import nbformat
import pytest

from autograde.build.release import release
from autograde.course import ASSIGNMENT, REPO, Course
from autograde.demo_class.hostile_attacks import ATTACK_PORT, ATTACKS
from autograde.demo_class.make_submissions import DEMO_STUDENTS, make_demo_class
from autograde.grade.cli import grade
from autograde.grade.gradebook import integrity_problems
from autograde.grade.submission_check import NBGRADER_FILES, tree_digest
from autograde.report.feedback import make_feedback, visible_text
from autograde.report.grades import read_scores
from autograde.scan.flags import read_flags

pytestmark = pytest.mark.slow

# short enough for the infinite loop to cost 90 s, long enough for notebook 8's reference on a loaded machine
LIMITS = {"cell_timeout": 30, "notebook_timeout": 90, "memory_bytes": 1536 << 20}
IDS = [attack.student for attack in ATTACKS]


class Accomplice:
    """A TCP listener on the grader's loopback: the local-socket attack must never reach it."""

    def __init__(self, port: int):
        self.server = socket.create_server(("127.0.0.1", port))
        self.server.settimeout(0.5)
        self.connections = []
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self.serve, daemon=True)
        self.thread.start()

    def serve(self):
        while not self.stopped.is_set():
            try:
                connection, address = self.server.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self.connections.append(address)
            connection.close()

    def close(self):
        self.stopped.set()
        self.thread.join(timeout=5)
        self.server.close()


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    root = tmp_path_factory.mktemp("hostile")
    (root / "data").symlink_to(REPO / "data")
    course = Course(root / "course")
    assert release(course), "make release failed"
    log = make_demo_class(course, hostile=True)
    assert not [line for line in log if line.startswith("warning")], log
    # files the gradebook attack deletes (gradebook.db, *canary*) where it would look if it got out of the sandbox
    canaries = [course.root / "canary.db", REPO / f".hostile-canary-{os.getpid()}.db",
                Path(f"/tmp/hostile-canary-{os.getpid()}.db")]
    for canary in canaries:
        canary.write_text("untouched")
    before = tree_digest(course.submitted_dir)
    accomplice = Accomplice(ATTACK_PORT)
    patch = pytest.MonkeyPatch()
    patch.setenv("CNN1D_SANDBOX_LIMITS", json.dumps(LIMITS))
    try:
        failed = grade(course, force=True, workers=2)
    finally:
        patch.undo()
        accomplice.close()
        canaries_after = {canary: canary.is_file() and canary.read_text() for canary in canaries}
        for canary in canaries[1:]:
            canary.unlink(missing_ok=True)
    feedback_ok = make_feedback(course)
    return SimpleNamespace(course=course, failed=failed, scores=read_scores(course), flags=read_flags(course),
                           submitted_before=before, submitted_after=tree_digest(course.submitted_dir),
                           canaries=canaries_after, connections=accomplice.connections, feedback_ok=feedback_ok,
                           root=root)


def points(scores, student, notebook):
    return {t.grade_id: (t.score, t.points) for t in scores.get(student, {}).get(notebook, [])}


def test_every_student_was_graded(hostile):
    assert hostile.failed == 0
    assert set(DEMO_STUDENTS) | set(IDS) <= set(hostile.scores)


@pytest.mark.parametrize("attack", [a for a in ATTACKS if a.flagged], ids=[a.student for a in ATTACKS if a.flagged])
def test_attack_is_flagged(hostile, attack):
    """Flags that are not on a line of code: links and special files, metadata and structure edits."""
    flags = hostile.flags.get(attack.student, [])
    for rule, text in attack.flagged:
        assert [flag for flag in flags if flag.rule == rule and text in flag.text], \
            f"{attack.student}: no {rule} flag with {text!r}; flags: {flags}"


def test_only_notebooks_reach_autograded_and_feedback(hostile):
    """Extra files, links, fifos and devices of a submission are never copied: autograded/ and feedback/ hold the
    notebooks (and nbgrader's timestamp.txt), as regular files, for every student."""
    course = hostile.course
    for top in (course.autograded_dir, course.feedback_dir, course.to_grade_dir):
        for path in top.rglob("*"):
            assert not path.is_symlink() and (path.is_dir() or path.is_file()), path
            if path.is_file() and top != course.to_grade_dir:
                assert path.suffix in (".ipynb", ".html") or path.name in NBGRADER_FILES, path
    copied = [path for path in course.autograded_dir.rglob("*") if path.name in ("p7_stride.py", "solutions")]
    assert copied == []


@pytest.mark.parametrize("attack", ATTACKS, ids=IDS)
def test_attack_scores_only_what_its_wrong_code_deserves(hostile, attack):
    notebooks = [path.stem for path in hostile.course.submission_dir(attack.student).glob("*.ipynb")]
    assert attack.notebook in notebooks
    for notebook in notebooks:
        got = points(hostile.scores, attack.student, notebook)
        lost = attack.lost if notebook == attack.notebook else {}
        assert got, f"{attack.student}: no grades for {notebook}"
        assert set(lost) <= set(got), f"unknown grade cells in {attack.student}.lost: {set(lost) - set(got)}"
        expected = {grade_id: (0.0 if grade_id in lost else maximum, maximum) for grade_id, (_, maximum) in got.items()}
        assert got == expected, f"{attack.student} ({attack.tries}), {notebook}"
        assert {grade_id: maximum for grade_id, (_, maximum) in got.items() if grade_id in lost} == lost


@pytest.mark.parametrize("attack", [a for a in ATTACKS if a.flags], ids=[a.student for a in ATTACKS if a.flags])
def test_attack_is_flagged_on_its_line(hostile, attack):
    notebook = nbformat.read(hostile.course.submission_dir(attack.student) / f"{attack.notebook}.ipynb", 4)
    flags = hostile.flags.get(attack.student, [])
    for rule, text in attack.flags:
        where = [(index, number) for index, cell in enumerate(notebook.cells) if cell.cell_type == "code"
                 for number, line in enumerate(cell.source.splitlines(), 1) if text in line]
        assert where, f"{attack.student}: the attack's line {text!r} is not in its notebook"
        found = {(flag.cell, flag.line) for flag in flags if flag.rule == rule and flag.notebook == attack.notebook}
        assert found & set(where), f"{attack.student}: no {rule} flag on {text!r} at {where}; flags: {flags}"


def test_honest_students_score_as_always(hostile):
    from test_pipeline_end_to_end import PARTIAL_LOST

    for notebook in PARTIAL_LOST:
        reference = points(hostile.scores, "reference", notebook)
        assert reference and all(score == maximum for score, maximum in reference.values()), reference
        blank = points(hostile.scores, "blank", notebook)
        assert blank and all(score == 0 for score, _ in blank.values()), blank
        partial = points(hostile.scores, "partial", notebook)
        lost = PARTIAL_LOST[notebook]
        assert partial == {g: (0.0 if g in lost else m, m) for g, (_, m) in partial.items()}, notebook


def test_gradebook_intact(hostile):
    assert integrity_problems(hostile.course.gradebook) == []
    with sqlite3.connect(hostile.course.gradebook) as connection:
        students = {row[0] for row in connection.execute("SELECT id FROM student")}
    connection.close()
    assert set(DEMO_STUDENTS) | set(IDS) <= students


def test_no_submission_changed_and_nothing_planted(hostile):
    assert hostile.submitted_after == hostile.submitted_before
    assert hostile.canaries == {canary: "untouched" for canary in hostile.canaries}
    assert not list(hostile.root.rglob("planted.txt"))


def test_no_connection_reached_the_graders_loopback(hostile):
    assert hostile.connections == []


def test_output_flood_is_capped(hostile):
    graded = hostile.course.autograded_dir / "hostile-output-flood" / ASSIGNMENT / "07_stride.ipynb"
    assert graded.stat().st_size < 20 << 20


@pytest.mark.parametrize("attack", [a for a in ATTACKS if a.stops_kernel],
                         ids=[a.student for a in ATTACKS if a.stops_kernel])
def test_feedback_of_a_stopped_notebook_says_why(hostile, attack):
    assert hostile.feedback_ok
    page = hostile.course.feedback_dir / attack.student / ASSIGNMENT / f"{attack.notebook}.html"
    text = visible_text(page.read_text(encoding="utf-8"))
    assert "not run" in text, f"{attack.student}: the feedback does not say why cells did not run"
