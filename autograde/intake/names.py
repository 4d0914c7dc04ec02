"""A submitted file's name -> the released notebook it is, saying by which rules; never a guess between two.

Resolved (collected under the released name, each rule reported): resubmission and copy suffixes (Canvas `-1`,
`-<uuid>`, `(1)`, Jupyter `-Copy1`, Windows ` - Copy`, macOS ` copy`, `のコピー`, Colab `Copy of `), `.ipynb.ipynb`,
letter case, full-width characters (NFKC), spaces/`-`/`.` for `_`, `5_` for `05_`: only when the result equals
exactly one released name. Unresolved (reported as close to a released name, not collected): anything else near
one (`05_padding_v2.ipynb`, `05_paddng.ipynb`, `padding.ipynb`, `05_padding.py`).
"""

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from autograde.intake.report import ARCHIVE_NOTE, Entry

UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
# (pattern on the stem, rule, copy number when the pattern has none); tried in this order, outermost first
SUFFIX_RULES = [
    (re.compile(r"^(?P<base>.+)-(?P<n>\d{1,3})$"), "resubmission suffix -{n} (as Canvas names a re-uploaded file)", 1),
    (re.compile(rf"^(?P<base>.+)-{UUID}$", re.I), "resubmission suffix -<uuid> (Canvas, after 7 re-uploads)", 8),
    (re.compile(r"^(?P<base>.+?)\s*\((?P<n>\d{1,3})\)$"), "download copy ({n})", 1),
    (re.compile(r"^(?P<base>.+)-Copy(?P<n>\d{0,3})$", re.I), "Jupyter duplicate -Copy{n}", 1),
    (re.compile(r"^(?P<base>.+?)\s+-\s+Copy(?:\s*\((?P<n>\d{1,3})\))?$", re.I), "Windows copy ' - Copy'", 1),
    (re.compile(r"^(?P<base>.+?)\s+copy(?:\s+(?P<n>\d{1,3}))?$", re.I), "macOS copy ' copy'", 1),
    (re.compile(r"^(?P<base>.+?)\s*のコピー(?:\s*\((?P<n>\d{1,3})\))?$"), "copy ('のコピー')", 1),
    (re.compile(r"^(?P<base>.+)\.ipynb$", re.I), "double extension .ipynb.ipynb", 0),
]
PREFIX_RULES = [
    (re.compile(r"^Copy\s+(?:\((?P<n>\d{1,3})\)\s+)?of\s+(?P<base>.+)$", re.I), "copy prefix 'Copy of' (Colab)", 1),
    (re.compile(r"^コピー\s*(?:\((?P<n>\d{1,3})\)\s*)?[〜~～]\s*(?P<base>.+)$"), "copy prefix 'コピー 〜'", 1),
]
ARCHIVE_SUFFIXES = (".zip", ".tar", ".gz", ".tgz", ".bz2", ".xz", ".7z", ".rar")
NEAR_RATIO = 0.75  # how alike (difflib ratio of the canonical stems) a name must be to be reported as near


@dataclass
class Resolution:
    notebook: str | None  # the released name, or None
    rules: list[str] = field(default_factory=list)
    copy_number: int = 0  # 0 = the name itself; N = resubmission or copy number N
    near: str | None = None  # unresolved, but close to this released name


def canonical(stem: str) -> str:
    text = unicodedata.normalize("NFKC", stem).casefold()
    return re.sub(r"_+", "_", re.sub(r"[\s\-.]+", "_", text)).strip("_")


def number_and_slug(canonical_stem: str) -> tuple[int, str] | None:
    match = re.match(r"^(\d+)_?(.+)$", canonical_stem)
    return (int(match[1]), match[2]) if match else None


