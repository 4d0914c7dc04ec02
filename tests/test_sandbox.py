"""The autograde sandbox (autograde/sandbox/): what a notebook can reach and what the limits do.

Each notebook here runs in the real bubblewrap sandbox with small limits; the cells print what they managed to do
and the tests read the executed notebook. Skipped where bwrap is missing or cannot make namespaces.
"""

import json
import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook

from autograde.course import REPO
from autograde.sandbox import execute as sandbox
from autograde.sandbox.bwrap import bwrap_available, hidden_paths
from autograde.sandbox.execute import execute_in_sandbox
from autograde.settings import SandboxLimits, sandbox_limits

needs_bwrap = pytest.mark.skipif(not bwrap_available(),
                                reason="bubblewrap (bwrap) is not installed or cannot create namespaces here "
                                       "(apt-get install bubblewrap)")

SECRET = "hidden-test-secret-7f3a"
SMALL = SandboxLimits(cell_timeout=4, notebook_timeout=120, memory_bytes=1 << 30, max_processes=64,
                      max_output_bytes=200_000, max_file_bytes=1 << 20, cpu_seconds=60)


def notebook(*sources: str, grade: bool = True) -> nbformat.NotebookNode:
    cells = [new_code_cell(source) for source in sources]
    for index, cell in enumerate(cells):
        cell.metadata["nbgrader"] = {"grade": grade, "grade_id": f"cell_{index}", "points": 1, "locked": True,
                                     "solution": False, "schema_version": 3}
    return new_notebook(cells=cells, metadata={"kernelspec": {"name": "python3", "language": "python",
                                                              "display_name": "Python 3"}})


def text(cell) -> str:
    """Everything a cell showed: streams, values and errors."""
    parts = []
    for output in cell.outputs:
        parts.append(output.get("text", ""))
        parts.append(json.dumps(output.get("data", {})))
        parts.append(f"{output.get('ename', '')}: {output.get('evalue', '')}")
    return "\n".join(parts)


def errors(cell) -> list[str]:
    return [output.ename for output in cell.outputs if output.output_type == "error"]


@pytest.fixture(scope="module")
def course_outside_tmp():
    """A course root outside /tmp (the sandbox has its own /tmp): gradebook, source, another student."""
    root = Path(tempfile.mkdtemp(prefix="cnn1d-course-", dir="/var/tmp"))
    files = [root / "gradebook.db", root / "source" / "cnn1d" / "01.ipynb",
             root / "submitted" / "other_student" / "cnn1d" / "01.ipynb", root / "autograded" / "x" / "01.ipynb"]
    for path in files:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(SECRET)
    os.environ["CNN1D_COURSE_ROOT"] = str(root)
    yield root, files
    os.environ.pop("CNN1D_COURSE_ROOT", None)
    shutil.rmtree(root)


READ_ATTEMPT = """
import os
for path in {paths!r}:
    try:
        with open(path, 'rb') as handle:
            handle.read(10)
        print('READ', path)
    except OSError as error:
        print('DENIED', path, type(error).__name__)
"""


