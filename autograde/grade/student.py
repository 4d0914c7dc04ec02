"""Autograde one student: `nbgrader autograde cnn1d --student <id>`, as a subprocess (serial grading) or in a child
of a fork server with nbgrader already imported (parallel grading), into the gradebook it is given."""

import multiprocessing
import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from autograde.course import NBGRADER_CONFIG, Course
from autograde.nbgrader_run import nbgrader_env, run_nbgrader
from autograde.settings import ASSIGNMENT, GRADEBOOK_ENV

# Imported once by the fork server the parallel workers start nbgrader from: 3-5 s a student otherwise, much of it
# jsonschema's optional rfc3987_syntax (imported by nbformat), which builds a grammar at import. Not numpy (the
# judges' oracles): OpenBLAS reads OPENBLAS_NUM_THREADS when imported, which must come from nbgrader's environment.
PRELOAD = ["nbgrader.apps.nbgraderapp", "nbgrader.converters.autograde", "nbgrader.preprocessors", "nbclient",
           "jupyter_client.manager", "sqlalchemy"]


@dataclass
class Outcome:
    student: str
    returncode: int
    output: str
    seconds: float
    gradebook: Path


def grade_one(course: Course, student: str, force: bool, gradebook: Path, extra_env: dict[str, str]) -> Outcome:
    """`nbgrader autograde` of one student into `gradebook` (the master), as a subprocess: the serial path."""
    start = time.perf_counter()
    args = ["autograde", ASSIGNMENT, "--student", student] + (["--force"] if force else [])
    result = run_nbgrader(course, *args, check=False, extra_env={**extra_env, GRADEBOOK_ENV: str(gradebook)})
    return Outcome(student, result.returncode, result.stdout + result.stderr, time.perf_counter() - start, gradebook)


def _nbgrader_in_child(argv: list[str], env: dict[str, str], log: str) -> None:
    """In a process forked from the fork server: `nbgrader <argv>` as `python -m nbgrader` would run it."""
    fd = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    os.dup2(fd, 1)
    os.dup2(fd, 2)
    os.close(fd)
    os.environ.clear()
    os.environ.update(env)
    os.chdir(NBGRADER_CONFIG.parent)  # nbgrader reads nbgrader_config.py from the working folder
    sys.argv = ["nbgrader", *argv]
    from nbgrader.apps.nbgraderapp import NbGraderApp

    NbGraderApp.launch_instance(argv=argv)


def fork_server():
    """A multiprocessing context whose children start with nbgrader already imported."""
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(PRELOAD)
    return context


def grade_one_forked(course: Course, student: str, force: bool, gradebook: Path, extra_env: dict[str, str],
                     scratch: Path) -> Outcome:
    """`nbgrader autograde` of one student into a worker's gradebook copy, in a child of the fork server."""
    start = time.perf_counter()
    argv = ["autograde", ASSIGNMENT, "--student", student] + (["--force"] if force else [])
    env = nbgrader_env(course, {**extra_env, GRADEBOOK_ENV: str(gradebook)})
    log = scratch / f"{student}.log"
    child = fork_server().Process(target=_nbgrader_in_child, args=(argv, env, str(log)), name=f"autograde-{student}")
    child.start()
    child.join()
    output = log.read_text(encoding="utf-8", errors="replace") if log.is_file() else ""
    return Outcome(student, child.exitcode, output, time.perf_counter() - start, gradebook)
