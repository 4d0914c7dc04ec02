"""Autograde one student: `nbgrader autograde cnn1d --student <id>` on their intake copy (autograde/grade/intake.py),
as a subprocess (serial grading) or in a child of a fork server with nbgrader already imported (parallel grading),
into the gradebook it is given, within the student's time budget.

Time budget (StudentLimits in autograde/settings.py): the grading process gets $CNN1D_STUDENT_DEADLINE = its start
+ wall_seconds; each notebook's sandbox deadline is cut to what is left of it (settings.sandbox_limits), never below
after_budget_seconds, so a slow submission is graded on what ran in time and the class does not wait for it. Past
the budget, the notebooks' after-budget time and stop_margin_seconds, the process is killed (a safety net).

Exit status: the forked child writes nbgrader's exit status to a result file itself and leaves with os._exit, and
this process starts and reaps children under one lock. multiprocessing's Process is not thread-safe: with two
worker threads, one thread's start() polls the other's finished child (multiprocessing.process._cleanup) while its
join() reads the same status pipe; the loser of that race gets EOF and reports exit code 255 for a child that
succeeded (CPython gh-130895). That left 2 of 30 students FAILED with "nbgrader exit 255" after a normal log.
"""

import gc
import json
import multiprocessing
import multiprocessing.connection
import multiprocessing.forkserver
import os
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from autograde.course import NBGRADER_CONFIG, Course
from autograde.nbgrader_run import nbgrader_env
from autograde.settings import ASSIGNMENT, GRADEBOOK_ENV, STUDENT_DEADLINE_ENV, StudentLimits

# Imported once by the fork server the parallel workers start nbgrader from: 3-5 s a student otherwise. `autograde`
# first: it keeps jsonschema (imported by nbformat) from building an IRI grammar at import. Not numpy (the
# judges' oracles): OpenBLAS reads OPENBLAS_NUM_THREADS when imported, which must come from nbgrader's environment.
PRELOAD = ["autograde", "nbgrader.apps.nbgraderapp", "nbgrader.converters.autograde", "nbgrader.preprocessors",
           "nbclient", "jupyter_client.manager", "sqlalchemy"]
# what SandboxedExecute logs when the sandbox itself broke (autograde/sandbox/execute.py): not the notebook's doing
SANDBOX_BROKE = ("the sandbox ended without a result",)
_PROCESSES = threading.Lock()  # every start() and join() of a forked child: see the module docstring


@dataclass
class Outcome:
    student: str
    returncode: int  # 0: graded
    output: str  # nbgrader's log
    seconds: float
    gradebook: Path
    cause: str = ""  # why it failed, in words ("" when graded)
    retry: bool = True  # a failure that a second run may not have (False: the time limit stopped it)
    attempts: int = 1

    @property
    def sandbox_broke(self) -> bool:
        return any(marker in self.output for marker in SANDBOX_BROKE)


def nbgrader_argv(course: Course, student: str, force: bool) -> list[str]:
    """`nbgrader autograde` of the student's intake copy (course/to_grade/<student>/cnn1d), not of submitted/."""
    return (["autograde", ASSIGNMENT, "--student", student,
             f"--CourseDirectory.submitted_directory={course.to_grade_dir.relative_to(course.root)}"]
            + (["--force"] if force else []))


def hard_limit(limits: StudentLimits, notebooks: int) -> float:
    """Seconds after which a student's grading process is killed."""
    return limits.wall_seconds + notebooks * limits.after_budget_seconds + limits.stop_margin_seconds


def student_env(course: Course, extra_env: dict[str, str], gradebook: Path, limits: StudentLimits) -> dict[str, str]:
    deadline = time.time() + limits.wall_seconds
    return nbgrader_env(course, {**extra_env, GRADEBOOK_ENV: str(gradebook), STUDENT_DEADLINE_ENV: f"{deadline:.0f}"})


def describe_status(code: int | None) -> str:
    if code is None:
        return "did not end"
    if code < 0:
        return f"was killed by {signal.Signals(-code).name if -code in signal.Signals._value2member_map_ else -code}"
    return f"exited with {code}"


