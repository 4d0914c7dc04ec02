"""matplotlib's font list for the sandbox, built once per machine instead of once per student.

Each sandbox starts with an empty HOME, where matplotlib finds no font list and scans the machine's fonts again when
the kernel image imports it (~0.15 s of CPU in every student's sandbox). font_list() builds that list once, with the
sandbox's interpreter and an empty HOME (the fonts a sandbox sees: the venv's and the system's), keeps it under
REPO/.cache, and the sandbox binds it read-only where matplotlib looks (~/.cache/matplotlib, see bwrap.py). When
fonts are added to the machine the list is built again; a font that went missing makes matplotlib rebuild the list
itself, as before.
"""

import hashlib
import importlib.metadata
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from autograde.course import REPO
from autograde.sandbox.built_once import built_once

CACHE_DIR = REPO / ".cache" / "matplotlib-fonts"
FONT_DIRS = ("/usr/share/fonts", "/usr/local/share/fonts", "/etc/fonts")  # the system's; HOME's are empty in a sandbox
BUILD_SECONDS = 120
FONT_LIST = "fontlist-v"  # matplotlib names it fontlist-v<its font manager version>.json


def font_key(python: str) -> str:
    """What the list depends on: the interpreter, matplotlib's version and the system's font files."""
    digest = hashlib.sha256(f"{python}\0{importlib.metadata.version('matplotlib')}\0".encode())
    for top in FONT_DIRS:
        for folder, subfolders, files in os.walk(top):
            subfolders.sort()
            for name in sorted(files):
                path = os.path.join(folder, name)
                try:
                    digest.update(f"{path}\0{os.stat(path).st_size}\0".encode())
                except OSError:
                    pass
    return digest.hexdigest()[:16]


def build(python: str, target: Path) -> None:
    """Let matplotlib in `python` write its font list into target, with an empty HOME as in a sandbox; only the
    list is kept (nothing else of a build goes into the sandbox)."""
    with tempfile.TemporaryDirectory(prefix="cnn1d-fonts-home-") as home:
        env = {"HOME": home, "MPLCONFIGDIR": str(target), "PATH": "/usr/bin:/bin", "LANG": "C.UTF-8",
               "MPLBACKEND": "Agg"}
        subprocess.run([python, "-c", "import matplotlib.font_manager"], env=env, capture_output=True, check=True,
                       timeout=BUILD_SECONDS)
    for extra in target.iterdir():
        if extra.is_dir():
            shutil.rmtree(extra)
        elif not extra.name.startswith(FONT_LIST):
            extra.unlink()
    if not any(target.glob(f"{FONT_LIST}*.json")):
        raise FileNotFoundError(f"{python} wrote no {FONT_LIST}*.json")


def font_list(python: str, cache_dir: Path = CACHE_DIR) -> Path | None:
    """The font list (fontlist-vNNN.json) for sandboxes that run `python`, built now if missing (built_once); None
    if it cannot be built (no matplotlib, a read-only checkout): matplotlib then scans the fonts in each sandbox, as
    before."""
    try:
        folder = built_once(cache_dir, font_key(python), lambda target: build(python, target))
        return max(folder.glob(f"{FONT_LIST}*.json"))
    except Exception:  # noqa: BLE001 - the list only saves time: without it matplotlib builds its own
        return None
