"""`make export-lms`: grades and feedback in the shapes Canvas's and Moodle's imports accept.

    python -m autograde.report.lms_export [--course-dir DIR] [--roster roster.csv] [--out DIR]
                                          [--canvas-assignment "CNN1D (12345)"] [--total-out-of 100]

From course/grades.csv (grades.py writes it: one row per student and notebook), the roster (lms_id, student_id,
names, email; default course/roster.csv, kept by make collect) and, for students collected from a zip,
submitted/<student>/.intake.json (the LMS account and the file ids of their submission), into course/lms-export/:

    canvas_grades.csv      Canvas: Grades > Import. Student, ID, SIS User ID, SIS Login ID, Section, a column per
                           notebook and the total, a "Points Possible" row. ID is the Canvas user id.
    moodle_worksheet.csv   Moodle assignment: "Upload grading worksheet" (offline grading worksheet on). Identifier
                           "Participant <id>", Grade = the total, Last modified (grade), Feedback comments = the
                           per-notebook scores. One grade: the assignment's.
    moodle_gradebook.csv   Moodle gradebook: Import > CSV file. First name, Last name, ID number, Email address, a
                           column per notebook and the total; map "Email address" to the user's email.
    feedback_canvas.zip    Canvas: Submissions > "Re-upload submissions" (the file names carry user and file ids).
    feedback_moodle.zip    Moodle assignment: "Upload multiple feedback files in a zip" (feedback files on).
    feedback/<student>.zip one zip per student, for any LMS or e-mail.

docs/instructor.md says which file goes to which import, and the LMS source code each shape follows (Canvas
gradebook_importer.rb and Assignment#generate_comments_from_files; Moodle assignfeedback_offline's importer,
grade/import/csv and assignfeedback_file's zip importer). Nothing is sent anywhere.
"""

import argparse
import csv
import io
import json
import re
import sys
import zipfile
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from autograde.course import Course
from autograde.intake.roster import Roster, RosterError, read_roster
from autograde.intake.staging import INTAKE_FILE
from autograde.report.grades import CSV_COLUMNS
from autograde.settings import ASSIGNMENT

# Canvas's importer drops every header containing one of these (GradebookImporter::NON_ASSIGNMENT_COLUMN_HEADERS,
# matched anywhere in the header): a column named so would never be imported.
CANVAS_READ_ONLY = ["Current Score", "Current Points", "Current Grade", "Final Score", "Final Points", "Final Grade",
                    "Override Score", "Override Grade", "Override Status"]
CANVAS_STUDENT_COLUMNS = ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"]
MOODLE_WORKSHEET_COLUMNS = ["Identifier", "Full name", "Email address", "Status", "Grade", "Maximum Grade",
                            "Grade can be changed", "Last modified (submission)", "Last modified (grade)",
                            "Feedback comments"]
MOODLE_PARTICIPANT = "Participant "  # get_string('hiddenuser', 'assign') in English; the importer strips it
MOODLE_GRADEBOOK_COLUMNS = ["First name", "Last name", "ID number", "Email address"]
ZIP_TIME = (2020, 1, 1, 0, 0, 0)


class ExportError(Exception):
    pass


@dataclass
class Grades:
    notebooks: list[str]  # notebook names (no .ipynb), in order
    maxima: dict[str, float]
    scores: dict[str, dict[str, float]]  # student -> notebook -> score

    def total(self, student: str) -> float:
        return sum(self.scores[student].get(notebook, 0.0) for notebook in self.notebooks)

    @property
    def max_total(self) -> float:
        return sum(self.maxima.values())


def read_grades(path: Path) -> Grades:
    with Path(path).open(newline="", encoding="utf-8-sig") as file:
        reader = csv.DictReader(file)
        missing = [column for column in ("student", "notebook", "score", "max_score")
                   if column not in (reader.fieldnames or [])]
        if missing:
            raise ExportError(f"{path}: no column {', '.join(missing)} (expected {', '.join(CSV_COLUMNS)})")
        maxima: dict[str, float] = {}
        scores: dict[str, dict[str, float]] = {}
        for line, row in enumerate(reader, start=2):
            try:
                score, maximum = float(row["score"]), float(row["max_score"])
            except ValueError:
                raise ExportError(f"{path}, line {line}: score {row['score']!r} / {row['max_score']!r}") from None
            notebook = row["notebook"].removesuffix(".ipynb")
            if maxima.setdefault(notebook, maximum) != maximum:
                raise ExportError(f"{path}, line {line}: {notebook} is out of {maximum:g} here, "
                                  f"{maxima[notebook]:g} above")
            if notebook in scores.setdefault(row["student"], {}):
                raise ExportError(f"{path}, line {line}: {row['student']} {notebook} twice")
            scores[row["student"]][notebook] = score
    return Grades(sorted(maxima), maxima, scores)


