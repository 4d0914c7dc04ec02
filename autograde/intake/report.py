"""What an intake did with every file and every student: course/intake/<source>-<time>.txt, .json and .csv.

Every file (zip entry or exchange file) gets one status:
    matched     collected under its released name
    resolved    collected, its name mapped to a released name by a rule (resubmission suffix, copy, case ...)
    superseded  a notebook for the same student and released name, older than the one collected
    unresolved  a notebook whose name is close to a released one but maps to none: not collected, listed to fix
    unmatched   names no student we can place (LMS id missing from the roster, naming not understood)
    ignored     not a submission notebook (other files, online text, OS metadata, folders, archives inside)
    refused     unsafe: symbolic link or special file, absolute or '..' path, encrypted, too large, a compression
                ratio of a zip bomb, a duplicated name, another account's submission, or unreadable
and every student one outcome: collected, replaced (their own older submission was in submitted/), unchanged (the
same notebooks were already there), kept-existing (submitted/ holds a newer submission), conflict (submitted/<id>
belongs to another account, or two accounts map to one student id: nothing written), empty, failed.
"""

import csv
import json
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path

STATUSES = ("matched", "resolved", "superseded", "unresolved", "unmatched", "ignored", "refused")
NEEDS_A_LOOK = ("refused", "unmatched", "unresolved")
BAD_OUTCOMES = ("conflict", "kept-existing", "failed")
ARCHIVE_NOTE = "an archive inside the download"  # a student who zipped their notebooks: listed as a problem
CSV_COLUMNS = ["index", "name", "status", "reason", "student", "notebook", "rules", "notes", "lms_id", "lms_name",
               "file_name", "attachment_id", "late", "copy_number", "size", "compressed", "date_time", "sha256",
               "check"]


@dataclass
class Entry:
    """One file of the download (or of an exchange submission) and what became of it."""

    index: int
    name: str  # its path as read (zip: decoded, '\' as '/', NFC; exchange: <inbound folder>/<file>)
    size: int
    compressed: int
    date_time: str
    status: str = ""
    reason: str = ""
    lms_id: str = ""
    lms_name: str = ""
    student: str = ""
    file_name: str = ""  # the submitted file's own name, the LMS's prefix removed
    notebook: str = ""  # the released name it was collected as (or is close to, when unresolved)
    rules: list[str] = field(default_factory=list)  # how its name was mapped to the released name (resolved)
    notes: list[str] = field(default_factory=list)  # anything else worth saying (encoding, folder, roster, newest of)
    attachment_id: str = ""  # Canvas: the file's attachment id (increases with every upload)
    late: bool = False  # Canvas: LATE in the name
    prefix: str = ""  # what precedes the LMS id in the name (Canvas name[_LATE], Moodle full name): for feedback
    copy_number: int = 0  # 0 = the name itself, N = resubmission or copy number N
    sha256: str = ""
    check: str = ""  # why the submission check cannot read the collected notebook (it scores 0), or ""

    def describe(self) -> str:
        text = f"{self.status:<10} {self.name}"
        if self.status in ("matched", "resolved"):
            text += f"  ->  {self.student}/{self.notebook}"
        elif self.status == "superseded":
            text += f"  (older {self.notebook} of {self.student})"
        text += f"  [{'; '.join(self.rules)}]" if self.rules else ""
        text += f"  ({'; '.join(self.notes)})" if self.notes else ""
        text += f"  -- {self.reason}" if self.reason else ""
        text += f"  !! submission check: {self.check}" if self.check else ""
        return text


@dataclass
class StudentResult:
    student: str
    lms_id: str
    lms_name: str
    outcome: str = ""
    timestamp: str = ""
    notebooks: dict[str, str] = field(default_factory=dict)  # released name -> entry name
    missing: list[str] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)  # in submitted/ before, not in this submission
    notes: list[str] = field(default_factory=list)
    check_errors: list[str] = field(default_factory=list)
    check_warnings: list[str] = field(default_factory=list)

    def describe(self) -> str:
        account = f"{self.lms_id} ({self.lms_name})" if self.lms_name else self.lms_id
        count = len(self.notebooks)
        lines = [f"{self.student:<20} {self.outcome:<14} account {account}: {count} notebook{'s' if count != 1 else ''}"
                 + (f", timestamp {self.timestamp}" if self.timestamp else "")]
        lines += [f"{'':<22}missing: {', '.join(self.missing)} (scores 0)"] if self.missing else []
        lines += [f"{'':<22}no longer submitted: {', '.join(self.dropped)}"] if self.dropped else []
        lines += [f"{'':<22}{note}" for note in self.notes]
        lines += [f"{'':<22}WILL BE SKIPPED by autograde: {error}" for error in self.check_errors]
        return "\n".join(lines)


