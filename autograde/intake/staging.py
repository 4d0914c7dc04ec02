"""Placing one student's chosen notebooks into submitted/<student>/<assignment>/, atomically, never over a newer or
another account's submission.

The notebooks are written into <course>/.intake-*/<student>/ (beside submitted/, so autograde never sees a half
written student), checked with the course's own submission check, then renamed over the old folder (parked and
restored if the rename fails). submitted/<student>/.intake.json records which account and files the folder holds:
a later intake replaces it only with the same account's submission, and only with a newer one (nbgrader's
autograde, without --force, regrades a student only when timestamp.txt is newer than the last grading).
"""

import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Callable
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from nbgrader.utils import parse_utc

from autograde.course import Course
from autograde.grade.gradebook import single_run
from autograde.grade.submission_check import check_submission
from autograde.intake.report import Entry, StudentResult
from autograde.settings import ASSIGNMENT

INTAKE_FILE = ".intake.json"  # submitted/<student>/.intake.json
TIMESTAMP_FILE = "timestamp.txt"  # nbgrader's submission time, read by autograde, release_feedback and fetch_feedback


class IntakeError(Exception):
    """An intake could not start (zip unreadable, exchange missing, lock held, no release, bad arguments)."""


@contextmanager
def locked(course: Course):
    """The course lock for the whole intake: autograde checks that submitted/ does not change during its run."""
    course.root.mkdir(parents=True, exist_ok=True)
    with ExitStack() as stack:
        try:
            stack.enter_context(single_run(course))
        except SystemExit as held:
            raise IntakeError(f"{held} (a collect or autograde is running)") from None
        yield


@dataclass
class Chosen:
    """A notebook chosen for a student: its report entry, how to copy it (into a new file; returns its sha256;
    raises ValueError or OSError when it cannot be read), and what .intake.json records about it."""

    entry: Entry
    copy: Callable[[Path], str]
    record: dict = field(default_factory=dict)


@dataclass
class Placement:
    """Where a student's submission comes from and what else to do with it."""

    layout: str  # canvas, moodle, generic, exchange
    source: str  # the zip or inbound folder
    started: str
    timestamp: str  # written to timestamp.txt as it is
    dry_run: bool = False
    replace_older: bool = False
    extra_files: dict[str, bytes] = field(default_factory=dict)  # e.g. nbgrader's submission_secret.txt


def pick_latest(entries: list[Entry], key, why) -> Entry:
    """The newest of one student's entries for one notebook; the others superseded, the winner says why."""
    ordered = sorted(entries, key=key)
    winner = ordered[-1]
    winner.status = "resolved" if winner.rules else "matched"
    if len(ordered) > 1:
        winner.notes.append(why(winner, ordered[:-1]))
    for older in ordered[:-1]:
        older.status, older.notebook, older.reason = "superseded", winner.notebook, f"{winner.name} is newer"
    return winner


def add_intake_options(parser, roster_help: str) -> None:
    """The options both intakes take (make collect, make collect-exchange)."""
    parser.add_argument("--course-dir", type=Path, default=Course().root)
    parser.add_argument("--roster", type=Path, help=roster_help)
    parser.add_argument("--dry-run", action="store_true", help="judge and report, write nothing in submitted/")
    parser.add_argument("--replace-older", action="store_true",
                        help="replace a student's folder even if its timestamp is not older than this submission's")


def sha256_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def existing_notebooks(folder: Path) -> dict[str, str]:
    return {path.name: sha256_of(path) for path in sorted(folder.glob("*.ipynb"))
            if path.is_file() and not path.is_symlink()}


