"""Grading on Dask (autograde/grade/distributed.py): a separate `dask worker` that cannot see the course folder grades
the class with the serial scores, and a worker killed mid-student costs that student one retry, never a half merge.

The demo class (blank, partial, reference) on two notebooks in a temporary course, graded serially first. The
remote worker runs in a mount namespace of its own (unshare) where the course's workspace is an empty tmpfs: all it
gets is what the task carries. The worker-death test kills worker processes while they grade (stubbed grading
that takes a few seconds, so that the test is quick and the kill lands mid-student).
"""

import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from types import SimpleNamespace

import pytest

from autograde.course import REPO, Course
from autograde.demo_class.make_submissions import DEMO_STUDENTS, make_demo_class
from autograde.grade.cli import grade
from autograde.grade.distributed import grade_on_dask
from autograde.grade.gradebook import integrity_problems, student_scores
from autograde.grade.pool import Run
from autograde.settings import student_limits
from tests.conftest import free_loopback_port
from tests.test_parallel_autograde import release_some_notebooks

DASK = Path(sys.executable).with_name("dask")
SCHEDULER_ENV = {"DASK_DISTRIBUTED__SCHEDULER__ALLOWED_FAILURES": "0"}  # as docs/instructor.md starts it
needs_unshare = pytest.mark.skipif(os.geteuid() != 0 or shutil.which("unshare") is None,
                                   reason="hiding the course from the worker needs root and unshare (util-linux)")


class Cluster:
    """A `dask scheduler` and `dask worker` processes on this machine; stopped (only these) at the end."""

    def __init__(self):
        self.address = f"tcp://127.0.0.1:{free_loopback_port()}"
        self.processes: list[subprocess.Popen] = []
        port = self.address.rsplit(":", 1)[1]
        self.start([str(DASK), "scheduler", "--host", "127.0.0.1", "--port", port, "--no-dashboard"])

    def start(self, command: list[str]) -> subprocess.Popen:
        env = {**os.environ, **SCHEDULER_ENV, "PYTHONPATH": str(REPO)}  # the worker imports the course's code
        process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL,
                                   stderr=subprocess.DEVNULL, start_new_session=True)
        self.processes.append(process)
        return process

    def worker(self, name: str, hide: Path | None = None) -> subprocess.Popen:
        command = [str(DASK), "worker", self.address, "--nthreads", "1", "--no-nanny", "--no-dashboard",
                   "--name", name]
        if hide is not None:  # its own mount namespace, where `hide` is an empty tmpfs
            command = ["unshare", "--mount", "--propagation", "private", "--", "sh", "-c",
                       'mount -t tmpfs -o size=1m tmpfs "$0" && exec "$@"', str(hide), *command]
        return self.start(command)

    def wait_for_workers(self, count: int, timeout: float = 120) -> None:
        from distributed import Client

        with Client(self.address, timeout="60s") as client:
            client.wait_for_workers(count, timeout=timeout)

    def stop(self) -> None:
        for process in reversed(self.processes):
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGKILL)
            process.wait()


@pytest.fixture
def cluster():
    running = Cluster()
    yield running
    running.stop()


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    workspace = tmp_path_factory.mktemp("dask")
    (workspace / "data").symlink_to(Course().root.parent / "data")
    serial = Course(workspace / "serial")
    notebooks = release_some_notebooks(serial, 2)
    make_demo_class(serial)
    distributed = Course(workspace / "distributed")
    shutil.copytree(serial.root, distributed.root)  # the same release and submissions, nothing graded yet
    assert grade(serial, force=True, workers=1) == 0
    return SimpleNamespace(workspace=workspace, serial=serial, distributed=distributed, notebooks=notebooks)