@dataclass
class Identity:
    student: str
    lms: str = ""  # canvas / moodle / generic, from the intake record
    lms_id: str = ""
    first_name: str = ""
    last_name: str = ""
    email: str = ""
    lms_name: str = ""  # the name as the LMS wrote it in the download
    prefix: str = ""  # Canvas: what precedes the user id in the file names; Moodle: the full name of the folder
    attachments: dict[str, str] = field(default_factory=dict)  # Canvas: notebook -> file (attachment) id
    timestamp: str = ""


def identities(students: list[str], roster: Roster | None,
               submitted_dir: Path | None) -> tuple[dict[str, Identity], list[str]]:
    """Who each graded student is in the LMS: the roster first, then what collect recorded in submitted/."""
    found, notes = {}, []
    for student in students:
        identity = Identity(student)
        intake = None
        if submitted_dir is not None:
            try:
                intake = json.loads((Path(submitted_dir) / student / INTAKE_FILE).read_text(encoding="utf-8"))
            except (OSError, ValueError):
                intake = None
        if intake:
            identity.lms, identity.lms_id = intake.get("lms", ""), str(intake.get("lms_id", ""))
            identity.lms_name, identity.timestamp = intake.get("lms_name", ""), intake.get("timestamp", "")
            for notebook, record in intake.get("notebooks", {}).items():
                if record.get("attachment_id"):
                    identity.attachments[notebook.removesuffix(".ipynb")] = str(record["attachment_id"])
                identity.prefix = identity.prefix or record.get("prefix", "")
        entry = roster.by_student.get(student) if roster else None
        if entry:
            if identity.lms_id and identity.lms_id != entry.lms_id:
                notes.append(f"{student}: the roster says LMS id {entry.lms_id}, the collected zip said "
                             f"{identity.lms_id}: the roster's is used")
                identity.attachments, identity.prefix = {}, ""
            identity.lms_id, identity.email = entry.lms_id, entry.email
            identity.first_name, identity.last_name = entry.first_name, entry.last_name
        found[student] = identity
    return found, notes


def _fits(person: Identity, lms: str) -> bool:
    """Is this student's LMS id one of this LMS's? Unknown (roster only, or a generic zip): assumed so."""
    return person.lms in (lms, "", "generic")


def _number(value: float) -> str:
    return f"{round(value, 2):g}"