def read_intake(student_dir: Path) -> dict | None:
    try:
        return json.loads((student_dir / INTAKE_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def parse_time(text: str) -> datetime:
    """A timestamp.txt value as nbgrader reads it: naive UTC (a naive text is UTC already); unreadable = newest, so
    never silently replaced."""
    try:
        return parse_utc(text.strip())
    except (ValueError, OverflowError):
        return datetime.max


def _not_written(result: StudentResult, chosen: dict[str, Chosen], outcome: str, note: str, reason: str) -> None:
    result.outcome = outcome
    result.notes.append(note)
    for item in chosen.values():
        if item.entry.status in ("matched", "resolved"):
            item.entry.reason = reason


def place_student(course: Course, result: StudentResult, chosen: dict[str, Chosen], released: list[str],
                  how: Placement) -> None:
    """Write the chosen notebooks (released name -> Chosen) as submitted/<student>/; result.outcome says what
    happened, and the entries get the check's verdict."""
    student, final = result.student, course.submitted_dir / result.student
    if final.is_symlink() or (final.exists() and not final.is_dir()):
        return _not_written(result, chosen, "conflict", f"{final} is not a plain folder: left as it is",
                            "not written: see the student")
    existing = read_intake(final) if final.is_dir() else None
    if existing and (existing.get("lms"), str(existing.get("lms_id"))) != (how.layout, result.lms_id):
        return _not_written(result, chosen, "conflict", f"{final} holds the submission of {existing.get('lms')} "
                            f"account {existing.get('lms_id')} ({existing.get('lms_name', '')}), not of {how.layout} "
                            f"account {result.lms_id}: left as it is",
                            f"not written: submitted/{student} belongs to another account")
    result.timestamp = how.timestamp
    result.notebooks = {notebook: item.entry.name for notebook, item in sorted(chosen.items())}
    result.missing = [name for name in released if name not in chosen]
    before = existing_notebooks(final / ASSIGNMENT) if final.is_dir() else {}
    result.dropped = sorted(name for name in before if name in released and name not in chosen)
    if how.dry_run:
        result.outcome = "replaced" if final.exists() else "collected"
        result.notes.append("dry run: nothing written")
        return
    course.submitted_dir.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix=".intake-", dir=course.root))
    try:
        _stage_and_swap(course, result, chosen, released, how, scratch, existing, before)
    except OSError as error:
        result.outcome = "failed"
        result.notes.append(f"could not write {final}: {error}; submitted/ left as it was")
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _stage_and_swap(course, result, chosen, released, how, scratch, existing, before) -> None:
    student, final = result.student, course.submitted_dir / result.student
    stage = scratch / student
    folder = stage / ASSIGNMENT
    folder.mkdir(parents=True)
    written = {}
    for notebook, item in sorted(chosen.items()):
        try:
            item.entry.sha256 = item.copy(folder / notebook)
            written[notebook] = item
        except (ValueError, OSError) as error:
            (folder / notebook).unlink(missing_ok=True)
            item.entry.status, item.entry.reason = "refused", f"unreadable: {error}"
    if not written:
        result.outcome = "empty"
        result.notes.append("no notebook could be read")
        return
    result.notebooks = {notebook: item.entry.name for notebook, item in written.items()}
    result.missing = [name for name in released if name not in written]
    check = check_submission(student, folder, released)
    result.check_errors, result.check_warnings = check.errors, check.warnings
    for notebook, item in written.items():
        item.entry.check = check.unreadable.get(notebook, "")
    old_stamp_file = final / ASSIGNMENT / TIMESTAMP_FILE
    old_timestamp = old_stamp_file.read_text(encoding="utf-8").strip() if old_stamp_file.is_file() else ""
    if final.is_dir() and before == {notebook: item.entry.sha256 for notebook, item in written.items()}:
        result.outcome, result.timestamp = "unchanged", old_timestamp
        for item in written.values():
            item.entry.reason = "already in submitted/, identical"
        return
    if old_timestamp and not how.replace_older and parse_time(old_timestamp) >= parse_time(how.timestamp):
        return _not_written(result, chosen, "kept-existing", f"submitted/{student} holds a different submission "
                            f"timestamped {old_timestamp}, not older than this one's {how.timestamp}: kept it "
                            "(--replace-older replaces it anyway)", "not written: submitted/ holds a newer submission")
    (folder / TIMESTAMP_FILE).write_text(how.timestamp + "\n", encoding="utf-8")
    for name, data in how.extra_files.items():
        (folder / name).write_bytes(data)
    (stage / INTAKE_FILE).write_text(json.dumps({
        "lms": how.layout, "lms_id": result.lms_id, "lms_name": result.lms_name, "source": how.source,
        "collected_at": how.started, "timestamp": how.timestamp,
        "notebooks": {notebook: {"entry": item.entry.name, "sha256": item.entry.sha256, **item.record}
                      for notebook, item in written.items()}}, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    if not final.exists():
        result.outcome = "collected"
        os.rename(stage, final)
        return
    result.outcome = "replaced"
    if existing is None:
        result.notes.append(f"replaced a folder that was not made by an intake (no {INTAKE_FILE})")
    elif old_timestamp:
        result.notes.append(f"their submission timestamped {old_timestamp} replaced")
    parked = scratch / f"{student}.previous"
    os.rename(final, parked)
    try:
        os.rename(stage, final)
    except OSError:
        os.rename(parked, final)
        raise
