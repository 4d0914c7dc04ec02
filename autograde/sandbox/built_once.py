"""A folder of files the grading machine makes once and keeps under REPO/.cache (grading_data.py, font_cache.py).

built_once(cache_dir, key, build) returns cache_dir/key, made by build() if it is not there yet. build() writes into
a new folder of its own, which is renamed into place only once complete, so several processes may build at once (the
first rename wins, the others use it) and a folder that exists is whole. Folders of other keys (made from an older
state of what the key names) are removed then.
"""

import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path


def built_once(cache_dir: Path, key: str, build: Callable[[Path], None]) -> Path:
    """cache_dir/key, built now with build(folder) if missing (read-only to others: files 0644, folder 0755);
    raises what build raises, and nothing is kept of a failed build."""
    final = cache_dir / key
    if final.is_dir():
        return final
    cache_dir.mkdir(parents=True, exist_ok=True)
    building = Path(tempfile.mkdtemp(prefix=".building-", dir=cache_dir))
    try:
        build(building)
        for made in building.iterdir():
            made.chmod(0o644)
        building.chmod(0o755)
        os.rename(building, final)
    except OSError:
        if not final.is_dir():  # not another process's build that won the rename
            raise
    finally:
        shutil.rmtree(building, ignore_errors=True)
    for stale in cache_dir.iterdir():  # best effort: a running sandbox keeps the folder it has bound
        if stale != final and not stale.name.startswith(".building-"):
            shutil.rmtree(stale, ignore_errors=True)
    return final