@pytest.fixture(scope="module")
def isolation(course_outside_tmp):
    """One notebook of probes that leave the kernel alive; returns (executed notebook, reasons)."""
    _, course_files = course_outside_tmp
    repo_files = [REPO / "course" / "gradebook.db", REPO / "solutions" / "__init__.py",
                  next((REPO / "autograde" / "problems").glob("*/probe.py")),
                  next((REPO / "autograde" / "problems").glob("*/judge.py")), REPO / "pyproject.toml",
                  Path.home() / ".bashrc"]
    paths = [str(path) for path in course_files + repo_files]
    nb = notebook(
        READ_ATTEMPT.format(paths=paths),
        "import os\nfor path in ['/usr/x', os.path.expanduser('~/../escape'), '/etc/x', os.getcwd() + '/../data/x',"
        " '/dev/shm/../x']:\n"
        "    try:\n        open(path, 'w').write('x'); print('WROTE', path)\n"
        "    except OSError as error:\n        print('DENIED', path, type(error).__name__)\n"
        "open('scratch.txt', 'w').write('ok'); open('/tmp/t.txt', 'w').write('ok'); print('scratch ok')",
        "import socket\nfor address in [('1.1.1.1', 53), ('10.0.0.1', 80)]:\n    s = socket.socket()\n"
        "    s.settimeout(2)\n    try:\n        s.connect(address); print('CONNECTED', address)\n"
        "    except OSError as error:\n        print('NO NETWORK', address, error)",
        # the notebook itself (with this cell's secret) must not be readable anywhere in the sandbox
        "import os, glob, stat\nfound = []\nfor root in [os.getcwd(), os.path.expanduser('~'), '/tmp']:\n"
        "    for folder, _, names in os.walk(root):\n        for name in names:\n"
        "            try:\n                data = open(os.path.join(folder, name), 'rb').read()\n"
        "            except OSError:\n                continue\n"
        f"            if b'{SECRET[:10]}' + b'{SECRET[10:]}' in data:\n"
        "                found.append(os.path.join(folder, name))\n"
        "for path in glob.glob('/proc/[0-9]*/fd/*') + glob.glob('/proc/[0-9]*/cmdline')"
        " + glob.glob('/proc/[0-9]*/environ'):\n"
        "    try:\n        if not stat.S_ISREG(os.stat(path).st_mode) and '/fd/' in path:\n            continue\n"
        "        data = open(path, 'rb').read(1 << 24)\n    except OSError:\n        continue\n"
        f"    if b'{SECRET[:10]}' + b'{SECRET[10:]}' in data:\n        found.append(path)\n"
        f"print('NOTEBOOK FOUND' if found else 'notebook not found', found)\n# {SECRET}",
        "import numpy as np\ntry:\n    big = np.ones(1 << 29)\n    print('ALLOCATED 4 GiB')\n"
        "except MemoryError as error:\n    print('MemoryError', error)",
        "open('big.bin', 'wb').write(b'x' * (2 << 20))",
        "import os, time\ntry:\n    while True:\n        if os.fork() == 0:\n            while True:\n"
        "                try:\n                    os.fork()\n"
        "                except OSError:\n                    time.sleep(0.2)\n"
        "except OSError as error:\n    print('fork stopped:', error)",
        "while True:\n    pass",
        "print('after the loop')",
        "for _ in range(20):\n    print('x' * (1 << 20))",
        "print('after the flood')",
        "raise ValueError('big error ' + 'e' * 10_000_000)",
        "import os\nos._exit(7)",
        "print('must not run')",
    )
    start = time.monotonic()
    executed, reasons = execute_in_sandbox(nb, SMALL)
    return executed, reasons, time.monotonic() - start


@needs_bwrap
def test_notebook_cannot_read_the_course_the_repo_or_home(isolation):
    out = text(isolation[0].cells[0])
    assert "DENIED" in out and "READ" not in out, out


@needs_bwrap
def test_notebook_writes_only_its_scratch(isolation):
    out = text(isolation[0].cells[1])
    assert "WROTE" not in out and "scratch ok" in out, out


@needs_bwrap
def test_notebook_has_no_network(isolation):
    out = text(isolation[0].cells[2])
    assert "CONNECTED" not in out and out.count("NO NETWORK") == 2, out


@needs_bwrap
def test_notebook_cannot_see_its_own_source(isolation):
    out = text(isolation[0].cells[3])
    assert "notebook not found" in out, out


@needs_bwrap
def test_memory_limit_raises_memory_error(isolation):
    assert "MemoryError" in text(isolation[0].cells[4])


@needs_bwrap
def test_file_size_limit(isolation):
    cell = isolation[0].cells[5]
    assert errors(cell) and "File too large" in text(cell), text(cell)


@needs_bwrap
def test_fork_bomb_is_stopped_and_the_kernel_goes_on(isolation):
    assert "fork stopped" in text(isolation[0].cells[6])
    assert "processes this cell started were killed" in text(isolation[0].cells[6])
    if os.geteuid() == 0:
        uid = str(sandbox.unprivileged_ids()[0])
        left = subprocess.run(["pgrep", "-u", uid, "-c"], capture_output=True, text=True).stdout.strip()
        assert int(left or 0) == 0, "the fork bomb outlived its sandbox"


@needs_bwrap
def test_infinite_loop_times_out_and_the_next_cell_runs(isolation):
    executed, reasons, _ = isolation
    assert errors(executed.cells[7]) == ["CellTimeoutError"]
    assert "4 s" in text(executed.cells[7]) and "制限時間" in text(executed.cells[7])
    assert "after the loop" in text(executed.cells[8])
    assert any("timeout" in reason for reason in reasons)


@needs_bwrap
def test_output_is_capped(isolation):
    executed = isolation[0]
    kept = sum(len(json.dumps(cell.outputs)) for cell in executed.cells)
    assert kept < 3 * SMALL.max_output_bytes
    assert "output limit of 200000 bytes" in text(executed.cells[9])
    assert "after the flood" not in text(executed.cells[10])  # dropped: past the cap