def grade_one(course: Course, student: str, force: bool, gradebook: Path, extra_env: dict[str, str],
              limits: StudentLimits, notebooks: int) -> Outcome:
    """`nbgrader autograde` of one student into `gradebook` (the master), as a subprocess: the serial path."""
    start = time.perf_counter()
    command = [sys.executable, "-m", "nbgrader", *nbgrader_argv(course, student, force)]
    env = student_env(course, extra_env, gradebook, limits)
    timeout = hard_limit(limits, notebooks)
    try:
        result = subprocess.run(command, cwd=NBGRADER_CONFIG.parent, env=env, capture_output=True, text=True,
                                errors="replace", timeout=timeout)
    except subprocess.TimeoutExpired as expired:  # run() killed it; bwrap dies with it (--die-with-parent)
        output = "".join(part.decode(errors="replace") if isinstance(part, bytes) else (part or "")
                         for part in (expired.stdout, expired.stderr))
        return Outcome(student, -signal.SIGKILL, output, time.perf_counter() - start, gradebook,
                       f"still grading after {timeout:.0f} s: stopped", retry=False)
    cause = f"nbgrader exit {result.returncode}" if result.returncode else ""
    return Outcome(student, result.returncode, result.stdout + result.stderr, time.perf_counter() - start, gradebook,
                   cause)


def _nbgrader_in_child(argv: list[str], env: dict[str, str], log: str, result: str) -> None:
    """In a process forked from the fork server: `nbgrader <argv>` as `python -m nbgrader` would run it; its exit
    status goes to `result` (JSON), then the process leaves at once (no atexit, no waiting for stray threads)."""
    code = 1
    gc.freeze()  # the fork server's imports stay out of this process's collections
    try:
        fd = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        os.dup2(fd, 1)
        os.dup2(fd, 2)
        os.close(fd)
        os.environ.clear()
        os.environ.update(env)
        os.chdir(NBGRADER_CONFIG.parent)  # nbgrader reads nbgrader_config.py from the working folder
        sys.argv = ["nbgrader", *argv]
        from nbgrader.apps.nbgraderapp import NbGraderApp

        from autograde.sandbox.execute import close_sessions

        try:
            NbGraderApp.launch_instance(argv=argv)
            code = 0
        except SystemExit as exit:
            code = exit.code if isinstance(exit.code, int) else (0 if exit.code is None else 1)
        finally:
            close_sessions()  # the sandbox kept for the next notebook: this process leaves without atexit
    except BaseException:  # noqa: BLE001 - whatever broke, the parent must hear an exit status
        import traceback

        traceback.print_exc()
    finally:
        try:
            sys.stdout.flush()
            sys.stderr.flush()
            with open(result + ".tmp", "w", encoding="utf-8") as file:
                json.dump({"exit": code}, file)
            os.replace(result + ".tmp", result)
        finally:
            os._exit(code)


def fork_server():
    """A multiprocessing context whose children start with nbgrader already imported."""
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(PRELOAD)
    return context


def warm_fork_server() -> None:
    """Start this process's fork server now: it imports PRELOAD (~2 s) while the grading run is still starting,
    instead of while the worker's first student waits for it."""
    fork_server()
    multiprocessing.forkserver.ensure_running()


def run_forked(target, args: tuple, name: str, timeout: float | None) -> int | None:
    """Run target(*args) in a child of the fork server; its exit code (negative: a signal), or None if it was still
    running after `timeout` s (it is then killed). Safe to call from several threads at once."""
    child = fork_server().Process(target=target, args=args, name=name)
    with _PROCESSES:
        child.start()
    if not multiprocessing.connection.wait([child.sentinel], timeout):
        child.kill()
        multiprocessing.connection.wait([child.sentinel])
        with _PROCESSES:
            child.join()
        return None
    with _PROCESSES:
        child.join()
    return child.exitcode


def grade_one_forked(course: Course, student: str, force: bool, gradebook: Path, extra_env: dict[str, str],
                     scratch: Path, limits: StudentLimits, notebooks: int) -> Outcome:
    """`nbgrader autograde` of one student into a worker's gradebook copy, in a child of the fork server."""
    start = time.perf_counter()
    env = student_env(course, extra_env, gradebook, limits)
    log, result = scratch / f"{student}.log", scratch / f"{student}.result"
    result.unlink(missing_ok=True)
    timeout = hard_limit(limits, notebooks)
    status = run_forked(_nbgrader_in_child, (nbgrader_argv(course, student, force), env, str(log), str(result)),
                        f"autograde-{student}", timeout)
    output = log.read_text(encoding="utf-8", errors="replace") if log.is_file() else ""
    seconds = time.perf_counter() - start
    if status is None:
        return Outcome(student, -signal.SIGKILL, output, seconds, gradebook,
                       f"still grading after {timeout:.0f} s: stopped", retry=False)
    try:
        code = int(json.loads(result.read_text(encoding="utf-8"))["exit"])
    except (OSError, ValueError, KeyError, TypeError):
        return Outcome(student, status or 1, output, seconds, gradebook,
                       f"the grading process {describe_status(status)} before nbgrader finished")
    return Outcome(student, code, output, seconds, gradebook, f"nbgrader exit {code}" if code else "")
