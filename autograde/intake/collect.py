"""`make collect ZIP=... [LMS=canvas|moodle|generic] [ROSTER=roster.csv]`: a submissions zip, as an instructor downloads
it from an LMS, into nbgrader's submitted/<student>/cnn1d/<released name>.ipynb.

    python -m autograde.intake.collect ZIP [--lms auto|canvas|moodle|generic] [--roster CSV] [--dry-run]
                                           [--replace-older] [--course-dir DIR] [--report PATH]

Nothing in the zip is extracted as it stands: every entry is read from the zip's directory and judged first
(zip_entries.py: symbolic links, special files, absolute and '..' paths, encrypted entries, sizes and compression
ratios are refused), its owner read from the LMS's naming (layouts.py), its file name mapped to a released notebook
(names.py). For each (student, released notebook) the latest submission wins: Canvas's file id (it grows with every
upload), then the entry's time, then the copy number (`-2` > `-1` > none). Only those notebooks are streamed, under
the size limits, into a staging folder, checked by the course's own submission check, and renamed into place one
student at a time (staging.py), under the course lock (collect and autograde exclude each other).

The report (report.py) lists every entry and student: course/intake/<zip>-<time>.txt, .json, .csv. Exit status:
0 when nothing needs a look, 1 when something does (the rest is collected), 2 when nothing could start.
"""

import argparse
import shutil
import sys
import zipfile
from collections import defaultdict
from datetime import datetime
from functools import partial
from pathlib import Path

from autograde.course import Course
from autograde.intake.layouts import (
    LMS_CHOICES,
    NotParsed,
    Parsed,
    derive_student_id,
    detect_lms,
    parse_canvas,
    parse_generic,
    parse_moodle,
    strip_common_top,
)
from autograde.intake.names import NameResolver, canonical, resolve_entry
from autograde.intake.report import Entry, IntakeReport, StudentResult
from autograde.intake.roster import Roster, RosterEntry, RosterError, name_students, read_roster
from autograde.intake.staging import (
    Chosen,
    IntakeError,
    Placement,
    add_intake_options,
    locked,
    pick_latest,
    place_student,
)
from autograde.intake.zip_entries import (
    TIME_FORMAT,
    copy_entry,
    decode_name,
    entry_time,
    is_directory,
    junk_reason,
    unsafe_reason,
    zip_whole_refusal,
)
from autograde.settings import ASSIGNMENT, IntakeLimits


def collect_zip(course: Course, zip_path: Path, lms: str = "auto", *, roster: Path | Roster | None = None,
                released: list[str] | None = None, report_path: Path | None = None,
                limits: IntakeLimits | None = None, dry_run: bool = False, replace_older: bool = False,
                now: datetime | None = None) -> IntakeReport:
    """Collect one LMS download into course/submitted/ (module docstring). roster: a CSV path or a Roster; without
    one the student id is the LMS id (made safe). released: the notebook names (default: course/release/cnn1d/).
    Raises IntakeError when nothing can be collected at all; every other problem is in the report's problems."""
    zip_path, limits = Path(zip_path), limits or IntakeLimits()
    if lms not in LMS_CHOICES + ("auto",):
        raise IntakeError(f"unknown LMS {lms!r}: one of {', '.join(LMS_CHOICES)} or auto")
    if isinstance(roster, (str, Path)):
        roster = read_roster(Path(roster))
    if roster is not None and not roster.by_lms_id:
        raise IntakeError(f"the roster {roster.path} has no lms_id: it cannot say whose file is whose in a download")
    released = sorted(released if released is not None else (p.name for p in course.release_dir.glob("*.ipynb")))
    if not released:
        raise IntakeError(f"no released notebooks in {course.release_dir}: run `make release` first")
    report = IntakeReport(str(zip_path), lms, ASSIGNMENT, released, roster=roster.path if roster else "",
                          started=(now or datetime.now()).strftime(TIME_FORMAT), dry_run=dry_run)
    try:
        archive = zipfile.ZipFile(zip_path)
    except (OSError, zipfile.BadZipFile) as error:
        raise IntakeError(f"{zip_path}: not a readable zip ({error})") from None
    with archive:
        infos = archive.infolist()
        report.refused_whole = zip_whole_refusal(infos, limits) or ""
        if not report.refused_whole:
            entries, candidates = judge_entries(report, infos, roster, limits)
            report.entries = [entries[i] for i in sorted(entries)]
            if dry_run:
                place_students(course, report, archive, entries, candidates, limits, replace_older)
            else:
                with locked(course):
                    place_students(course, report, archive, entries, candidates, limits, replace_older)
    if roster:
        seen = {entry.lms_id for entry in report.entries}
        report.absent = sorted(entry.student_id for entry in roster.entries if entry.lms_id not in seen)
    if report_path:
        report.write(report_path)
    return report


