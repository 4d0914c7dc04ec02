"""Run one nbgrader command on a course directory, with the course's config (autograde/nbgrader_config.py)."""

import os
import subprocess
import sys
from pathlib import Path

from autograde.course import NBGRADER_CONFIG, Course
from autograde.settings import COURSE_ROOT_ENV


class NbgraderError(RuntimeError):
    pass


def nbgrader_env(course: Course, extra_env: dict[str, str] | None = None) -> dict[str, str]:
    """The environment nbgrader runs in: ours, the course root, and `extra_env`."""
    env = dict(os.environ, **{COURSE_ROOT_ENV: str(course.root)}, **(extra_env or {}))
    # nbgrader starts `alembic` (gradebook migrations) by name: the venv's bin must be on PATH
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    env.setdefault("OPENBLAS_NUM_THREADS", "1")  # predictable timing on shared cores, as in the Makefile
    env.setdefault("KERAS_BACKEND", "numpy")
    return env


def run_nbgrader(course: Course, *args: str, check: bool = True,
                 extra_env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """`nbgrader <args>` with cwd = the config's folder and the course root in the environment; output echoed."""
    command = [sys.executable, "-m", "nbgrader", *args]
    env = nbgrader_env(course, extra_env)
    result = subprocess.run(command, cwd=NBGRADER_CONFIG.parent, env=env, capture_output=True, text=True)
    log = result.stdout + result.stderr
    if check and result.returncode != 0:
        raise NbgraderError(f"`nbgrader {' '.join(args)}` failed (exit {result.returncode}):\n{log}")
    return result
