"""The static scan runs in a child process with a time and memory budget per notebook (autograde/scan/child.py):
a notebook of megabytes of code is flagged scan-budget within its budget, the grading process never parses student
code (its memory stays flat), the notebooks after it are scanned as usual, and nothing but regular files is read."""

import os
import resource
import time
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_notebook

from autograde.scan import python_tree
from autograde.scan.child import BackgroundScans, scan_notebooks
from autograde.scan.notebooks import scan_notebook
from autograde.settings import SCAN_LIMITS_ENV, ScanLimits, scan_limits

LIMITS = ScanLimits(seconds=4, memory_bytes=512 << 20)


def write(path: Path, *sources: str) -> Path:
    nbformat.write(new_notebook(cells=[new_code_cell(source) for source in sources]), path)
    return path


def scan_bomb(path: Path) -> Path:
    """6 MB of harmless data: the in-process scan took 15-25 s and about 1 GiB per 3 MB."""
    return write(path, "_table = [" + "0.5, " * 1_500_000 + "]\n")


def test_a_scan_bomb_is_flagged_within_its_budget_and_the_grader_holds_none_of_it(tmp_path):
    bomb = scan_bomb(tmp_path / "01_bomb.ipynb")
    honest = write(tmp_path / "02_honest.ipynb", "import os\nos._exit(1)", "x = 1")
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss >> 10
    start = time.monotonic()
    results = scan_notebooks([(bomb, None), (honest, None)], LIMITS)
    seconds = time.monotonic() - start
    grown = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss >> 10) - before
    print(f"\n    6 MB scan bomb: flagged after {seconds:.1f} s; the grading process grew by {grown} MiB")
    assert [flag.rule for flag in results[bomb]] == ["scan-budget"]
    assert "4 s and 512 MiB" in results[bomb][0].text
    assert results[honest] == scan_notebook(honest) and results[honest][0].rule == "process-control"
    assert seconds < LIMITS.seconds + 30
    assert grown < 100


def test_memory_past_the_budget_is_a_scan_budget_flag_too(tmp_path):
    bomb = scan_bomb(tmp_path / "bomb.ipynb")
    results = scan_notebooks([(bomb, None)], ScanLimits(seconds=60, memory_bytes=300 << 20))
    assert [flag.rule for flag in results[bomb]] == ["scan-budget"]
    assert "(memory)" in results[bomb][0].text or "ended" in results[bomb][0].text, results[bomb][0].text


def test_only_regular_files_are_scanned(tmp_path):
    folder = tmp_path / "cnn1d"
    folder.mkdir()
    write(folder / "01_simple_conv1d.ipynb", "x = 1")
    (folder / "02_output_size.ipynb").symlink_to("/proc/self/status")
    os.mkfifo(folder / "03_toy_check.ipynb")  # opening it would wait forever
    scans = BackgroundScans(tmp_path / "no-release", LIMITS)
    scans.add("student", folder)
    scans.start()
    assert scans.finish() == {"student": []}
    assert [path.name for path in scans.students["student"]] == ["01_simple_conv1d.ipynb"]
    fifo = scan_notebook(folder / "03_toy_check.ipynb")  # the scanner itself never blocks on one either
    assert [flag.rule for flag in fifo] == ["unreadable-notebook"] and "not a regular file" in fifo[0].text


def test_large_cells_are_not_cached():
    big = "x = 1\n" * 10_000
    python_tree.parse_small_cell.cache_clear()
    python_tree.parse_cell(big)
    python_tree.parse_cell("y = 2")
    assert python_tree.parse_small_cell.cache_info().currsize == 1


def test_scan_limits_from_the_environment():
    assert scan_limits({SCAN_LIMITS_ENV: '{"seconds": 3}'}) == ScanLimits(seconds=3)