def judge_entries(report: IntakeReport, infos: list[zipfile.ZipInfo], roster: Roster | None, limits: IntakeLimits):
    """Every entry gets a status, except the notebooks still in the running: returned as candidates,
    (student, released name) -> entry indexes."""
    entries: dict[int, Entry] = {}
    safe: dict[int, list[str]] = {}
    by_name: dict[str, list[int]] = defaultdict(list)
    for index, info in enumerate(infos):
        name, notes = decode_name(info)
        entry = entries[index] = Entry(index, name, info.file_size, info.compress_size, entry_time(info), notes=notes)
        reason = unsafe_reason(name, info, limits)
        parts = [part for part in name.split("/") if part not in ("", ".")]
        if reason:
            entry.status, entry.reason = "refused", reason
        elif is_directory(name, info):
            looks = parts and parts[-1].lower().endswith(".ipynb")
            entry.status, entry.reason = "ignored", "a folder named like a notebook" if looks else "folder"
        else:
            by_name[name].append(index)
            safe[index] = parts
    for indexes in by_name.values():
        if len(indexes) > 1:
            for index in indexes:
                entries[index].status = "refused"
                entries[index].reason = f"{len(indexes)} entries have this name: which one is meant cannot be told"
                safe.pop(index)
    for index, parts in list(safe.items()):
        reason = junk_reason(parts)
        if reason:
            entries[index].status, entries[index].reason = "ignored", reason
            safe.pop(index)
    if report.layout == "auto":
        report.layout, report.layout_detected = detect_lms(["/".join(parts) for parts in safe.values()]), True
    if report.layout == "generic":
        paths, top = strip_common_top(list(safe.values()), ASSIGNMENT, set(roster.by_lms_id) if roster else set())
        if top:
            report.notes.append(f"common top folder {'/'.join(top)}/ left out")
        safe = dict(zip(safe, paths, strict=True))
    resolver = NameResolver(report.released)
    candidates: dict[tuple[str, str], list[int]] = defaultdict(list)
    for index, parts in safe.items():
        placed = place_entry(entries[index], parts, report.layout, resolver, roster)
        if placed:
            candidates[placed].append(index)
    return entries, candidates


def place_entry(entry: Entry, parts: list[str], lms: str, resolver: NameResolver,
                roster: Roster | None) -> tuple[str, str] | None:
    """(student, released name) of a safe entry, or None after giving it its status."""
    if lms == "canvas":
        parsed = parse_canvas(parts, roster)
    elif lms == "moodle":
        parsed = parse_moodle(parts)
    else:
        parsed = parse_generic(parts, ASSIGNMENT)
    if isinstance(parsed, NotParsed):
        entry.status, entry.reason = parsed.status, parsed.reason
        return None
    entry.lms_id, entry.lms_name, entry.file_name = parsed.lms_id, parsed.lms_name, parsed.file_name
    entry.prefix, entry.attachment_id, entry.late = parsed.prefix, parsed.attachment_id, parsed.late
    entry.notes += ["Canvas marked it LATE"] if parsed.late else []
    entry.notes += [f"inside the folder {parsed.sub_path}/ of the submission"] if parsed.sub_path else []
    if not resolve_entry(entry, resolver):
        return None
    student, why = student_for(lms, parsed, roster)
    if student is None:
        entry.status, entry.reason = "unmatched", why
        return None
    entry.student = student
    entry.notes += [why] if why else []
    return student, entry.notebook


def student_for(lms: str, parsed: Parsed, roster: Roster | None) -> tuple[str | None, str]:
    """The student id of an LMS account, and a note (or why none)."""
    if roster:
        entry = roster.by_lms_id.get(parsed.lms_id)
        if entry is None:
            return None, f"{lms} id {parsed.lms_id} ({parsed.lms_name or 'no name'}) is not in the roster"
        if not same_person(parsed.lms_name, entry):
            return entry.student_id, f"name {parsed.lms_name!r} differs from the roster's {entry.full_name!r}"
        return entry.student_id, ""
    student = derive_student_id(parsed.lms_id)
    if student is None:
        return None, f"folder name {parsed.lms_id!r} gives no usable student id: put it in a roster"
    return student, "" if student == parsed.lms_id else f"student id {student} made from {parsed.lms_id!r}"