def _text(value: str) -> str:
    """A free-text cell that a spreadsheet will not run as a formula."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def _write_csv(path: Path, rows: list[list[str]]) -> None:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")  # no BOM: Moodle matches header names exactly


@dataclass
class ExportReport:
    written: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    skipped: dict[str, list[str]] = field(default_factory=dict)  # output -> "student: why"

    def skip(self, output: str, student: str, why: str) -> None:
        self.skipped.setdefault(output, []).append(f"{student}: {why}")

    def to_text(self) -> str:
        lines = [f"wrote {path}" for path in self.written]
        lines += [f"note: {note}" for note in self.notes]
        for output, items in self.skipped.items():
            lines.append(f"{output}: {len(items)} student{'s' if len(items) != 1 else ''} left out")
            lines += [f"  {item}" for item in items]
        return "\n".join(lines) + "\n"


def canvas_headers(grades: Grades, assignment: str, canvas_assignment: str | None) -> tuple[list[str], str]:
    columns = [f"{assignment} {notebook}" for notebook in grades.notebooks]
    total = canvas_assignment or f"{assignment} total"
    for header in columns + [total]:
        hit = next((word for word in CANVAS_READ_ONLY if word in header), None)
        if hit:
            raise ExportError(f"Canvas column {header!r} contains {hit!r}: Canvas would ignore it on import")
        if header in CANVAS_STUDENT_COLUMNS:
            raise ExportError(f"Canvas column {header!r} is a student column name")
    return columns, total


def write_canvas_grades(path: Path, grades: Grades, people: dict[str, Identity], report: ExportReport,
                        assignment: str, canvas_assignment: str | None, scale: float) -> None:
    columns, total = canvas_headers(grades, assignment, canvas_assignment)
    rows = [CANVAS_STUDENT_COLUMNS + columns + [total],
            ["    Points Possible", "", "", "", ""] + [_number(grades.maxima[n]) for n in grades.notebooks]
            + [_number(grades.max_total * scale)]]
    for student in sorted(grades.scores):
        person = people[student]
        if not person.lms_id.isdigit() or not _fits(person, "canvas"):
            report.skip(path.name, student, "no Canvas user id (not in the roster, not collected from a Canvas zip"
                        + (f"; {person.lms_id} is an anonymous id" if person.lms_id else "") + ")")
            continue
        name = ", ".join(part for part in (person.last_name, person.first_name) if part) or person.lms_name or student
        scores = grades.scores[student]
        rows.append([_text(name), person.lms_id, "", "", ""]
                    + [_number(scores[n]) if n in scores else "" for n in grades.notebooks]
                    + [_number(grades.total(student) * scale)])
    _write_csv(path, rows)
    report.written.append(str(path))


def _moodle_time(when: datetime) -> str:
    return when.astimezone().isoformat(timespec="seconds")  # strtotime() reads ISO 8601 with its offset


def write_moodle_worksheet(path: Path, grades: Grades, people: dict[str, Identity], report: ExportReport,
                           scale: float, now: datetime) -> None:
    rows = [MOODLE_WORKSHEET_COLUMNS]
    for student in sorted(grades.scores):
        person = people[student]
        if not person.lms_id.isdigit() or not _fits(person, "moodle"):
            report.skip(path.name, student, "no Moodle participant id (not in the roster, not collected from a "
                        "Moodle zip)")
            continue
        scores = grades.scores[student]
        comments = "; ".join(f"{n} {_number(scores[n])}/{_number(grades.maxima[n])}" if n in scores else f"{n} -"
                             for n in grades.notebooks)
        full_name = " ".join(part for part in (person.first_name, person.last_name) if part) or person.lms_name
        rows.append([MOODLE_PARTICIPANT + person.lms_id, _text(full_name), _text(person.email),
                     "Submitted for grading", _number(grades.total(student) * scale),
                     _number(grades.max_total * scale), "Yes", person.timestamp, _moodle_time(now), comments])
    _write_csv(path, rows)
    report.written.append(str(path))


def write_moodle_gradebook(path: Path, grades: Grades, people: dict[str, Identity], report: ExportReport,
                           assignment: str, scale: float) -> None:
    rows = [MOODLE_GRADEBOOK_COLUMNS + [f"{assignment} {n}" for n in grades.notebooks] + [f"{assignment} total"]]
    for student in sorted(grades.scores):
        person = people[student]
        if not person.email:
            report.skip(path.name, student, "no email in the roster: the gradebook import cannot find the user")
            continue
        scores = grades.scores[student]
        rows.append([_text(person.first_name), _text(person.last_name), student, person.email]
                    + [_number(scores[n]) if n in scores else "" for n in grades.notebooks]
                    + [_number(grades.total(student) * scale)])
    _write_csv(path, rows)
    report.written.append(str(path))


def _feedback_files(feedback_dir: Path, student: str, assignment: str) -> list[Path]:
    folder = feedback_dir / student / assignment
    return sorted(path for path in folder.glob("*.html") if path.is_file() and not path.is_symlink())


def _add(archive: zipfile.ZipFile, name: str, data: bytes) -> None:
    info = zipfile.ZipInfo(name, ZIP_TIME)
    info.external_attr = 0o100644 << 16
    info.compress_type = zipfile.ZIP_DEFLATED
    info.flag_bits |= 0x800  # UTF-8 names
    archive.writestr(info, data)


def _moodle_name(text: str) -> str:
    """A full name as Moodle writes it in folder names: '_' as a space, no path or control characters."""
    text = re.sub(r'[\x00-\x1f\x7f/\\:*?"<>|]', "", text.replace("_", " ")).strip()
    return text or "Participant"


def write_feedback(out_dir: Path, feedback_dir: Path, grades: Grades, people: dict[str, Identity],
                   report: ExportReport, assignment: str) -> None:
    canvas, moodle = io.BytesIO(), io.BytesIO()
    counts = {"feedback_canvas.zip": 0, "feedback_moodle.zip": 0}
    per_student = out_dir / "feedback"
    with zipfile.ZipFile(canvas, "w") as canvas_zip, zipfile.ZipFile(moodle, "w") as moodle_zip:
        for student in sorted(grades.scores):
            files = _feedback_files(feedback_dir, student, assignment)
            if not files:
                report.skip("feedback", student, f"no feedback in {feedback_dir / student / assignment}")
                continue
            per_student.mkdir(parents=True, exist_ok=True)
            with zipfile.ZipFile(per_student / f"{student}.zip", "w") as own:
                for path in files:
                    _add(own, f"{assignment}/{path.name}", path.read_bytes())
            person = people[student]
            if person.lms == "canvas" and person.lms_id.isdigit() and person.attachments and person.prefix:
                fallback = person.attachments[sorted(person.attachments)[0]]
                for path in files:
                    attachment = person.attachments.get(path.stem, fallback)
                    _add(canvas_zip, f"{person.prefix}_{person.lms_id}_{attachment}_{path.name}", path.read_bytes())
                    counts["feedback_canvas.zip"] += 1
            else:
                report.skip("feedback_canvas.zip", student, "not collected from a Canvas zip with a numeric user "
                            "id: Canvas needs the user and file ids of the submission in each name")
            if person.lms_id.isdigit() and _fits(person, "moodle"):
                name = _moodle_name(person.prefix or person.lms_name or f"{person.first_name} {person.last_name}")
                folder = f"{name}_{person.lms_id}_assignsubmission_file_"
                for path in files:
                    _add(moodle_zip, f"{folder}/{path.name}", path.read_bytes())
                    counts["feedback_moodle.zip"] += 1
            else:
                report.skip("feedback_moodle.zip", student, "no Moodle participant id")
    for name, buffer in (("feedback_canvas.zip", canvas), ("feedback_moodle.zip", moodle)):
        if counts[name]:
            (out_dir / name).write_bytes(buffer.getvalue())
            report.written.append(str(out_dir / name))
    if per_student.is_dir():
        report.written.append(f"{per_student}/<student>.zip")


def export(grades_csv: Path, out_dir: Path, *, roster=None, submitted_dir: Path | None = None,
           feedback_dir: Path | None = None, assignment: str = ASSIGNMENT, canvas_assignment: str | None = None,
           total_out_of: float | None = None, now: datetime | None = None) -> ExportReport:
    """Every output above into out_dir; returns what was written and who was left out of what, and why."""
    if isinstance(roster, (str, Path)):
        roster = read_roster(Path(roster))
    grades = read_grades(grades_csv)
    if not grades.scores:
        raise ExportError(f"{grades_csv}: no grades")
    scale = 1.0 if not total_out_of else total_out_of / grades.max_total
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    people, notes = identities(sorted(grades.scores), roster, submitted_dir)
    report = ExportReport(notes=notes)
    if scale != 1.0:
        report.notes.append(f"totals scaled from {_number(grades.max_total)} to {_number(total_out_of)} points")
    write_canvas_grades(out_dir / "canvas_grades.csv", grades, people, report, assignment, canvas_assignment, scale)
    write_moodle_worksheet(out_dir / "moodle_worksheet.csv", grades, people, report, scale, now or datetime.now())
    write_moodle_gradebook(out_dir / "moodle_gradebook.csv", grades, people, report, assignment, scale)
    if feedback_dir is not None:
        write_feedback(out_dir, Path(feedback_dir), grades, people, report, assignment)
    return report


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--course-dir", type=Path, default=Course().root)
    parser.add_argument("--grades", type=Path, help="default: course/grades.csv")
    parser.add_argument("--roster", type=Path, help="default: course/roster.csv when it exists")
    parser.add_argument("--out", type=Path, help="default: course/lms-export")
    parser.add_argument("--assignment", default=ASSIGNMENT, help="the assignment's name in the column headers")
    parser.add_argument("--canvas-assignment", help='the total goes to this Canvas assignment, e.g. "CNN1D (12345)"')
    parser.add_argument("--total-out-of", type=float, help="scale the total to this many points (e.g. 100)")
    args = parser.parse_args(argv)
    course = Course(args.course_dir.resolve())
    roster = args.roster or (course.roster_csv if course.roster_csv.is_file() else None)
    try:
        report = export(args.grades or course.grades_csv, args.out or course.lms_export_dir, roster=roster,
                        submitted_dir=course.submitted_dir, feedback_dir=course.feedback_dir,
                        assignment=args.assignment, canvas_assignment=args.canvas_assignment,
                        total_out_of=args.total_out_of)
    except (ExportError, RosterError, ValueError, OSError) as error:
        print(f"export-lms: {error}", file=sys.stderr)
        return 1
    print(report.to_text(), end="")
    return 0


if __name__ == "__main__":
    sys.exit(main())
