"""Exit statuses of the forked graders are exact from any number of worker threads, and a failed student is retried.

The cause of "nbgrader exit 255" for students whose grading had succeeded: multiprocessing's Process is not
thread-safe (CPython gh-130895). With two worker threads, one thread's start() polls the other's finished child
while that thread's join() reads the same status pipe; the loser reads EOF and reports 255. autograde/grade/student.py
starts and reaps its children under one lock, and the grading child reports nbgrader's status itself.
"""

import os
import threading
from pathlib import Path

import pytest

from autograde.course import Course
from autograde.grade import pool
from autograde.grade.student import Outcome, _nbgrader_in_child, run_forked
from autograde.settings import StudentLimits

THREADS, CHILDREN_PER_THREAD = 6, 50


def test_exit_codes_of_forked_children_are_exact_from_several_threads():
    """Without the lock, children started and reaped from several threads report 255 (measured with plain
    start()/join() on this machine: 6 of 300 with 2 threads, 37 with 4, 99 with 8)."""
    wrong = []

    def worker(offset: int):
        for number in range(CHILDREN_PER_THREAD):
            code = (number + offset) % 4  # 0 most of the time: the race turned successes into 255
            got = run_forked(os._exit, (code,), f"child-{offset}-{number}", timeout=60)
            if got != code:
                wrong.append((code, got))

    threads = [threading.Thread(target=worker, args=(offset,)) for offset in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert wrong == []


def test_a_child_past_its_time_is_killed():
    assert run_forked(__import__("time").sleep, (60,), "sleeper", timeout=1) is None


def test_the_grading_child_reports_nbgrader_exit_status_itself(tmp_path):
    for argv, expected in ((["--version"], 0), (["autograde", "no-such-assignment", "--student", "x"], 1)):
        log, result = tmp_path / "child.log", tmp_path / "child.result"
        env = {"PATH": os.environ["PATH"], "CNN1D_COURSE_ROOT": str(tmp_path / "course")}
        assert run_forked(_nbgrader_in_child, (argv, env, str(log), str(result)), "nbgrader", timeout=120) == expected
        assert result.read_text() == f'{{"exit": {expected}}}'


def fake_outcomes(results: dict[str, list[Outcome]]):
    """A grade_one that hands out the prepared outcomes of each student in turn, recording the force flag."""
    calls = []

    def grade_one(course, student, force, *args):
        calls.append((student, force))
        return results[student].pop(0)

    return grade_one, calls


@pytest.fixture
def run(tmp_path):
    return pool.Run(Course(tmp_path), force=False, env={}, logs=tmp_path, limits=StudentLimits(retries=1),
                    notebooks=8)


def outcome(student, code, output="log\n", cause="", retry=True, seconds=1.0):
    return Outcome(student, code, output, seconds, Path(), cause or (f"nbgrader exit {code}" if code else ""),
                   retry=retry)


def test_a_failed_student_is_graded_again_once_with_force(run, monkeypatch, capsys):
    grade_one, calls = fake_outcomes({
        "killed-once": [outcome("killed-once", -9, "half a log", "the grading process was killed by SIGKILL"),
                        outcome("killed-once", 0, "second log")],
        "always-failing": [outcome("always-failing", 1), outcome("always-failing", 1)],
        "sandbox-broke": [outcome("sandbox-broke", 0, "the sandbox ended without a result (exit 1)"),
                          outcome("sandbox-broke", 0, "fine")],
        "too-slow": [outcome("too-slow", -9, cause="still grading after 900 s: stopped", retry=False)],
        "fine": [outcome("fine", 0)],
    })
    monkeypatch.setattr(pool, "grade_one", grade_one)
    students = ["killed-once", "always-failing", "sandbox-broke", "too-slow", "fine"]
    assert pool.grade_serially(run, students) == 2
    assert calls == [("killed-once", False), ("killed-once", True), ("always-failing", False),
                     ("always-failing", True), ("sandbox-broke", False), ("sandbox-broke", True), ("too-slow", False),
                     ("fine", False)]
    err = capsys.readouterr().err
    assert "always-failing: FAILED (nbgrader exit 1" in err and "attempt 2; before: nbgrader exit 1" in err
    assert "too-slow: FAILED (still grading after 900 s: stopped" in err
    log = (run.logs / "autograde-killed-once.log").read_text()
    assert log == ("===== attempt 1 (the grading process was killed by SIGKILL) =====\nhalf a log"
                   "===== attempt 2 =====\nsecond log")


def test_no_retry_when_retries_is_zero(run, monkeypatch):
    grade_one, calls = fake_outcomes({"a": [outcome("a", 1)]})
    monkeypatch.setattr(pool, "grade_one", grade_one)
    assert pool.grade_serially(pool.Run(**{**run.__dict__, "limits": StudentLimits(retries=0)}), ["a"]) == 1
    assert calls == [("a", False)]
