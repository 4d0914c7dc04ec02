"""The class roster, and the students' names in the gradebook (so the formgrader does not list "None, None").

    python -m autograde.intake.roster [--roster CSV] [--course-dir DIR]

roster.csv (make collect ROSTER=... keeps a copy as course/roster.csv): one row per student with the columns
    lms_id, student_id, first_name, last_name, email
in any order and header case (`LMS ID`, `First Name`, `E-mail` … are understood), comma, semicolon or tab separated,
UTF-8 with or without BOM; extra columns are ignored. lms_id is the student's id in the LMS download (Canvas user
id, Moodle participant id, the folder name of a generic zip); it may be empty for a class that never uses a zip.

nbgrader's autograde and collect add students with an id only. The command above writes first name, last name,
email and LMS id of every roster student, and of every student in submitted/ (names from the roster, else from
their Unix account's full name, as on a JupyterHub: "Last, First" or "First Last"), into gradebook.db.
"""

import argparse
import csv
import io
import pwd
import re
import sys
from dataclasses import dataclass
from pathlib import Path

from autograde.course import Course
from autograde.grade.gradebook import single_run
from autograde.grade.submission_check import STUDENT_ID
from autograde.settings import COURSE_ID

ROSTER_COLUMNS = ("lms_id", "student_id", "first_name", "last_name", "email")
ALIASES = {
    **dict.fromkeys(("lmsid", "lms", "lms_user_id", "canvas_id", "canvas_user_id", "moodle_id", "participant_id",
                     "moodle_participant_id"), "lms_id"),
    **dict.fromkeys(("studentid", "student_number", "student_no"), "student_id"),
    **dict.fromkeys(("firstname", "first", "given_name"), "first_name"),
    **dict.fromkeys(("lastname", "last", "surname", "family_name"), "last_name"),
    **dict.fromkeys(("e_mail", "email_address", "mail"), "email"),
}
# Moodle's worksheet writes the participant id as "Participant 1234567" (in the teacher's language): the id alone
MOODLE_PARTICIPANT = re.compile(r"^(?:Participant|参加者)\s*(\d+)$")


class RosterError(ValueError):
    pass


@dataclass(frozen=True)
class RosterEntry:
    lms_id: str
    student_id: str
    first_name: str = ""
    last_name: str = ""
    email: str = ""

    @property
    def full_name(self) -> str:
        return " ".join(part for part in (self.first_name, self.last_name) if part)


class Roster:
    def __init__(self, entries: list[RosterEntry], path: str = ""):
        self.entries, self.path = entries, path
        self.by_lms_id = {entry.lms_id: entry for entry in entries if entry.lms_id}
        self.by_student = {entry.student_id: entry for entry in entries}


def _header_key(name: str) -> str:
    key = re.sub(r"[\s\-]+", "_", name.strip().lstrip("\ufeff").strip().lower())
    return ALIASES.get(key, key)


def read_roster(path: Path) -> Roster:
    """The roster CSV (module docstring); every bad row is named in one RosterError."""
    text = Path(path).read_bytes().decode("utf-8-sig")
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    rows = [row for row in csv.reader(io.StringIO(text), dialect) if any(cell.strip() for cell in row)]
    if not rows:
        raise RosterError(f"{path}: empty roster")
    header = [_header_key(cell) for cell in rows[0]]
    if "student_id" not in header:
        raise RosterError(f"{path}: no column student_id in the header {rows[0]} "
                          f"(expected {', '.join(ROSTER_COLUMNS)})")
    index = {column: header.index(column) for column in ROSTER_COLUMNS if column in header}
    entries, errors, seen_lms, seen_student = [], [], {}, {}
    for line, row in enumerate(rows[1:], start=2):
        values = {column: row[i].strip() if i < len(row) else "" for column, i in index.items()}
        participant = MOODLE_PARTICIPANT.match(values.get("lms_id", ""))
        if participant:
            values["lms_id"] = participant[1]
        entry = RosterEntry(**values)
        if not STUDENT_ID.match(entry.student_id):
            errors.append(f"line {line}: student_id {entry.student_id!r} is not a valid nbgrader id "
                          "(letters, digits, _ . -, starting with a letter or digit)")
        elif entry.lms_id and entry.lms_id in seen_lms:
            errors.append(f"line {line}: lms_id {entry.lms_id} already on line {seen_lms[entry.lms_id]}")
        elif entry.student_id in seen_student:
            first = seen_student[entry.student_id]
            errors.append(f"line {line}: student_id {entry.student_id} already on line {first}")
        else:
            seen_lms[entry.lms_id], seen_student[entry.student_id] = line, line
            entries.append(entry)
    if errors:
        raise RosterError(f"{path}: " + "; ".join(errors))
    return Roster(entries, str(path))


def account_name(user: str) -> tuple[str, str]:
    """(first, last) from a Unix account's full name (GECOS "Last, First" or "First Last"); ("", "") if none."""
    try:
        full = pwd.getpwnam(user).pw_gecos.split(",,")[0].strip()
    except KeyError:
        return "", ""
    if "," in full:
        last, first = (part.strip() for part in full.split(",", 1))
        return first, last
    first, _, last = full.rpartition(" ")
    return (first, last) if first else (full, "")


def names_for(students: list[str], roster: Roster | None) -> list[RosterEntry]:
    """Everyone to name: the roster's students, then the others with their account's full name (if any)."""
    found = list(roster.entries) if roster else []
    known = {entry.student_id for entry in found}
    for student in sorted(set(students) - known):
        first, last = account_name(student)
        if first or last:
            found.append(RosterEntry("", student, first, last))
    return found


def write_names(gradebook: Path, entries: list[RosterEntry]) -> int:
    """Names, email and LMS id into nbgrader's gradebook (students created if missing); empty fields are left as
    they were. Call it under the course lock (SQLite has one writer)."""
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{Path(gradebook).resolve()}", COURSE_ID) as book:
        for entry in entries:
            fields = {"first_name": entry.first_name, "last_name": entry.last_name, "email": entry.email,
                      "lms_user_id": entry.lms_id}
            book.update_or_create_student(entry.student_id, **{key: value for key, value in fields.items() if value})
    return len(entries)


def name_students(course: Course, roster_path: Path | None = None, locked: bool = False) -> str:
    """Names of the roster's and submitted/'s students into the course's gradebook; one line saying what was done."""
    if not course.gradebook.is_file():
        return "roster: no gradebook yet (make release first): names not written"
    roster_path = roster_path or (course.roster_csv if course.roster_csv.is_file() else None)
    roster = read_roster(roster_path) if roster_path else None
    students = [path.name for path in course.submitted_dir.glob("*") if path.is_dir()]
    entries = names_for(students, roster)
    if locked:
        count = write_names(course.gradebook, entries)
    else:
        with single_run(course):
            count = write_names(course.gradebook, entries)
    source = f"the roster {roster_path}" if roster else "the Unix accounts' full names"
    return f"roster: names of {count} students written to the gradebook (from {source})"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--roster", type=Path, help="default: course/roster.csv when it exists")
    parser.add_argument("--course-dir", type=Path, default=Course().root)
    args = parser.parse_args(argv)
    try:
        print(name_students(Course(args.course_dir.resolve()), args.roster))
    except (RosterError, OSError) as error:
        print(f"roster: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
