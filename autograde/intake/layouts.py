"""How each LMS names the files of its "download all submissions" zip: whose submission an entry is, and its file.

Canvas (lib/content_zipper.rb): every file at the zip's root, named `<name>_[LATE_]<user id>_<attachment id>_<file>`;
<name> is the sortable name lowercased with every non-word character removed, so it never holds `_<digits>_`
and the first reading is the right one. Re-uploads of one name become `<file>-1`, `-2` … (Attachment
make_unique_filename), and the attachment id grows with each upload. Anonymous grading: `anon_<id>` for the user id.
Online text and URL entries are `<name>_<uid>_text.html` / `_link.html`.

Moodle (mod/assign/classes/downloader.php): `<Full Name>_<participant id>_assignsubmission_file/<file>` (a folder per
student; before 4.1 the folder ends in `_`), or flat `<Full Name>_<participant id>_assignsubmission_file_<file>`.
The participant id is the assignment's own id of the user, the grading worksheet's "Participant <id>".

generic: `<student id>/<file>` or `<student id>/<assignment>/<file>`, with any one or two wrapping folders left out.
"""

import re
import unicodedata
from dataclasses import dataclass

from autograde.grade.submission_check import STUDENT_ID
from autograde.intake.roster import Roster

LMS_CHOICES = ("canvas", "moodle", "generic")
# For anyone using `nbgrader zip_collect` instead (FileNameCollectorPlugin.named_regexp, matched with re.match on the
# extracted file's full path); a test runs them through nbgrader's plugin. collect.py does not use them: zip_collect
# extracts the whole zip with no size or link checks, and a file_id that is not exactly a released name
# ("05_padding-1.ipynb") is collected as an extra notebook that autograde ignores, so the student scores 0 for it.
NBGRADER_NAMED_REGEXP = {
    "canvas": r"^(?:.*/)?(?:[^/]*?_)??(?:LATE_)?(?P<student_id>\d+|anon_[A-Za-z0-9]+)_\d+_(?P<file_id>[^/]+\.ipynb)$",
    "moodle": r"^(?:.*/)?[^/_]*_(?P<student_id>\d+)_assignsubmission_file_?/(?:.*/)?(?P<file_id>[^/]+\.ipynb)$",
    "moodle-flat": r"^(?:.*/)?[^/_]*_(?P<student_id>\d+)_assignsubmission_file_(?P<file_id>[^/]+\.ipynb)$",
}
MOODLE_PART = re.compile(r"^(?P<name>[^_]*)_(?P<id>\d+)_(?P<subtype>assign(?:submission|feedback))"
                         r"_(?P<plugin>[a-z0-9]+)(?:_(?P<rest>.*))?$", re.S)


@dataclass
class Parsed:
    lms_id: str
    lms_name: str
    file_name: str
    prefix: str = ""  # what precedes the LMS id in the name (Canvas name[_LATE], Moodle full name): for feedback
    attachment_id: str = ""  # Canvas: the file's attachment id
    late: bool = False  # Canvas: LATE in the name
    sub_path: str = ""  # folders inside the student's submission, if any


@dataclass
class NotParsed:
    status: str  # ignored | unmatched
    reason: str


def _digits(token: str) -> bool:
    return token.isdigit() and token.isascii()


def parse_canvas(parts: list[str], roster: Roster | None) -> Parsed | NotParsed:
    """A Canvas entry (module docstring); folders above the file are ignored."""
    base = parts[-1]
    tokens = base.split("_")
    readings = []
    for i in range(len(tokens) - 2):
        if tokens[i].lower() == "anon" and i + 1 < len(tokens) - 2 and re.fullmatch(r"[A-Za-z0-9]+", tokens[i + 1]):
            uid, next_i = f"anon_{tokens[i + 1]}", i + 2
        elif _digits(tokens[i]):
            uid, next_i = tokens[i], i + 1
        else:
            continue
        head = tokens[:i]
        late = bool(head) and head[-1].lower() == "late"
        name_tokens = head[:-1] if late else head
        if next_i < len(tokens) - 1 and _digits(tokens[next_i]) and (name_tokens or uid.startswith("anon_")):
            readings.append(Parsed(uid, "_".join(name_tokens), "_".join(tokens[next_i + 1:]), "_".join(head),
                                   tokens[next_i], late))
    if not readings:
        text = re.fullmatch(r"(?P<name>.+?)_(?:late_)?(?P<uid>\d+)_(?P<kind>text|link)\.html", base, re.I)
        if text:
            kind = "online text entry" if text["kind"].lower() == "text" else "website URL submission"
            return NotParsed("ignored", f"Canvas {kind}, not a file")
        return NotParsed("unmatched", "does not follow Canvas's naming <name>_[LATE_]<user id>_<file id>_<file name>")
    first = readings[0]
    if roster and first.lms_id not in roster.by_lms_id:
        others = [reading.lms_id for reading in readings[1:] if reading.lms_id in roster.by_lms_id]
        if others:
            return NotParsed("unmatched", f"ambiguous name: user id {first.lms_id} is not in the roster, but the name "
                             f"could also be read as user {others[0]}; not guessed")
    return first