@needs_bwrap
def test_errors_are_kept_past_the_output_cap(isolation):
    assert errors(isolation[0].cells[11]) == ["ValueError"]  # else nbgrader would score the cell as passed


@needs_bwrap
def test_kernel_exit_is_reported_and_later_cells_not_run(isolation):
    executed, reasons, _ = isolation
    assert errors(executed.cells[12]) == ["KernelDied"] and "exited with code 7" in text(executed.cells[12])
    assert errors(executed.cells[13]) == ["NotRun"]
    assert "not run: kernel died" in text(executed.cells[13]) and "実行されませんでした" in text(executed.cells[13])
    assert any("exited with code 7" in reason for reason in reasons)


@needs_bwrap
def test_segfault_is_reported():
    executed, reasons = execute_in_sandbox(notebook("import ctypes\nctypes.string_at(0)", "print(1)"), SMALL)
    assert errors(executed.cells[0]) == ["KernelDied"] and "segmentation fault" in text(executed.cells[0])
    assert errors(executed.cells[1]) == ["NotRun"]
    assert any("SIGSEGV" in reason for reason in reasons)


@needs_bwrap
def test_cpu_limit_and_notebook_deadline():
    limits = SandboxLimits(cell_timeout=60, notebook_timeout=90, cpu_seconds=8)  # the kernel starts in ~2 s CPU
    executed, reasons = execute_in_sandbox(notebook("while True:\n    pass", "print(1)"), limits)
    assert errors(executed.cells[0]) == ["KernelDied"] and "CPU time" in text(executed.cells[0]), reasons
    limits = SandboxLimits(cell_timeout=5, notebook_timeout=6)
    executed, _ = execute_in_sandbox(notebook("import time\ntime.sleep(4)", "time.sleep(4)", "print(1)"), limits)
    assert not errors(executed.cells[0])
    assert errors(executed.cells[1]) == ["CellTimeoutError"] and "notebook's time limit" in text(executed.cells[1])
    assert errors(executed.cells[2]) == ["NotRun"]


@needs_bwrap
def test_cells_after_the_last_grade_cell_are_skipped(monkeypatch):
    nb = notebook("print('graded')", "print('after')")
    nb.cells[1].metadata["nbgrader"]["grade"] = False
    monkeypatch.setenv("AUTOGRADE_SKIP_AFTER_LAST_GRADE", "1")
    executed, reasons = execute_in_sandbox(nb, sandbox_limits())
    assert "graded" in text(executed.cells[0]) and executed.cells[1].outputs == [] and not reasons
    assert executed.cells[1].execution_count is None
    monkeypatch.setenv("AUTOGRADE_SKIP_AFTER_LAST_GRADE", "0")
    assert not sandbox_limits().skip_after_last_grade


@needs_bwrap
def test_hidden_paths_cover_the_repo_and_course(course_outside_tmp):
    root, _ = course_outside_tmp
    covered = hidden_paths() + [Path("/tmp")]  # the sandbox's /tmp is a fresh tmpfs
    for path in (REPO.resolve(), root.resolve(), Path("/root")):
        assert any(path.is_relative_to(outer) for outer in covered), (path, covered)


def test_without_bwrap_grading_refuses_unless_allowed(monkeypatch):
    monkeypatch.setattr(sandbox, "bwrap_available", lambda: False)
    monkeypatch.delenv("CNN1D_NO_SANDBOX", raising=False)
    with pytest.raises(sandbox.SandboxUnavailable, match="apt-get install bubblewrap"):
        execute_in_sandbox(notebook("print(1)"), SMALL)


@needs_bwrap
def test_other_copies_of_the_course_on_the_machine_are_not_visible():
    """Only system folders, the venv, the runner and data/ are in the sandbox: a checkout or backup of the course
    beside this one (found in CI: a second clone let a student import solutions) must not be reachable."""
    other = REPO.parent / f".cnn1d-other-checkout-{os.getpid()}"
    (other / "solutions").mkdir(parents=True)
    try:
        (other / "solutions" / "p1.py").write_text(f"SECRET = '{SECRET}'\n")
        executed, _ = execute_in_sandbox(notebook(
            f"import os\nprint('SEEN' if os.path.exists({str(other)!r}) else 'UNSEEN', sorted(os.listdir('/')))"),
            SMALL)
        out = text(executed.cells[0])
        assert "UNSEEN" in out and SECRET not in out, out
    finally:
        shutil.rmtree(other)