@dataclass
class IntakeReport:
    source: str  # the zip, or the exchange's inbound folder
    layout: str  # canvas, moodle, generic (zips) or exchange
    assignment: str
    released: list[str]
    layout_detected: bool = False
    roster: str = ""
    started: str = ""
    dry_run: bool = False
    refused_whole: str = ""  # the whole zip was refused: why
    notes: list[str] = field(default_factory=list)
    entries: list[Entry] = field(default_factory=list)
    students: list[StudentResult] = field(default_factory=list)
    absent: list[str] = field(default_factory=list)  # roster students with nothing in this download

    def count(self, status: str) -> int:
        return sum(entry.status == status for entry in self.entries)

    @property
    def problems(self) -> list[str]:
        """What the instructor must look at; empty when every file and student was placed."""
        found = [f"refused whole: {self.refused_whole}"] if self.refused_whole else []
        found += [f"{entry.status}: {entry.name} -- {entry.reason}" for entry in self.entries
                  if entry.status in NEEDS_A_LOOK or entry.reason.startswith(ARCHIVE_NOTE)]
        found += [f"{entry.student}: {entry.notebook} will score 0, the submission check cannot read it: {entry.check}"
                  for entry in self.entries if entry.check]
        found += [f"{result.student}: {result.outcome}: {'; '.join(result.notes)}" for result in self.students
                  if result.outcome in BAD_OUTCOMES]
        return found

    @property
    def ok(self) -> bool:
        return not self.problems

    def summary(self) -> list[str]:
        lines = [f"collect {self.assignment} from {self.source}",
                 f"layout: {self.layout}{' (detected from the entry names)' if self.layout_detected else ''}; "
                 f"roster: {self.roster or 'none'}; {'DRY RUN, nothing written; ' if self.dry_run else ''}"
                 f"{self.started}"]
        lines += [f"note: {note}" for note in self.notes]
        lines += [f"REFUSED WHOLE: {self.refused_whole}"] if self.refused_whole else []
        counts = ", ".join(f"{self.count(status)} {status}" for status in STATUSES if self.count(status))
        lines.append(f"{len(self.entries)} files: {counts or 'none'}")
        outcomes = Counter(result.outcome for result in self.students)
        lines.append(f"{len(self.students)} students: " + ", ".join(f"{n} {o}" for o, n in sorted(outcomes.items())))
        problems = self.problems
        lines += ["", f"TO LOOK AT ({len(problems)})" if problems else "nothing to look at: every file was placed"]
        lines += [f"  {problem}" for problem in problems]
        resolved = [entry for entry in self.entries if entry.status == "resolved"]
        if resolved:
            lines += ["", f"NAMES RESOLVED ({len(resolved)}): collected under the released name"]
            lines += [f"  {entry.student}/{entry.notebook}  <-  {entry.file_name}  [{'; '.join(entry.rules)}]"
                      for entry in resolved]
        lines += ["", "students"] + [f"  {result.describe()}".replace("\n", "\n  ") for result in self.students]
        if self.absent:
            lines.append(f"  in the roster, nothing in this download ({len(self.absent)}): {', '.join(self.absent)}")
        return lines

    def to_text(self) -> str:
        return "\n".join(self.summary() + ["", "files"] + [f"  {entry.describe()}" for entry in self.entries]) + "\n"

    def to_json(self) -> dict:
        return {**asdict(self), "problems": self.problems}

    def write(self, report_path: Path) -> list[Path]:
        """report_path.txt / .json / .csv (one CSV row per file)."""
        stem = Path(report_path)
        stem.parent.mkdir(parents=True, exist_ok=True)
        paths = [stem.with_name(stem.name + suffix) for suffix in (".txt", ".json", ".csv")]
        paths[0].write_text(self.to_text(), encoding="utf-8")
        paths[1].write_text(json.dumps(self.to_json(), indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        with paths[2].open("w", newline="", encoding="utf-8") as file:
            writer = csv.DictWriter(file, fieldnames=CSV_COLUMNS, extrasaction="ignore")
            writer.writeheader()
            for entry in self.entries:
                writer.writerow({**asdict(entry), "rules": "; ".join(entry.rules), "notes": "; ".join(entry.notes)})
        return paths

    def print_to(self, report_path: Path, max_files: int = 60) -> None:
        """The terminal: everything when short, else the summary (the files are in the report)."""
        print(self.to_text() if len(self.entries) <= max_files else "\n".join(self.summary()))
        print(f"report: {report_path}.txt (.json, .csv)")
