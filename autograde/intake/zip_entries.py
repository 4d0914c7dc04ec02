"""One entry of a submissions zip: its name as the LMS meant it, whether it may be read at all, and reading it.

Nothing is extracted as it stands: every entry is judged from the zip's central directory first (unsafe_reason,
junk_reason), and only a chosen notebook is streamed, never more bytes than it declares nor than the limit.
"""

import hashlib
import re
import stat
import unicodedata
import zipfile
from datetime import datetime
from pathlib import Path

from autograde.settings import IntakeLimits

JUNK_PARTS = {"__MACOSX", ".ipynb_checkpoints", "__pycache__", ".git"}
JUNK_FILES = {".DS_Store", "Thumbs.db", "desktop.ini"}
CONTROL = re.compile(r"[\x00-\x1f\x7f]")
TIME_FORMAT = "%Y-%m-%d %H:%M:%S"  # nbgrader reads a naive timestamp.txt as UTC


def decode_name(info: zipfile.ZipInfo) -> tuple[str, list[str]]:
    """The entry's path as the LMS meant it: UTF-8 even when the zip did not flag it (else cp932, as Japanese
    Windows writes it), '\\' as '/', NFC. Returns the name and notes on what was done."""
    name, notes = info.filename, []
    if not info.flag_bits & 0x800:
        raw = name.encode("cp437", errors="replace")  # zipfile decoded the unflagged bytes as cp437
        if not raw.isascii():
            for encoding, label in (("utf-8", "UTF-8"), ("cp932", "Shift_JIS (cp932)")):
                try:
                    name = raw.decode(encoding)
                    notes.append(f"name read as {label}: the zip did not mark its encoding")
                    break
                except UnicodeDecodeError:
                    continue
    if "\\" in name:
        name = name.replace("\\", "/")
        notes.append("'\\' read as a folder separator")
    return unicodedata.normalize("NFC", name), notes


def unsafe_reason(name: str, info: zipfile.ZipInfo, limits: IntakeLimits) -> str | None:
    """Why this entry must not be read at all, or None."""
    if CONTROL.search(name):
        return "control character in the name"
    if name.startswith("/") or re.match(r"^[A-Za-z]:", name):
        return "absolute path"
    if ".." in name.split("/"):
        return "'..' in the path"
    kind = stat.S_IFMT(info.external_attr >> 16)  # Unix mode bits, whatever system made the zip
    if kind == stat.S_IFLNK:
        return "symbolic link (never followed or extracted)"
    if kind and kind not in (stat.S_IFREG, stat.S_IFDIR):
        return "special file (device, fifo or socket)"
    if info.flag_bits & 0x1:
        return "encrypted entry"
    if info.file_size > limits.max_file_bytes:
        return f"{info.file_size} bytes uncompressed, more than {limits.max_file_bytes}"
    if info.file_size > limits.ratio_floor_bytes and info.file_size > limits.max_ratio * max(info.compress_size, 1):
        return (f"compression ratio {info.file_size // max(info.compress_size, 1)}:1, more than "
                f"{limits.max_ratio:g}:1 (a zip bomb?)")
    return None


def is_directory(name: str, info: zipfile.ZipInfo) -> bool:
    return name.endswith("/") or stat.S_ISDIR(info.external_attr >> 16)


def junk_reason(parts: list[str]) -> str | None:
    """Why a path is not a submission at all (OS and Jupyter metadata, hidden files), or None."""
    junk = next((part for part in parts[:-1] if part in JUNK_PARTS), None)
    if junk:
        return f"metadata folder ({junk})"
    base = parts[-1]
    if base in JUNK_FILES or base.startswith("._"):
        return "operating-system metadata file"
    if base.startswith("."):
        return "hidden file"
    return None


def zip_whole_refusal(infos: list[zipfile.ZipInfo], limits: IntakeLimits) -> str | None:
    """Why the whole zip is refused before any entry is looked at, or None."""
    declared = sum(info.file_size for info in infos)
    if len(infos) > limits.max_entries:
        return f"{len(infos)} entries, more than {limits.max_entries}"
    if declared > limits.max_total_bytes:
        return f"{declared} bytes uncompressed in all, more than {limits.max_total_bytes}"
    return None


def entry_time(info: zipfile.ZipInfo) -> str:
    try:
        return datetime(*info.date_time).strftime(TIME_FORMAT)
    except ValueError:
        return "1980-01-01 00:00:00"


def copy_entry(archive: zipfile.ZipFile, info: zipfile.ZipInfo, target: Path, limits: IntakeLimits) -> str:
    """Stream one entry into a new file, never more bytes than it declared nor than the limit; its sha256.
    Raises ValueError when the entry is unreadable (a size lie, a bad CRC, a damaged zip), OSError when the target
    cannot be written."""
    digest, written = hashlib.sha256(), 0
    try:
        with archive.open(info) as source, target.open("xb") as out:
            while chunk := source.read(1 << 16):
                written += len(chunk)
                if written > info.file_size or written > limits.max_file_bytes:
                    raise ValueError("more data than the entry declares")
                digest.update(chunk)
                out.write(chunk)
    except (zipfile.BadZipFile, EOFError, NotImplementedError) as error:  # NotImplementedError: unknown compression
        raise ValueError(str(error) or type(error).__name__) from None
    return digest.hexdigest()
