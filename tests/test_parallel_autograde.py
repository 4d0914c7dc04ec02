"""Parallel autograde (Dask tasks grading into their own gradebooks, merged by the parent) gives the serial scores.

A small class in a temporary course: the demo class (blank, partial, reference) on two notebooks, so that it runs
in a few minutes. Graded once with --workers 1 (nbgrader writes the gradebook itself) and once with --workers 2 (an
embedded Dask cluster; each student's rows merged as they arrive); then regraded, regraded with a grading process
killed mid-student (retried, graded), and regraded on an in-process cluster (where the test can break things) with
one nbgrader call failing and one task breaking every time (retried once, then reported; their previous grades
kept) and one merge failing once (retried, merged).
"""

import os
import shutil
import signal
import sqlite3
import threading
import time
from pathlib import Path
from types import SimpleNamespace

import pytest

from autograde.build import source as build_source
from autograde.build.release import release_assignment
from autograde.course import Course, course_notebooks
from autograde.demo_class.make_submissions import DEMO_STUDENTS, make_demo_class
from autograde.grade import gradebook as gradebook_module
from autograde.grade import student as student_module
from autograde.grade.cli import grade
from autograde.grade.gradebook import SUBMISSION_TABLES, integrity_problems, student_scores

pytestmark = pytest.mark.slow

NOTEBOOKS_WANTED = 2


def release_some_notebooks(course: Course, how_many: int) -> list[str]:
    """Release the first notebooks that build (a cheap class: missing notebooks are simply not in the assignment)."""
    chosen = [item.name for item in course_notebooks() if build_source.build(course, check_only=True, only=[item.name])]
    chosen = chosen[:how_many]
    assert chosen, "no notebook builds: nothing to grade"
    assert build_source.build(course, only=chosen)
    release_assignment(course)
    return chosen


def row_counts(course: Course) -> dict[str, int]:
    with sqlite3.connect(course.gradebook) as connection:
        counts = {table: connection.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
                  for table in (*SUBMISSION_TABLES, "student")}
    connection.close()
    return counts


def class_scores(course: Course) -> dict[str, dict]:
    return {student: student_scores(course.gradebook, student) for student in DEMO_STUDENTS}


@pytest.fixture(scope="module")
def courses(tmp_path_factory):
    workspace = tmp_path_factory.mktemp("parallel")
    (workspace / "data").symlink_to(Course().root.parent / "data")
    serial = Course(workspace / "serial")
    notebooks = release_some_notebooks(serial, NOTEBOOKS_WANTED)
    log = make_demo_class(serial)
    assert not [line for line in log if line.startswith("warning") and any(name in line for name in notebooks)]
    parallel = Course(workspace / "parallel")
    shutil.copytree(serial.root, parallel.root)  # the same release and submissions, nothing graded yet
    assert grade(serial, force=True, workers=1) == 0
    assert grade(parallel, force=True, workers=2) == 0
    return SimpleNamespace(serial=serial, parallel=parallel, notebooks=notebooks)


def test_parallel_scores_equal_serial_scores(courses):
    serial, parallel = class_scores(courses.serial), class_scores(courses.parallel)
    assert parallel == serial
    cells = {notebook for notebook, _ in serial["reference"]}
    assert cells == set(courses.notebooks)
    assert all(auto == 0 for auto, *_ in serial["blank"].values())
    assert all(auto > 0 for auto, *_ in serial["reference"].values()), "the reference must score: else vacuous"
    assert serial["partial"] != serial["reference"]


def test_master_is_intact_and_has_every_student(courses):
    assert integrity_problems(courses.parallel.gradebook) == []
    counts = row_counts(courses.parallel)
    assert counts == row_counts(courses.serial)
    assert counts["submitted_assignment"] == len(DEMO_STUDENTS)
    with sqlite3.connect(courses.parallel.gradebook) as connection:
        students = {row[0] for row in connection.execute("SELECT id FROM student")}
    connection.close()
    assert students == set(DEMO_STUDENTS)