class NameResolver:
    """Maps a submitted file name to a released notebook name (see the module docstring)."""

    def __init__(self, released: list[str]):
        self.released = list(released)
        self.stems = {name.removesuffix(".ipynb"): name for name in released}
        self.casefolded = self._unique(str.casefold)
        self.canonical = self._unique(canonical)
        self.numbered = self._unique(lambda stem: number_and_slug(canonical(stem)))

    def _unique(self, key) -> dict:
        """key(stem) -> released name, for the keys that only one released name has (ambiguous ones resolve none)."""
        counts = Counter(key(stem) for stem in self.stems)
        return {key(stem): name for stem, name in self.stems.items() if counts[key(stem)] == 1 and key(stem)}

    def _match(self, stem: str) -> tuple[str, str | None] | None:
        if stem in self.stems:
            return self.stems[stem], None
        if stem.casefold() in self.casefolded:
            return self.casefolded[stem.casefold()], "letter case"
        if canonical(stem) in self.canonical:
            return self.canonical[canonical(stem)], "separators (spaces, '-', '.' read as '_')"
        key = number_and_slug(canonical(stem))
        if key in self.numbered:
            return self.numbered[key], "problem number written differently"
        return None

    def resolve(self, file_name: str) -> Resolution:
        name = unicodedata.normalize("NFC", file_name).strip()
        if name in self.released:
            return Resolution(name)
        rules = []
        wide = unicodedata.normalize("NFKC", name)
        if wide != name:
            rules.append("full-width or compatibility characters (NFKC)")
            name = wide.strip()
        if not name.lower().endswith(".ipynb"):
            return Resolution(None, rules, near=self._near(name))
        if not name.endswith(".ipynb"):
            rules.append("extension letter case")
        stem, copy_number = name[:-len(".ipynb")], 0
        for _ in range(8):  # a few rules may stack: "Copy of 05_padding-1 (2)"
            found = self._match(stem)
            if found:
                notebook, rule = found
                return Resolution(notebook, rules + ([rule] if rule else []), copy_number)
            for pattern, rule, default in PREFIX_RULES + SUFFIX_RULES:
                match = pattern.match(stem)
                if match:
                    number = match.groupdict().get("n")
                    copy_number = copy_number or (int(number) if number else default)
                    rules.append(rule.format(n=number or ""))
                    stem = match["base"].strip()
                    break
            else:
                break
        return Resolution(None, rules, copy_number, near=self._near(stem))

    def _near(self, stem: str) -> str | None:
        """The released name this one is close to (a typo, a version suffix, the slug alone), or None."""
        wanted = canonical(re.sub(r"(?i)\.ipynb.*$", "", stem))
        best, best_ratio = None, 0.0
        for released_stem, name in self.stems.items():
            other = canonical(released_stem)
            ratio = SequenceMatcher(None, wanted, other).ratio()
            slug = (number_and_slug(other) or (0, other))[1]
            if wanted and (wanted == slug or other in wanted):
                ratio = max(ratio, 0.9)
            if ratio > best_ratio:
                best, best_ratio = name, ratio
        return best if best_ratio >= NEAR_RATIO else None


def resolve_entry(entry: Entry, resolver: NameResolver) -> bool:
    """Map entry.file_name to a released notebook (entry.notebook); False after giving the entry its status."""
    lower = entry.file_name.lower()
    if lower.endswith(ARCHIVE_SUFFIXES):
        entry.status, entry.reason = "ignored", f"{ARCHIVE_NOTE}: not opened (unzip it by hand)"
        return False
    resolution = resolver.resolve(entry.file_name)
    if resolution.notebook:
        entry.notebook, entry.copy_number = resolution.notebook, resolution.copy_number
        entry.rules += resolution.rules
        return True
    if resolution.near:
        entry.status, entry.notebook = "unresolved", resolution.near
        entry.rules += resolution.rules
        entry.reason = (f"close to {resolution.near} but not the same name: not collected (rename it, or copy it "
                        "by hand)" if lower.endswith(".ipynb") else f"named like {resolution.near} but not a "
                        "notebook (.ipynb): not collected (the student may have uploaded the wrong file)")
    else:
        entry.status = "ignored"
        entry.reason = "a notebook that is not part of the assignment" if ".ipynb" in lower else "not a notebook"
    return False
