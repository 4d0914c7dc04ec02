"""Grading one student as a task with explicit inputs and outputs, for workers that share no file system with the
course (autograde/grade/distributed.py schedules them with Dask).

Inputs:
* ReleaseBundle, made once per run: the course's source and release notebooks, the gradebook rows grading needs
  (the master with every submission and student removed: the assignment, notebooks, cells and released hidden
  tests), released_judges.json, the course secret, the limits of the run (the environment variables that set
  them), and a digest of the grading code (autograde/, solutions/: the probes, judges and oracles). A worker
  whose code differs refuses the task: its judges would not be the course's.
* StudentFiles: the student's files as grading reads them (the regular files of their graded copy).

Output, StudentResult: nbgrader's exit status and log, the student's gradebook rows (a small SQLite file: the
submission rows and nothing of other students), the scores in it, the autograded notebooks and the diagnosis records
(the mistakes named, for the class report). The parent, the only writer of gradebook.db, merges it
(autograde/grade/distributed.py); a result that is not merged changes nothing.
"""

import functools
import hashlib
import os
import sqlite3
import tempfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from autograde.build.secret import SECRET_FILE
from autograde.course import REPO, Course
from autograde.grade.gradebook import SUBMISSION_TABLES, copy_database
from autograde.settings import (
    NO_SANDBOX_ENV,
    REQUIRE_CGROUP_ENV,
    SANDBOX_CPUS_ENV,
    SANDBOX_LIMITS_ENV,
    SKIP_AFTER_LAST_GRADE_ENV,
)

CODE_FOLDERS = ("autograde", "solutions")  # what judges a notebook: probes, judges, oracles, settings, the sandbox
CODE_SUFFIXES = (".py", ".json")
COURSE_FILES = (SECRET_FILE, "released_judges.json")  # beside the gradebook, read while grading
# the run's settings that travel to the worker (the rest of its environment is the worker's own)
RUN_ENV = (SANDBOX_LIMITS_ENV, SKIP_AFTER_LAST_GRADE_ENV, NO_SANDBOX_ENV, REQUIRE_CGROUP_ENV, SANDBOX_CPUS_ENV,
           "CNN1D_STUDENT_LIMITS", "OPENBLAS_NUM_THREADS", "KERAS_BACKEND")
MAX_STUDENT_BYTES = 200 << 20  # a graded copy is bounded by the intake; this bounds what a task carries


@functools.cache
def code_digest(root: Path = REPO) -> str:
    """SHA-256 over the grading code's files (path and content), in a stable order."""
    digest = hashlib.sha256()
    for folder in CODE_FOLDERS:
        for path in sorted((root / folder).rglob("*")):
            if path.suffix in CODE_SUFFIXES and path.is_file() and "__pycache__" not in path.parts:
                digest.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def folder_files(folder: Path, limit: int = MAX_STUDENT_BYTES) -> dict[str, bytes]:
    """Relative path -> bytes of the regular files under `folder` (links and other file types are not read)."""
    files, total = {}, 0
    for path in sorted(folder.rglob("*")):
        if path.is_symlink() or not path.is_file():
            continue
        data = path.read_bytes()
        total += len(data)
        if total > limit:
            raise ValueError(f"{folder}: more than {limit >> 20} MiB of files")
        files[str(path.relative_to(folder))] = data
    return files


def write_files(folder: Path, files: dict[str, bytes]) -> None:
    """Write relative path -> bytes under `folder`, refusing paths that would leave it."""
    root = folder.resolve()
    for relative, data in files.items():
        target = (root / relative).resolve()
        if not target.is_relative_to(root) or target == root:
            raise ValueError(f"refusing to write {relative!r} outside {root}")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)


def template_gradebook(master: Path) -> bytes:
    """The master gradebook without any student or submission: what every student's grading starts from."""
    with tempfile.TemporaryDirectory(prefix="gradebook-template-") as scratch:
        copy = Path(scratch) / "gradebook.db"
        copy_database(master, copy)
        connection = sqlite3.connect(copy, isolation_level=None)
        try:
            for table in reversed(SUBMISSION_TABLES):
                connection.execute(f"DELETE FROM {table}")
            connection.execute("DELETE FROM student")
            connection.execute("VACUUM")
        finally:
            connection.close()
        return zlib.compress(copy.read_bytes(), 6)


@dataclass(frozen=True)
class ReleaseBundle:
    """Everything but the student's files that grading one student reads (see the module docstring)."""

    source: dict[str, bytes]  # source/<assignment>/... relative to source/<assignment>
    release: dict[str, bytes]
    course_files: dict[str, bytes]  # COURSE_FILES present beside the gradebook
    gradebook: bytes  # zlib-compressed SQLite: template_gradebook()
    env: dict[str, str]  # the run's settings (RUN_ENV) and the sandbox choice
    code: str  # code_digest() of the parent

    def digest(self) -> str:
        hashed = hashlib.sha256(self.code.encode() + self.gradebook)
        for files in (self.source, self.release, self.course_files):
            for name in sorted(files):
                hashed.update(name.encode() + b"\0" + files[name])
        return hashed.hexdigest()[:16]

    def materialize(self, root: Path) -> Course:
        """A course folder at `root` holding this bundle, to grade one student in."""
        course = Course(root)
        write_files(course.source_dir, self.source)
        write_files(course.release_dir, self.release)
        write_files(root, self.course_files)
        secret = root / SECRET_FILE
        if secret.exists():
            os.chmod(secret, 0o600)
        course.gradebook.write_bytes(zlib.decompress(self.gradebook))
        return course


def make_bundle(course: Course, run_env: dict[str, str]) -> ReleaseBundle:
    env = {name: os.environ[name] for name in RUN_ENV if name in os.environ}
    env.update(run_env)
    return ReleaseBundle(
        source=folder_files(course.source_dir),
        release=folder_files(course.release_dir),
        course_files={name: (course.root / name).read_bytes() for name in COURSE_FILES
                      if (course.root / name).is_file()},
        gradebook=template_gradebook(course.gradebook),
        env=env,
        code=code_digest(),
    )


@dataclass(frozen=True)
class StudentFiles:
    student: str
    files: dict[str, bytes]  # relative to the folder nbgrader grades (the student's <assignment> folder)


@dataclass
class StudentResult:
    student: str
    returncode: int  # 0: graded
    output: str  # nbgrader's log
    seconds: float
    gradebook: bytes = b""  # zlib-compressed SQLite: the student's rows (student_rows)
    scores: dict = field(default_factory=dict)  # student_scores() on the worker
    autograded: dict[str, bytes] = field(default_factory=dict)  # relative to autograded/<student>/<assignment>
    diagnosis: dict[str, bytes] = field(default_factory=dict)  # relative to diagnosis/<student> (the named mistakes)
    cause: str = ""  # why it failed, in words
    retry: bool = True  # False: another attempt would fail the same way (time limit, other code)
    worker: str = ""  # where it ran


def student_rows(gradebook: Path, student: str) -> bytes:
    """The student's rows of a worker's gradebook, as a small compressed SQLite file merge_student can read: the
    gradebook without other students and without the cells' sources (the master has them)."""
    with tempfile.TemporaryDirectory(prefix="student-rows-") as scratch:
        copy = Path(scratch) / "rows.db"
        copy_database(gradebook, copy)
        connection = sqlite3.connect(copy, isolation_level=None)
        try:
            connection.execute("DELETE FROM student WHERE id != ?", (student,))
            connection.execute("DELETE FROM source_cell")
            connection.execute("VACUUM")
        finally:
            connection.close()
        return zlib.compress(copy.read_bytes(), 6)
