"""A class through nbgrader's exchange (JupyterHub, or the Assignment List of a local JupyterLab): the course's own
steps around nbgrader's transfers.

    python -m autograde.intake.exchange release            make release-exchange: make release (build, checks), then
                                                          `nbgrader release_assignment` into the exchange
    python -m autograde.intake.exchange collect [--roster CSV] [--dry-run] [--replace-older]
                                                          make collect-exchange: the students' submissions from the
                                                          exchange's inbound/ into submitted/, names into the gradebook
    python -m autograde.intake.exchange return-feedback [student ...]
                                                          make return-feedback: make feedback (hidden tests removed,
                                                          leak check), then `nbgrader release_feedback`

The exchange is $CNN1D_EXCHANGE_ROOT (a hub sets it for everyone: deploy/jupyterhub/), else course/exchange.

collect does not run `nbgrader collect`, which takes the student's name from the folder name (any account can
submit as another: nbgrader only warns "cheating attempt?"), copies every file and follows symbolic links as the
instructor. Here each submission folder <student>+cnn1d+<time>+<random> must belong to that student's Unix account;
its latest submission wins; only regular files are read (never through a link), under the size limit; only
released notebooks (names resolved as for zips) are copied, with nbgrader's timestamp.txt and submission_secret.txt
(release_feedback needs it). The same staging, submission check and report as `make collect` follow.
"""

import argparse
import os
import pwd
import re
import stat
import sys
from collections import defaultdict
from contextlib import nullcontext
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path

from autograde.build.release import release
from autograde.course import Course
from autograde.grade.submission_check import STUDENT_ID
from autograde.intake.names import NameResolver, resolve_entry
from autograde.intake.report import Entry, IntakeReport, StudentResult
from autograde.intake.roster import RosterError, account_name, name_students, read_roster
from autograde.intake.staging import (
    TIMESTAMP_FILE,
    Chosen,
    IntakeError,
    Placement,
    add_intake_options,
    locked,
    parse_time,
    pick_latest,
    place_student,
    sha256_of,
)
from autograde.nbgrader_run import NbgraderError, run_nbgrader
from autograde.report.feedback import make_feedback
from autograde.settings import ASSIGNMENT, COURSE_ID, EXCHANGE_ROOT_ENV, HUB_EXCHANGE_ROOT, IntakeLimits

SECRET_FILE = "submission_secret.txt"  # written by nbgrader submit; release_feedback names the feedback after it
METADATA_BYTES = 4096  # timestamp.txt and submission_secret.txt are a few dozen bytes
FUTURE_SLACK = timedelta(minutes=5)


def exchange_root(course: Course, environ=os.environ) -> Path:
    """$CNN1D_EXCHANGE_ROOT, else course/exchange; refused when a hub's exchange exists but is not named (an
    instructor in an ssh session would otherwise release where no student looks)."""
    if environ.get(EXCHANGE_ROOT_ENV):
        return Path(environ[EXCHANGE_ROOT_ENV])
    if Path(HUB_EXCHANGE_ROOT).is_dir():
        raise IntakeError(f"this machine has a hub's exchange {HUB_EXCHANGE_ROOT}, but ${EXCHANGE_ROOT_ENV} is not "
                          f"set: set {EXCHANGE_ROOT_ENV}={HUB_EXCHANGE_ROOT} (as a hub terminal has it), or "
                          f"{EXCHANGE_ROOT_ENV}={course.local_exchange} for the course's own exchange")
    return course.local_exchange


def nbgrader_exchange(course: Course, *args: str) -> str:
    """An nbgrader exchange command with the course's config and exchange; its output."""
    result = run_nbgrader(course, *args, extra_env={EXCHANGE_ROOT_ENV: str(exchange_root(course))})
    return (result.stdout + result.stderr).strip()


# --- release and return ----------------------------------------------------------------------------------------------