def same_person(lms_name: str, entry: RosterEntry) -> bool:
    """The LMS's name and the roster's agree (any order, case, spaces, punctuation), or one of them has none."""
    def squash(text):
        return canonical(text).replace("_", "")
    return not squash(lms_name) or not (entry.first_name or entry.last_name) or squash(lms_name) in {
        squash(entry.last_name + entry.first_name), squash(entry.first_name + entry.last_name)}


def order_key(entry: Entry) -> tuple:
    """Newest last: Canvas's attachment id, then the entry's time, then the copy number."""
    return (int(entry.attachment_id or 0), entry.date_time, entry.copy_number, entry.index)


def why_newest(winner: Entry, others: list[Entry]) -> str:
    other = max(others, key=order_key)
    if winner.attachment_id != other.attachment_id:
        return f"newest of {len(others) + 1}: Canvas file id {winner.attachment_id} > {other.attachment_id}"
    if winner.date_time != other.date_time:
        return f"newest of {len(others) + 1}: zip entry time {winner.date_time} > {other.date_time}"
    if winner.copy_number != other.copy_number:
        return f"newest of {len(others) + 1}: copy number {winner.copy_number} > {other.copy_number}"
    return f"AMBIGUOUS: {len(others) + 1} candidates alike; took the later entry in the zip"


def place_students(course, report, archive, entries, candidates, limits, replace_older) -> None:
    by_student: dict[str, dict[str, list[int]]] = defaultdict(dict)
    for (student, notebook), indexes in candidates.items():
        by_student[student][notebook] = indexes
    infos = archive.infolist()
    for student in sorted(by_student):
        mine = [entries[i] for group in by_student[student].values() for i in group]
        accounts = sorted({(entry.lms_id, entry.lms_name) for entry in mine})
        result = StudentResult(student, accounts[0][0], accounts[0][1])
        report.students.append(result)
        lms_ids = sorted({lms_id for lms_id, _ in accounts})
        if len(lms_ids) > 1:
            result.outcome = "conflict"
            result.notes.append(f"accounts {', '.join(lms_ids)} all map to student id {student}: nothing collected "
                                "for any of them (fix the roster or the folder names)")
            for entry in mine:
                entry.status, entry.reason = "unmatched", f"student id {student} claimed by {len(lms_ids)} accounts"
            continue
        chosen = {}
        for notebook, group in sorted(by_student[student].items()):
            winner = pick_latest([entries[i] for i in group], order_key, why_newest)
            if winner.notes and winner.notes[-1].startswith("AMBIGUOUS"):
                result.notes.append(f"{notebook}: {winner.notes[-1]}")
            chosen[notebook] = Chosen(winner, partial(copy_entry, archive, infos[winner.index], limits=limits),
                                      {"attachment_id": winner.attachment_id, "prefix": winner.prefix,
                                       "late": winner.late, "rules": winner.rules})
        timestamp = max(item.entry.date_time for item in chosen.values())
        how = Placement(report.layout, report.source, report.started, timestamp, report.dry_run, replace_older)
        place_student(course, result, chosen, report.released, how)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("zip", type=Path)
    parser.add_argument("--lms", default="auto", choices=("auto",) + LMS_CHOICES)
    add_intake_options(parser, "CSV: lms_id, student_id, first_name, last_name, email")
    parser.add_argument("--report", type=Path, help="report path without suffix (default: course/intake/<zip>-<time>)")
    args = parser.parse_args(argv)
    course = Course(args.course_dir.resolve())
    now = datetime.now()
    report_path = args.report or course.intake_dir / f"{args.zip.stem}-{now:%Y%m%d-%H%M%S}"
    try:
        report = collect_zip(course, args.zip, args.lms, roster=args.roster, report_path=report_path,
                             dry_run=args.dry_run, replace_older=args.replace_older, now=now)
    except (IntakeError, RosterError, OSError) as error:
        print(f"collect: {error}", file=sys.stderr)
        return 2
    report.print_to(report_path)
    if args.roster and not args.dry_run:
        if not course.roster_csv.exists() or course.roster_csv.resolve() != args.roster.resolve():
            shutil.copyfile(args.roster, course.roster_csv)  # make export-lms reads it when no ROSTER is given
            print(f"roster: copied to {course.roster_csv}")
        print(name_students(course, args.roster))
    return 0 if report.ok else 1


if __name__ == "__main__":
    sys.exit(main())
