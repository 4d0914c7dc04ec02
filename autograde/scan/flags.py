"""A static-scan flag, and where flags are kept: flags/<student>.json in the course folder, one file per student.

Flags change no score: the grade report (autograde/report/grades.py) lists them for the instructor to review.
"""

import json
import os
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path

from autograde.course import Course
from autograde.scan.rules import RULES


@dataclass(frozen=True)
class Flag:
    notebook: str  # notebook name without .ipynb, e.g. "01_simple_conv1d"
    cell: int  # index of the cell in the submitted notebook (0-based; -1: the whole notebook)
    line: int  # 1-based line in the cell (0: the whole cell)
    rule: str  # a key of RULES
    text: str  # the offending line of the cell, stripped

    @property
    def explanation(self) -> str:
        return RULES.get(self.rule, self.rule)

    def __str__(self) -> str:
        return f"{self.notebook} cell {self.cell} line {self.line}: [{self.rule}] {self.explanation}: {self.text}"


def flags_dir(course: Course) -> Path:
    return course.root / "flags"


def write_flags(course: Course, student: str, flags: list[Flag]) -> Path:
    """Replace the student's flags file (atomically: a reader never sees half a file)."""
    if not student or "/" in student or student.startswith("."):
        raise ValueError(f"static scan: {student!r} is not a student id")
    folder = flags_dir(course)
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{student}.json"
    handle, temporary = tempfile.mkstemp(dir=folder, prefix=f".{student}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            json.dump([asdict(flag) for flag in flags], file, ensure_ascii=False, indent=1)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return target


def read_flags(course: Course) -> dict[str, list[Flag]]:
    """student -> their flags, from every flags/<student>.json (students without a file are absent)."""
    found = {}
    for path in sorted(flags_dir(course).glob("*.json")):
        try:
            found[path.stem] = [Flag(**entry) for entry in json.loads(path.read_text(encoding="utf-8"))]
        except (ValueError, TypeError) as error:
            raise ValueError(f"static scan: {path} is not a flags file: {error}") from None
    return found