def parse_moodle(parts: list[str]) -> Parsed | NotParsed:
    """A Moodle entry, folders or flat (module docstring); any folders above are ignored."""
    for k, part in enumerate(parts):
        match = MOODLE_PART.match(part)
        if not match:
            continue
        is_folder = k < len(parts) - 1
        if is_folder and match["rest"]:
            continue  # a folder named like a flat file: not Moodle's
        if not is_folder and not match["rest"]:
            return NotParsed("ignored", "an empty Moodle submission folder entry")
        plugin = f"{match['subtype']}_{match['plugin']}"
        if plugin == "assignsubmission_onlinetext":
            return NotParsed("ignored", "Moodle online text submission, not a file")
        if plugin != "assignsubmission_file":
            return NotParsed("ignored", f"Moodle {plugin} area, not a file submission")
        file_name = parts[-1] if is_folder else match["rest"]
        sub_path = "/".join(parts[k + 1:-1]) if is_folder else ""
        return Parsed(match["id"], match["name"], file_name, prefix=match["name"], sub_path=sub_path)
    return NotParsed("unmatched", "does not follow Moodle's naming <Full Name>_<participant id>_assignsubmission_file")


def parse_generic(parts: list[str], assignment: str) -> Parsed | NotParsed:
    """<student id>/<file>, or <student id>/<assignment>/<file> (nbgrader's layout); wrapping folders already gone."""
    if len(parts) < 2:
        if ".ipynb" in parts[-1].lower():
            return NotParsed("unmatched", "a notebook outside any student folder: whose it is cannot be told")
        return NotParsed("ignored", "not inside a student folder")
    inner = parts[2:-1] if len(parts) > 2 and parts[1] == assignment else parts[1:-1]
    return Parsed(parts[0], "", parts[-1], prefix=parts[0], sub_path="/".join(inner))


def strip_common_top(paths: list[list[str]], assignment: str, known: set[str] = frozenset()) -> tuple[list, list]:
    """Generic zips made by hand often wrap everything in one folder (or two: downloads/submitted/...). A top folder
    that is a roster LMS id is a student's, never a wrapper. Returns the paths and the folders left out."""
    stripped = []
    for _ in range(2):
        deep = [p for p in paths if len(p) >= 3]
        if not deep or len({p[0] for p in paths}) != 1 or paths[0][0] in known:
            break
        notebooks = [p for p in paths if ".ipynb" in p[-1].lower()]
        if sum(len(p) < 3 for p in notebooks) >= sum(len(p) >= 3 for p in notebooks):
            break  # as many notebooks right under the top folder as deeper: the top folder is a student's
        if all(p[1] == assignment for p in deep):
            break  # <student>/<assignment>/...: the top folder is the student
        stripped.append(paths[0][0])
        paths = [p[1:] for p in paths]
    return paths, stripped


def detect_lms(names: list[str]) -> str:
    """canvas / moodle / generic from the entry names (the most entries in one layout wins)."""
    moodle = sum(bool(re.search(r"_\d+_assign(?:submission|feedback)_", name)) for name in names)
    canvas = sum(isinstance(parse_canvas(name.split("/"), None), Parsed) for name in names)
    if moodle and moodle >= canvas:
        return "moodle"
    if canvas and canvas * 2 >= len(names):
        return "canvas"
    return "generic"


def derive_student_id(lms_id: str) -> str | None:
    """A valid nbgrader id from an LMS id (or a generic folder name); None if nothing usable is left."""
    if STUDENT_ID.match(lms_id):
        return lms_id
    text = unicodedata.normalize("NFKD", unicodedata.normalize("NFKC", lms_id)).encode("ascii", "ignore").decode()
    text = re.sub(r"[^A-Za-z0-9_.-]+", "-", text).strip("-_.")
    return text if text and STUDENT_ID.match(text) else None