@needs_unshare
def test_a_worker_that_cannot_see_the_course_grades_like_the_serial_run(course, cluster):
    from distributed import Client

    cluster.worker("hidden", hide=course.workspace)
    cluster.wait_for_workers(1)
    with Client(cluster.address, timeout="60s") as client:
        seen = client.run(os.path.exists, str(course.distributed.gradebook))
    assert list(seen.values()) == [False], "the worker must not see the course folder"
    assert grade(course.distributed, force=True, scheduler=cluster.address) == 0
    serial = {student: student_scores(course.serial.gradebook, student) for student in DEMO_STUDENTS}
    remote = {student: student_scores(course.distributed.gradebook, student) for student in DEMO_STUDENTS}
    assert remote == serial
    assert sum(auto for auto, *_ in remote["reference"].values()) > 0, "the reference must score: else vacuous"
    assert integrity_problems(course.distributed.gradebook) == []
    for student in DEMO_STUDENTS:  # the autograded notebooks came back with the rows
        assert sorted(path.name for path in (course.distributed.autograded_dir / student / "cnn1d").iterdir()) == \
            sorted(path.name for path in (course.serial.autograded_dir / student / "cnn1d").iterdir())


def test_a_worker_killed_mid_student_costs_one_retry_and_a_second_death_is_reported(course, cluster, tmp_path):
    target = Course(tmp_path / "course")
    shutil.copytree(course.serial.root, target.root)
    students = ["once", "twice", "calm"]
    for student in students:
        shutil.copytree(target.submission_dir("reference"), target.submission_dir(student))
    before = {student: student_scores(target.gradebook, student) for student in students}
    markers = tmp_path / "markers"
    markers.mkdir()
    for index in range(4):
        cluster.worker(f"w{index}")
    cluster.wait_for_workers(4)
    kills = {"once": 1, "twice": 2}
    killed: list[str] = []
    done = threading.Event()

    def killer() -> None:  # kills the worker process a task of `once` / `twice` runs in, as the task starts
        seen = set()
        while not done.is_set():
            for marker in markers.iterdir():
                student, pid = marker.name.rsplit("-", 1)
                if marker.name not in seen and kills.get(student, 0) > 0:
                    seen.add(marker.name)
                    kills[student] -= 1
                    os.kill(int(pid), signal.SIGKILL)
                    killed.append(student)
            time.sleep(0.05)

    thread = threading.Thread(target=killer, daemon=True)
    thread.start()
    logs = target.root / "logs"
    logs.mkdir(exist_ok=True)
    run = Run(target, True, {}, logs, student_limits(), len(course.notebooks))
    try:
        bad, stats = grade_on_dask(run, students, workers=0, scheduler=cluster.address, grader=f"stub:3:{markers}")
    finally:
        done.set()
        thread.join()
    # twice's second death may be its retry queued on the worker killed for once: the same outcome either way
    assert killed.count("once") == 1 and 1 <= killed.count("twice") <= 2
    # 3 students + 2 retries; a task queued on a killed worker may cost its student a retry too
    assert bad == 1 and stats["merged"] == 2 and stats["attempts"] >= 5
    assert student_scores(target.gradebook, "once") and student_scores(target.gradebook, "calm")
    assert student_scores(target.gradebook, "twice") == before["twice"] == {}, "a failed student is never merged"
    log = (logs / "autograde-twice.log").read_text()
    assert "attempt 1" in log and "worker grading it died" in log
    assert integrity_problems(target.gradebook) == []


def test_a_cluster_started_early_but_not_used_is_stopped_and_a_failed_start_is_raised_where_it_is_used(monkeypatch):
    """grade() starts the cluster before the intake (distributed.EarlyClient); when nothing is left to grade in
    parallel it stops it, and a start that failed is raised by result(), not lost in the thread."""
    from autograde.grade import distributed

    early = distributed.EarlyClient("threads", 1, grader="stub")
    client, cluster = early.result()
    assert client.status == "running"
    early.close()
    assert client.status == "closed" and cluster.status.name == "closed"

    def no_fork_server():
        raise RuntimeError("this worker cannot start a fork server")

    monkeypatch.setattr(distributed, "warm_fork_server", no_fork_server)
    warmed = distributed.EarlyClient("threads", 1)  # the head start fails: the client is still there, and stopped
    client, cluster = warmed.result()
    assert client.status == "running"
    warmed.close()
    assert client.status == "closed"

    def broken(scheduler, workers):
        raise OSError("no scheduler at tcp://nowhere:8786")

    monkeypatch.setattr(distributed, "start_client", broken)
    failed = distributed.EarlyClient("tcp://nowhere:8786", 2)
    with pytest.raises(OSError, match="no scheduler"):
        failed.result()
    failed.close()  # nothing started: nothing to stop, no error