def test_regrade_replaces_rows(courses):
    before_counts, before_scores = row_counts(courses.parallel), class_scores(courses.parallel)
    assert grade(courses.parallel, force=True, workers=2) == 0
    assert row_counts(courses.parallel) == before_counts
    assert class_scores(courses.parallel) == before_scores
    assert integrity_problems(courses.parallel.gradebook) == []


def descends_from_this_process(pid: int) -> bool:
    while pid > 1:
        try:
            pid = int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            return False
        if pid == os.getpid():
            return True
    return False


def grading_process_of(student: str) -> tuple[int, Path] | None:
    """(pid, log) of this test's forked grading process writing a Dask task's <scratch>/logs/<student>.log (found
    through /proc/*/fd; other graders on the machine are never touched)."""
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                links = [os.readlink(fd) for fd in (entry / "fd").iterdir()]
            except OSError:
                continue
            logs = [link for link in links if "/cnn1d-task-" in link and link.endswith(f"/logs/{student}.log")]
            if logs and descends_from_this_process(int(entry.name)):
                return int(entry.name), Path(logs[0])
    return None


def test_a_grading_process_killed_mid_student_is_retried(courses):
    """SIGKILL the grading process of one student once nbgrader has started on their notebooks: the student is
    graded again, merged, and scores what they did; the log holds both attempts."""
    course = courses.parallel
    before = class_scores(course)
    killed = []

    def killer():
        deadline = time.monotonic() + 600
        while time.monotonic() < deadline and not killed:
            found = grading_process_of("reference")
            if found and "Sanitizing" in found[1].read_text(errors="replace"):
                os.kill(found[0], signal.SIGKILL)
                killed.append(found[0])
            time.sleep(0.2)

    thread = threading.Thread(target=killer)
    thread.start()
    try:
        assert grade(course, force=True, workers=2) == 0
    finally:
        killed.append(None)  # stop the killer if grading ended first
        thread.join()
    assert killed[0] is not None, "the grading process of reference was never seen"
    assert class_scores(course) == before
    log = (course.logs_dir / "autograde-reference.log").read_text()
    assert "===== attempt 1 (the grading process was killed by SIGKILL before nbgrader finished) =====" in log
    assert "===== attempt 2 =====" in log
    assert integrity_problems(course.gradebook) == []


def test_failing_student_keeps_previous_grades(courses, monkeypatch):
    course = courses.parallel
    before = class_scores(course)
    # partial now submits the reference: a grading that reached the master would change partial's scores
    for path in course.submission_dir("reference").glob("*.ipynb"):
        shutil.copy(path, course.submission_dir("partial") / path.name)
    real_grade_one = student_module.grade_one_forked

    def flaky_grade_one(course_, student, *args, **kwargs):
        if student == "blank":
            raise RuntimeError("worker broke")
        outcome = real_grade_one(course_, student, *args, **kwargs)  # writes the worker's gradebook copy
        if student == "partial":
            outcome.returncode, outcome.output = 1, outcome.output + "\nERROR: injected"
        return outcome

    real_merge, merges = gradebook_module.MasterGradebook.merge, []

    def merge_failing_once(master, worker, student, *args):
        merges.append(student)
        if merges.count(student) == 1 and student == "reference":
            raise sqlite3.OperationalError("database is locked (injected)")
        real_merge(master, worker, student, *args)

    monkeypatch.setattr(student_module, "grade_one_forked", flaky_grade_one)
    monkeypatch.setattr(gradebook_module.MasterGradebook, "merge", merge_failing_once)
    # blank and partial tried twice, then reported
    assert grade(course, force=True, workers=2, scheduler="threads") == 2
    assert merges.count("reference") == 2  # the failed merge: graded again, merged
    after = class_scores(course)
    assert after["partial"] == before["partial"] != after["reference"]
    assert after["blank"] == before["blank"]
    assert after["reference"] == before["reference"]
    assert integrity_problems(course.gradebook) == []
    log = (course.root / "logs" / "autograde-partial.log").read_text()
    assert log.count("ERROR: injected") == 2 and "===== attempt 2 =====" in log
    log = (course.root / "logs" / "autograde-reference.log").read_text()
    assert "===== attempt 1 (merge into the gradebook failed: database is locked (injected)) =====" in log
