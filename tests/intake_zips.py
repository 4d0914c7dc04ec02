"""Helpers the intake tests share: notebooks, zips in each LMS's layout (hostile ones too), rosters, a course."""

import json
import stat
import struct
import zipfile
from pathlib import Path

from autograde.course import Course, course_notebooks

RELEASED = [item.filename for item in course_notebooks()]
DOWNLOAD_TIME = (2025, 11, 29, 10, 0, 0)  # Canvas and Moodle stamp every entry with the time of the download


def notebook(marker: str) -> bytes:
    """A valid nbformat 4.5 notebook; the marker makes each one's content (and sha256) its own."""
    return json.dumps({"cells": [{"cell_type": "markdown", "id": "c1", "metadata": {}, "source": marker}],
                       "metadata": {}, "nbformat": 4, "nbformat_minor": 5}).encode()


def make_zip(path: Path, entries) -> Path:
    """entries: (name, data) or (name, data, options); options: date_time, mode (st_mode, e.g. stat.S_IFLNK|0o777),
    flag_bits, compress (zipfile constant). Written exactly as given: no name cleaning."""
    with zipfile.ZipFile(path, "w") as archive:
        for item in entries:
            name, data, options = (item + ({},))[:3] if len(item) == 2 else item
            info = zipfile.ZipInfo(name, options.get("date_time", DOWNLOAD_TIME))
            info.compress_type = options.get("compress", zipfile.ZIP_DEFLATED)
            info.external_attr = options.get("mode", stat.S_IFREG | 0o644) << 16
            info.create_system = 3
            if isinstance(data, str):
                data = data.encode()
            archive.writestr(info, data)
    if any(len(item) == 3 and item[2].get("flag_bits") for item in entries):
        _set_flags(path, {item[0]: item[2]["flag_bits"] for item in entries if len(item) == 3
                          and item[2].get("flag_bits")})
    return path


def _set_flags(path: Path, flags: dict[str, int]) -> None:
    """Set general-purpose flag bits (e.g. 0x1, encrypted) in both headers of the named entries."""
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as archive:
        infos = {info.filename: info for info in archive.infolist()}
        start = archive.start_dir
    for name, bits in flags.items():
        offset = infos[name].header_offset
        (old,) = struct.unpack_from("<H", data, offset + 6)
        struct.pack_into("<H", data, offset + 6, old | bits)
    position = start
    while data[position:position + 4] == b"PK\x01\x02":
        name_length, extra_length, comment_length = struct.unpack_from("<HHH", data, position + 28)
        name = bytes(data[position + 46:position + 46 + name_length]).decode("utf-8", "replace")
        if name in flags:
            (old,) = struct.unpack_from("<H", data, position + 8)
            struct.pack_into("<H", data, position + 8, old | flags[name])
        position += 46 + name_length + extra_length + comment_length
    path.write_bytes(bytes(data))


def make_zip_raw_names(path: Path, entries: list[tuple[bytes, bytes]]) -> Path:
    """A zip whose names are the given bytes with no UTF-8 flag (as Windows' zip and old tools write them)."""
    placeholders = []
    with zipfile.ZipFile(path, "w") as archive:
        for number, (raw, data) in enumerate(entries):
            placeholder = (f"@{number:03d}" + "@" * len(raw))[:len(raw)]
            assert len(placeholder) == len(raw) and len(raw) >= 5
            placeholders.append((placeholder.encode(), raw))
            archive.writestr(zipfile.ZipInfo(placeholder, DOWNLOAD_TIME), data)
    blob = path.read_bytes()
    for placeholder, raw in placeholders:
        assert blob.count(placeholder) == 2
        blob = blob.replace(placeholder, raw)
    path.write_bytes(blob)
    return path


def write_roster(path: Path, rows, header="lms_id,student_id,first_name,last_name,email", bom=False) -> Path:
    text = header + "\n" + "".join(",".join(row) + "\n" for row in rows)
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode())
    return path


def stand_in_course(tmp_path: Path) -> Course:
    """A course folder: submitted/ and release/cnn1d/ with the released notebooks (stand-ins)."""
    course = Course(tmp_path / "course")
    course.submitted_dir.mkdir(parents=True)
    course.release_dir.mkdir(parents=True)
    for name in RELEASED:
        (course.release_dir / name).write_bytes(notebook(f"released {name}"))
    return course