def release_to_exchange(course: Course) -> bool:
    root = exchange_root(course)
    if not release(course):
        print("release-exchange: the release failed its checks; nothing put in the exchange", file=sys.stderr)
        return False
    print(nbgrader_exchange(course, "release_assignment", ASSIGNMENT, "--force"))
    print(f"release-exchange: {ASSIGNMENT} released to the exchange {root}/{COURSE_ID}/outbound; students fetch it "
          "from their Assignment List")
    return True


def return_feedback(course: Course, students: list[str]) -> bool:
    """Feedback pages (hidden tests removed; a leaking page is deleted, so never released), then released through
    the exchange to the students who submitted through it."""
    exchange_root(course)  # refuse before the work if the exchange is ambiguous
    clean = make_feedback(course)
    folders = sorted(path.parent for path in course.feedback_dir.glob(f"*/{ASSIGNMENT}/*.html"))
    chosen = sorted({folder.parent.name for folder in folders if not students or folder.parent.name in students})
    through_exchange = [s for s in chosen if (course.feedback_dir / s / ASSIGNMENT / SECRET_FILE).is_file()]
    others = sorted(set(chosen) - set(through_exchange))
    if others:
        print(f"return-feedback: {', '.join(others)} did not submit through the exchange (no {SECRET_FILE}): hand "
              "their feedback back another way (make export-lms writes a zip per student)")
    if not through_exchange:
        print("return-feedback: no feedback to release through the exchange", file=sys.stderr)
        return False
    everyone = sorted(path.name for path in course.feedback_dir.iterdir() if path.is_dir())
    exclude = [student for student in everyone if student not in through_exchange]
    args = ["release_feedback", ASSIGNMENT] + ([f"--CourseDirectory.student_id_exclude={','.join(exclude)}"]
                                               if exclude else [])
    print(nbgrader_exchange(course, *args))
    print(f"return-feedback: feedback released to {len(through_exchange)} students: {', '.join(through_exchange)}; "
          "they click Fetch Feedback in their Assignment List")
    return clean


# --- collect ---------------------------------------------------------------------------------------------------------

def parse_folder_name(name: str) -> tuple[str, str, str] | None:
    """<student>+<assignment>+<timestamp>[+<random>] -> (student, assignment, timestamp), as nbgrader names it."""
    parts = name.rsplit("+", 3)
    if len(parts) == 4:
        return parts[0], parts[1], parts[2]
    return (parts[0], parts[1], parts[2]) if len(parts) == 3 else None


def utc_now() -> datetime:
    """Now as nbgrader compares times: naive UTC."""
    return datetime.now(UTC).replace(tzinfo=None)


def readable_time(text: str) -> bool:
    return bool(text) and parse_time(text) != parse_time("")


def owner_name(info: os.stat_result) -> str:
    try:
        return pwd.getpwuid(info.st_uid).pw_name
    except KeyError:
        return f"uid {info.st_uid}"


def read_small_file(path: Path, limit: int) -> bytes:
    """A regular file's bytes, never through a symbolic link, never a fifo or device, never more than limit bytes.
    Raises ValueError (what it is instead) or OSError."""
    fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise ValueError("not a regular file")
        if info.st_nlink > 1:
            raise ValueError("a hard link (the file has other names elsewhere)")
        if info.st_size > limit:
            raise ValueError(f"{info.st_size} bytes, more than {limit}")
        with os.fdopen(os.dup(fd), "rb") as file:
            data = file.read(limit + 1)
        if len(data) > limit:
            raise ValueError(f"more than {limit} bytes")
        return data
    finally:
        os.close(fd)


def copy_file(source: Path, target: Path, limit: int) -> str:
    target.write_bytes(read_small_file(source, limit))
    return sha256_of(target)


def file_kind(mode: int) -> str:
    if stat.S_ISLNK(mode):
        return "symbolic link (never followed)"
    if stat.S_ISDIR(mode):
        return "folder"
    return "" if stat.S_ISREG(mode) else "special file (device, fifo or socket)"


