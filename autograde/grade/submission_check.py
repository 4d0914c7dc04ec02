"""What may be read from a submission folder, and is it gradable? Checked without changing or following anything.

    check_submission(student, folder, released) -> SubmissionCheck

The one entry point for every intake (the autograde run, an LMS export): it reads submitted/<student>/cnn1d once,
and only what is safe to read:

- only regular files with one name are opened (O_NOFOLLOW | O_NONBLOCK, checked again with fstat after opening).
  Symbolic links, fifos, sockets, devices and hard links (a file with a second name elsewhere, e.g. the gradebook or
  a solution module) are never followed, opened, copied or digested: each is reported and flagged
  `not-a-regular-file`; a notebook of the assignment that is one of them scores 0. Sub-folders are not entered;
- only the released notebook names (NN_slug.ipynb) and nbgrader's two small files are read: `timestamp.txt` (a
  valid time: lateness, regrade-if-newer) and `submission_secret.txt` (hex, written by `nbgrader submit`: the
  exchange's release_feedback needs it in feedback/). Any other file is reported and ignored (never graded, never
  copied into autograded/ or feedback/); an invalid one of the two is left out with a warning;
- a notebook is read if it is at most MAX_NOTEBOOK_BYTES, UTF-8, JSON with at most MAX_NOTEBOOK_VALUES values (what
  bounds the memory and time of parsing it), and a notebook in format 4. One that is not scores 0 and is flagged
  `unreadable-notebook` with the reason; the student's other notebooks are graded.

A student is refused (SKIPPED: their previous grades stay) only when there is nothing to grade: a bad student id,
no folder (or one that is a link), or no readable notebook of the assignment. `SubmissionCheck.notebooks` holds
the bytes read, so nothing is read twice (autograde/grade/intake.py builds the graded copy from them).
"""

import hashlib
import json
import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path

from autograde.scan.flags import Flag
from autograde.settings import MAX_NOTEBOOK_BYTES, MAX_NOTEBOOK_VALUES

STUDENT_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
TIMESTAMP = "timestamp.txt"  # nbgrader's submission time
SECRET = "submission_secret.txt"  # nbgrader's exchange: names the released feedback (token_hex(64))
# a JSON string (escapes included): what parsing cost is counted without
JSON_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"')
DIGESTED_BYTES = 64 << 20  # larger regular files are digested by size, time and inode (they are never graded)


@dataclass
class SubmissionCheck:
    student: str
    errors: list[str] = field(default_factory=list)  # nothing to grade: the student is skipped
    warnings: list[str] = field(default_factory=list)  # graded, but the instructor is told
    flags: list[Flag] = field(default_factory=list)  # for review, with the static scan's flags
    notebooks: dict[str, bytes] = field(default_factory=dict)  # released name -> the bytes read, readable ones
    unreadable: dict[str, str] = field(default_factory=dict)  # released name -> why it is not graded (scores 0)
    nbgrader_files: dict[str, bytes] = field(default_factory=dict)  # timestamp.txt, submission_secret.txt if valid


class NotRegular(Exception):
    """The entry is not a regular file with a single name: it is not read."""


def describe_entry(info: os.stat_result, path: Path) -> str | None:
    """Why an entry (from lstat) is not read, or None for a regular file with one name."""
    mode = info.st_mode
    if stat.S_ISLNK(mode):
        try:
            target = os.readlink(path)
        except OSError:
            target = "?"
        return f"a symbolic link (to {target[:200]})"
    if stat.S_ISFIFO(mode):
        return "a fifo (named pipe)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISDIR(mode):
        return "a folder"
    if not stat.S_ISREG(mode):
        return "not a regular file"
    if info.st_nlink != 1:
        return f"a hard link ({info.st_nlink} names for the same file, another one outside the submission)"
    return None


