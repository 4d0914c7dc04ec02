"""Intake: from submitted/<student>/cnn1d to the copy nbgrader grades, course/to_grade/<student>/.

    take_in(course, student) -> Intake

submitted/ is read once, safely (autograde/grade/submission_check.py), and never written. What was read goes to
  to_grade/<student>/received/NN_slug.ipynb   the readable notebooks, byte for byte: what the static scan reads;
  to_grade/<student>/cnn1d/NN_slug.ipynb      each rebuilt from the release (autograde/grade/rebuild.py): what nbgrader
                                            grades (`--CourseDirectory.submitted_directory=to_grade`, see student.py);
  to_grade/<student>/cnn1d/timestamp.txt      nbgrader's timestamp.txt and submission_secret.txt if valid, the only
                                            other files (nbgrader reads them; they reach autograded/, feedback/).
Nothing else a student submits reaches autograded/ or feedback/. The folder is made afresh on every intake.
"""

import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from autograde.course import Course
from autograde.grade.rebuild import rebuild
from autograde.grade.submission_check import SubmissionCheck, check_submission, parse_notebook
from autograde.scan.flags import Flag
from autograde.settings import ASSIGNMENT

RECEIVED = "received"


@dataclass
class Intake:
    check: SubmissionCheck
    graded: Path  # what nbgrader grades: to_grade/<student>/cnn1d
    received: Path  # the notebooks as submitted: to_grade/<student>/received
    notes: list[str] = field(default_factory=list)  # what the rebuild did that is not a flag

    @property
    def flags(self) -> list[Flag]:
        return self.check.flags


def intake_folders(course: Course, student: str) -> tuple[Path, Path]:
    """(graded copy, received copy) of a student."""
    return course.to_grade_dir / student / ASSIGNMENT, course.to_grade_dir / student / RECEIVED


def released_notebooks(course: Course) -> dict[str, Path]:
    return {path.name: path for path in sorted(course.release_dir.glob("*.ipynb"))}


def write_file(path: Path, data: bytes) -> None:
    """Write a new file (never through a link: the folder was just made by this process)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC, 0o644)
    with os.fdopen(fd, "wb") as file:
        file.write(data)


def take_in(course: Course, student: str, released: dict[str, Path] | None = None) -> Intake:
    """Check the student's submission and write the graded and received copies (module docstring)."""
    released = released_notebooks(course) if released is None else released
    check = check_submission(student, course.submission_dir(student), sorted(released))
    graded, received = intake_folders(course, student)
    intake = Intake(check, graded, received)
    if check.errors:
        return intake
    course.to_grade_dir.mkdir(exist_ok=True)
    # made beside the old copy and swapped in, so a half-written copy is never graded
    fresh = Path(tempfile.mkdtemp(prefix=f".{student}.", dir=course.to_grade_dir))
    fresh.chmod(0o755)
    (fresh / ASSIGNMENT).mkdir()
    (fresh / RECEIVED).mkdir()
    for name, data in sorted(check.notebooks.items()):
        release = nbformat.read(released[name], as_version=4)
        notebook, changes = rebuild(parse_notebook(data), release)
        stem = name.removesuffix(".ipynb")
        for change in changes:
            if change.rule:
                check.flags.append(Flag(stem, change.cell, 0, change.rule, change.text))
            else:
                intake.notes.append(f"{name} cell {change.cell}: {change.text}")
        write_file(fresh / RECEIVED / name, data)
        write_file(fresh / ASSIGNMENT / name, nbformat.writes(notebook).encode())
    for name, data in check.nbgrader_files.items():
        write_file(fresh / ASSIGNMENT / name, data)
    old = course.to_grade_dir / student
    if old.exists() or old.is_symlink():
        shutil.rmtree(old) if old.is_dir() and not old.is_symlink() else old.unlink()
    os.rename(fresh, old)
    return intake