class ExchangeCollect:
    """One `make collect-exchange` run; run() returns the report."""

    def __init__(self, course: Course, roster=None, limits: IntakeLimits | None = None, dry_run=False,
                 replace_older=False, now: datetime | None = None):
        self.course, self.limits = course, limits or IntakeLimits()
        self.roster = read_roster(Path(roster)) if isinstance(roster, (str, Path)) else roster
        self.dry_run, self.replace_older, self.now = dry_run, replace_older, now or utc_now()
        self.inbound = exchange_root(course) / COURSE_ID / "inbound"
        self.entries: list[Entry] = []

    def entry(self, name: str, status: str = "", reason: str = "", size: int = 0, date_time: str = "",
              **fields) -> Entry:
        item = Entry(len(self.entries), name, size, size, date_time, status=status, reason=reason, **fields)
        self.entries.append(item)
        return item

    def run(self) -> IntakeReport:
        released = sorted(path.name for path in self.course.release_dir.glob("*.ipynb"))
        if not released:
            raise IntakeError(f"no released notebooks in {self.course.release_dir}: run `make release-exchange` first")
        if not self.inbound.is_dir():
            raise IntakeError(f"no exchange inbound folder {self.inbound}: run `make release-exchange` first")
        report = IntakeReport(str(self.inbound), "exchange", ASSIGNMENT, released, roster=getattr(
            self.roster, "path", ""), started=self.now.strftime("%Y-%m-%d %H:%M:%S UTC"), dry_run=self.dry_run)
        submissions = self.submissions()
        with nullcontext() if self.dry_run else locked(self.course):
            for student in sorted(submissions):
                report.students.append(self.collect_student(student, submissions[student], released, report))
            if not self.dry_run:
                report.notes.append(name_students(self.course, Path(self.roster.path) if self.roster else None,
                                                  locked=True))
        report.entries = self.entries
        return report

    def submissions(self) -> dict[str, list[tuple[datetime, str, Path]]]:
        """student -> [(time, timestamp text, folder)] of the submission folders that are theirs."""
        found = defaultdict(list)
        for item in sorted(os.scandir(self.inbound), key=lambda item: item.name):
            info = item.stat(follow_symlinks=False)
            parsed = parse_folder_name(item.name)
            if parsed is None or parsed[1] != ASSIGNMENT:
                why = "not an nbgrader submission folder" if parsed is None else f"assignment {parsed[1]}, not ours"
                self.entry(item.name, "ignored", why)
            elif file_kind(info.st_mode) != "folder":
                self.entry(item.name, "refused", file_kind(info.st_mode) or "a file, not a submission folder")
            elif owner_name(info) != parsed[0]:
                self.entry(item.name, "refused", f"claims to be {parsed[0]}'s submission but belongs to "
                           f"{owner_name(info)}: never collected", lms_id=parsed[0])
            elif not STUDENT_ID.match(parsed[0]):
                self.entry(item.name, "unmatched", f"account name {parsed[0]!r} is not a valid nbgrader student id")
            else:
                found[parsed[0]].append((parse_time(parsed[2]), parsed[2], Path(item.path)))
        return found

    def collect_student(self, student: str, folders, released, report) -> StudentResult:
        folders = sorted(folders, key=lambda item: item[0])
        *older, (_, name_time, folder) = folders
        for _, _, old in older:
            self.entry(old.name, "superseded", f"{folder.name} is newer", student=student, lms_id=student)
        roster_entry = self.roster.by_student.get(student) if self.roster else None
        full_name = roster_entry.full_name if roster_entry else " ".join(account_name(student)).strip()
        result = StudentResult(student, student, full_name)
        if self.roster and roster_entry is None:
            result.notes.append(f"not in the roster {self.roster.path}")
        timestamp, secret = self.metadata(folder, name_time, result)
        chosen = self.notebooks(folder, student, NameResolver(released))
        if not chosen:
            result.outcome = "empty"
            result.notes.append(f"no released notebook in {folder.name}")
            return result
        how = Placement("exchange", str(self.inbound), report.started, timestamp, self.dry_run, self.replace_older,
                        {SECRET_FILE: secret} if secret else {})
        place_student(self.course, result, chosen, released, how)
        return result

    def metadata(self, folder: Path, name_time: str, result: StudentResult) -> tuple[str, bytes]:
        """timestamp.txt (as written, for nbgrader) and submission_secret.txt of a submission folder."""
        values = {}
        for name in (TIMESTAMP_FILE, SECRET_FILE):
            try:
                values[name] = read_small_file(folder / name, METADATA_BYTES)
            except (OSError, ValueError) as error:
                result.notes.append(f"{folder.name}/{name}: {error}")
        text = values.get(TIMESTAMP_FILE, b"").decode("utf-8", "replace").strip()
        if not readable_time(text):
            result.notes.append(f"{folder.name}/{TIMESTAMP_FILE} unreadable: the folder name's time is used")
            text = name_time
        if parse_time(text) > self.now + FUTURE_SLACK:
            result.notes.append(f"timestamp {text} is in the future: the student's clock, or an edited file")
        secret = values.get(SECRET_FILE, b"")
        if secret and not re.fullmatch(rb"[0-9a-fA-F]{16,1024}", secret.strip()):
            result.notes.append(f"{SECRET_FILE} is not nbgrader's: left out (feedback cannot be released to them)")
            secret = b""
        return text, secret

    def notebooks(self, folder: Path, student: str, resolver: NameResolver) -> dict[str, Chosen]:
        candidates = defaultdict(list)
        for item in sorted(os.scandir(folder), key=lambda item: item.name):
            if item.name in (TIMESTAMP_FILE, SECRET_FILE):
                continue
            info = item.stat(follow_symlinks=False)
            modified = datetime.fromtimestamp(info.st_mtime).isoformat(" ", "seconds")
            entry = self.entry(f"{folder.name}/{item.name}", size=info.st_size, date_time=modified,
                               file_name=item.name, lms_id=student)
            kind = file_kind(info.st_mode)
            if kind == "folder":
                entry.status, entry.reason = "ignored", "a folder inside the submission"
            elif kind:
                entry.status, entry.reason = "refused", kind
            elif info.st_size > self.limits.max_file_bytes:
                entry.status, entry.reason = "refused", f"{info.st_size} bytes, more than {self.limits.max_file_bytes}"
            elif resolve_entry(entry, resolver):
                entry.student = student
                candidates[entry.notebook].append(entry)
        chosen = {}
        for notebook, entries in candidates.items():
            # the exact name first (a Jupyter "-Copy1" beside it is a copy the student made), then the newest file
            winner = pick_latest(entries, lambda e: (not e.rules, e.date_time, e.index),
                                 lambda won, others: f"chosen over {len(others)}: "
                                                     + ("the exact name" if not won.rules else "the newest file"))
            source = folder / winner.file_name
            chosen[notebook] = Chosen(winner, partial(copy_file, source, limit=self.limits.max_file_bytes),
                                      {"inbound": folder.name})
        return chosen


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("step", choices=("release", "collect", "return-feedback"))
    parser.add_argument("students", nargs="*", help="return-feedback: only these students")
    add_intake_options(parser, "collect: CSV with student_id, names, email (default: course/roster.csv)")
    args = parser.parse_args(argv)
    course = Course(args.course_dir.resolve())
    try:
        if args.step == "release":
            return 0 if release_to_exchange(course) else 1
        if args.step == "return-feedback":
            return 0 if return_feedback(course, args.students) else 1
        roster = args.roster or (course.roster_csv if course.roster_csv.is_file() else None)
        report = ExchangeCollect(course, roster, dry_run=args.dry_run, replace_older=args.replace_older).run()
    except (IntakeError, RosterError, NbgraderError, OSError) as error:
        print(f"{args.step}: {error}", file=sys.stderr)
        return 2
    report_path = course.intake_dir / f"exchange-{datetime.now():%Y%m%d-%H%M%S}"
    report.write(report_path)
    report.print_to(report_path)
    return 0 if report.ok else 1


if __name__ == "__main__":
    sys.exit(main())