def read_regular_file(path: Path, limit: int) -> bytes:
    """The bytes of a regular file with one name, at most `limit` + 1 of them (more means: too large). Never follows
    a link or blocks on a fifo; raises NotRegular with the reason otherwise."""
    problem = describe_entry(os.lstat(path), path)
    if problem:
        raise NotRegular(problem)
    fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_NOCTTY | os.O_CLOEXEC)
    try:
        problem = describe_entry(os.fstat(fd), path)  # the entry may have been swapped since lstat
        if problem:
            raise NotRegular(problem)
        chunks, size = [], 0
        while size <= limit:
            chunk = os.read(fd, min(1 << 20, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        return b"".join(chunks)
    finally:
        os.close(fd)


def parse_notebook(data: bytes) -> dict:
    """The notebook's JSON, if it is cheap and safe to parse; ValueError with the reason otherwise."""
    if len(data) > MAX_NOTEBOOK_BYTES:
        raise ValueError(f"more than {MAX_NOTEBOOK_BYTES} bytes")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ValueError(f"not UTF-8 text ({error.reason} at byte {error.start})") from None
    # JSON values outside strings + strings: what json.loads must allocate an object for
    skeleton, strings = JSON_STRING.subn(b'""', data, count=MAX_NOTEBOOK_VALUES + 1)
    values = strings + skeleton.count(b",") + skeleton.count(b"[") + skeleton.count(b"{")
    if values > MAX_NOTEBOOK_VALUES:
        raise ValueError(f"more than {MAX_NOTEBOOK_VALUES} JSON values (a notebook of work has far fewer)")
    try:
        notebook = json.loads(text)
    except json.JSONDecodeError as error:
        raise ValueError(f"not valid JSON (line {error.lineno}, column {error.colno}: {error.msg})") from None
    except RecursionError:
        raise ValueError("JSON nested too deeply") from None
    if not isinstance(notebook, dict) or notebook.get("nbformat") != 4 or not isinstance(notebook.get("cells"), list):
        raise ValueError("not a Jupyter notebook in format 4")
    return notebook


def valid_secret(data: bytes) -> bool:
    return re.fullmatch(rb"[0-9a-fA-F]{16,1024}", data.strip()) is not None


def valid_timestamp(data: bytes) -> bool:
    from nbgrader.utils import parse_utc  # what nbgrader reads it with; an invalid one fails the whole student

    try:
        text = data.decode("utf-8").strip()
        return bool(text) and parse_utc(text) is not None
    except (UnicodeDecodeError, ValueError, OverflowError, TypeError):
        return False


NBGRADER_FILES = {TIMESTAMP: (valid_timestamp, "a valid time, e.g. 2026-01-31 12:00:00 UTC (the submission then "
                                               "has no time)"),
                  SECRET: (valid_secret, "nbgrader's hex secret (the exchange cannot return their feedback)")}
NBGRADER_FILES_BYTES = 4096


def folder_problem(folder: Path) -> str | None:
    """Why the submission folder (or its student folder) cannot be read, or None."""
    for path in (folder.parent, folder):
        try:
            info = os.lstat(path)
        except FileNotFoundError:
            return f"no folder {path}"
        if not stat.S_ISDIR(info.st_mode):
            return f"{path} is {describe_entry(info, path) or 'a file'}, not a folder: not read"
    return None


def check_submission(student: str, folder: Path, released: list[str]) -> SubmissionCheck:
    """Read submitted/<student>/cnn1d (released: the released notebook file names) as the module docstring says."""
    check = SubmissionCheck(student)
    if not STUDENT_ID.match(student):
        check.errors.append(f"student id {student!r} has characters nbgrader cannot use (letters, digits, _ . -)")
        return check
    problem = folder_problem(Path(folder))
    if problem:
        check.errors.append(problem)
        return check
    entries = sorted(os.scandir(folder), key=lambda entry: entry.name)
    if not any(entry.name.endswith(".ipynb") for entry in entries):
        check.errors.append(f"no notebook in {folder}")
        return check
    present = {entry.name for entry in entries}
    for name in released:
        if name not in present:
            check.warnings.append(f"{name} not submitted: it scores 0")
    for entry in entries:
        take_entry(check, Path(entry.path), released)
    if not check.notebooks:  # nbgrader has nothing to grade; the flags and warnings say why
        check.errors.append(f"no readable notebook of the assignment in {folder}")
    return check


def take_entry(check: SubmissionCheck, path: Path, released: list[str]) -> None:
    """Read one entry of the folder into the check, or say why not."""
    name = path.name
    graded = name in released or name in NBGRADER_FILES
    try:
        data = read_regular_file(path, MAX_NOTEBOOK_BYTES if name in released else NBGRADER_FILES_BYTES)
    except NotRegular as error:
        reason = str(error)
        if reason == "a folder":
            check.warnings.append(f"folder {name}/ is not part of the assignment: ignored")
            return
        check.flags.append(Flag(name.removesuffix(".ipynb") if name in released else name, -1, 0,
                                "not-a-regular-file", f"{name} is {reason}"))
        check.warnings.append(f"{name} is {reason}: never read or copied" + ("; it scores 0" if name in released
                                                                               else ""))
        if name in released:
            check.unreadable[name] = f"{name} is {reason}"
        return
    except OSError as error:
        check.warnings.append(f"{name} cannot be read ({error.strerror}): ignored")
        return
    if not graded:
        check.warnings.append(f"{name} is not part of the assignment: ignored")
    elif name in NBGRADER_FILES:
        valid, what = NBGRADER_FILES[name]
        if len(data) <= NBGRADER_FILES_BYTES and valid(data):
            check.nbgrader_files[name] = data
        else:
            check.warnings.append(f"{name} is not {what} (at most {NBGRADER_FILES_BYTES} bytes): left out")
    else:
        try:
            parse_notebook(data)
        except ValueError as error:
            check.flags.append(Flag(name.removesuffix(".ipynb"), -1, 0, "unreadable-notebook", str(error)))
            check.warnings.append(f"{name}: {error}: not graded, it scores 0")
            check.unreadable[name] = str(error)
            return
        check.notebooks[name] = data


def tree_digest(folder: Path) -> dict[str, str]:
    """A fingerprint of every entry under a folder, by relative path, that reads nothing but regular files with one
    name (their sha256; by size, time and inode above DIGESTED_BYTES). Links are recorded by their text, other
    special files and hard links by their kind and inode: never followed or opened, so a link to a file that
    changes (a /proc file, the gradebook) does not change the digest."""
    digest = {}
    for top, folders, files in os.walk(folder, followlinks=False):
        for name in sorted(folders) + sorted(files):
            path = Path(top) / name
            key = str(path.relative_to(folder))
            try:
                info = os.lstat(path)
            except OSError:
                digest[key] = "vanished"
                continue
            problem = describe_entry(info, path)
            if stat.S_ISLNK(info.st_mode):
                digest[key] = f"link {os.readlink(path)}"
            elif stat.S_ISDIR(info.st_mode):
                digest[key] = "folder"
            elif problem:
                digest[key] = f"{problem.split(' (')[0]} inode {info.st_ino} mode {info.st_mode:o}"
            elif info.st_size > DIGESTED_BYTES:
                digest[key] = f"large {info.st_size} {info.st_mtime_ns} {info.st_ino}"
            else:
                try:
                    digest[key] = hashlib.sha256(read_regular_file(path, DIGESTED_BYTES)).hexdigest()
                except (NotRegular, OSError) as error:
                    digest[key] = f"unreadable {error}"
    return digest
