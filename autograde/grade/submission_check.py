"""Is a submission safe to hand to nbgrader? Checked before autograde, without changing any file.

A notebook that is not valid nbformat 4 JSON makes nbgrader fail for the whole student (and can leave a half
autograded folder), so such a submission is refused with the reason. Missing notebooks are only a warning: nbgrader
scores them 0. Unknown extra notebooks are ignored by nbgrader.
"""

import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from autograde.settings import MAX_NOTEBOOK_BYTES

STUDENT_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")


@dataclass
class SubmissionCheck:
    student: str
    errors: list[str] = field(default_factory=list)  # refuse the submission
    warnings: list[str] = field(default_factory=list)  # grade it, but tell the instructor


def check_submission(student: str, folder: Path, released: list[str]) -> SubmissionCheck:
    """Check submitted/<student>/cnn1d against the released notebook file names."""
    check = SubmissionCheck(student)
    if not STUDENT_ID.match(student):
        check.errors.append(f"student id {student!r} has characters nbgrader cannot use (letters, digits, _ . -)")
        return check
    if not folder.is_dir():
        check.errors.append(f"no folder {folder}")
        return check
    submitted = sorted(path.name for path in folder.glob("*.ipynb"))
    if not submitted:
        check.errors.append(f"no notebook in {folder}")
        return check
    for name in released:
        if name not in submitted:
            check.warnings.append(f"{name} not submitted: it scores 0")
    for name in submitted:
        if name not in released:
            check.warnings.append(f"{name} is not part of the assignment: ignored")
            continue
        problem = notebook_problem(folder / name)
        if problem:
            check.errors.append(f"{name}: {problem}")
    return check


def notebook_problem(path: Path) -> str | None:
    """Why nbgrader could not read this notebook, or None."""
    if path.is_symlink() or not path.is_file():
        return "not a regular file"
    if path.stat().st_size > MAX_NOTEBOOK_BYTES:
        return f"{path.stat().st_size} bytes, more than {MAX_NOTEBOOK_BYTES}"
    try:
        data = json.loads(path.read_bytes().decode("utf-8"))
    except UnicodeDecodeError as error:
        return f"not UTF-8 text ({error.reason} at byte {error.start})"
    except json.JSONDecodeError as error:
        return f"not valid JSON (line {error.lineno}, column {error.colno}: {error.msg})"
    if not isinstance(data, dict) or data.get("nbformat") != 4 or not isinstance(data.get("cells"), list):
        return "not a Jupyter notebook in format 4"
    try:
        nbformat.validate(nbformat.from_dict(data))
    except nbformat.ValidationError as error:
        return f"not a valid notebook: {error.message}"
    return None


def tree_digest(folder: Path) -> dict[str, str]:
    """sha256 of every file under a folder, by relative path."""
    return {str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
            for path in sorted(folder.rglob("*")) if path.is_file()}
