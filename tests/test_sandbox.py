"""The autograde sandbox (autograde/sandbox/): what a notebook can reach and what the limits do.

Each notebook here runs in the real bubblewrap sandbox with small limits; the cells print what they managed to do
and the tests read the executed notebook. Skipped where bwrap is missing or cannot make namespaces.
"""

import json
import os
import re
import shutil
import subprocess
import tempfile
import threading
import time
from dataclasses import replace
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook

from autograde.course import REPO
from autograde.sandbox import bwrap, cgroups
from autograde.sandbox import execute as sandbox
from autograde.sandbox.bwrap import bwrap_available, hidden_paths, runner_python
from autograde.sandbox.execute import execute_in_sandbox
from autograde.sandbox.graded_size import fit_to_size
from autograde.settings import (
    PROBE_MIME,
    REQUIRE_CGROUP_ENV,
    SANDBOX_CPUS_ENV,
    SandboxLimits,
    sandbox_limits,
)

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
        # the notebook itself (with this cell's secret) must not be readable anywhere the sandbox can write or in
        # /proc; the venv, bound read-only from the machine, is skipped (under /tmp when the checkout is there)
        "import os, glob, stat, sys\nfound = []\nvenvs = (sys.prefix, sys.base_prefix)\n"
        "for root in [os.getcwd(), os.path.expanduser('~'), '/tmp']:\n"
        "    for folder, dirs, names in os.walk(root):\n"
        "        dirs[:] = [d for d in dirs if os.path.join(folder, d) not in venvs]\n        for name in names:\n"
        "            try:\n                data = open(os.path.join(folder, name), 'rb').read(1 << 24)\n"
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
    # the deadline counts from before the kernel starts: cell 1 reaches it whether the start takes 1 s or 6 s
    limits = SandboxLimits(cell_timeout=10, notebook_timeout=12)
    executed, _ = execute_in_sandbox(notebook("import time\ntime.sleep(5)", "time.sleep(8)", "print(1)"), limits)
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


# --- the sandbox's cgroup (autograde/sandbox/cgroups.py) ---------------------------------------------------------

_probe, NO_CGROUP = cgroups.SandboxCgroup.try_create("probe", 64 << 20, 8, 1.0)
if _probe is not None:
    _probe.remove()
needs_cgroup = pytest.mark.skipif(_probe is None, reason=f"no writable cgroup here: {NO_CGROUP}")
CGROUP_LIMITS = SandboxLimits(cell_timeout=30, notebook_timeout=120, memory_bytes=1 << 30, max_processes=64,
                              max_output_bytes=200_000, max_file_bytes=256 << 20, cpu_seconds=60)


def our_sandbox_groups() -> list[Path]:
    layout = cgroups.Layout.detect()
    return [base / name for base in set(layout.bases.values()) for name in os.listdir(base)
            if name.startswith(f"cnn1d-{os.getpid()}-")]


@needs_bwrap
@needs_cgroup
def test_memory_outside_the_address_space_is_bounded_by_the_cgroup():
    """memfd pages are in no address space (RLIMIT_AS) and each file stays under RLIMIT_FSIZE: 8 x 256 MiB of them
    pass every rlimit; the cgroup kills the kernel and the cell says out of memory."""
    executed, reasons = execute_in_sandbox(notebook(
        "import os, resource\nprint('nofile', resource.getrlimit(resource.RLIMIT_NOFILE))\n"
        "print(open('/proc/self/cgroup').read())",
        "import os\nfds = []\nfor _ in range(8):\n    fds.append(os.memfd_create('hog'))\n"
        "    for _ in range(256):\n        os.write(fds[-1], b'x' * (1 << 20))\nprint('survived')",
        "print('after')"), CGROUP_LIMITS)
    assert "nofile (256, 256)" in text(executed.cells[0]) and "cnn1d-" in text(executed.cells[0])
    assert errors(executed.cells[1]) == ["KernelDied"], text(executed.cells[1])
    assert "out of memory (limit 1024 MiB)" in text(executed.cells[1]) and "メモリ不足" in text(executed.cells[1])
    assert errors(executed.cells[2]) == ["NotRun"] and "out of memory" in text(executed.cells[2])
    # the kernel first (oom_score_adj 1000); while its 1 GiB is being freed the OOM killer may take the kernel
    # zygote too (the sandbox is then not reused): the notebook's result is the same
    assert any(re.search(r"OOM kills [12],", reason) for reason in reasons), reasons
    assert not our_sandbox_groups()


@needs_bwrap
@needs_cgroup
def test_tmpfs_files_past_the_memory_limit_end_the_notebook_as_out_of_memory():
    """/tmp and HOME (512 MiB tmpfs each) filled: the files outlive the kernel the OOM killer takes."""
    executed, reasons = execute_in_sandbox(notebook(
        "import os\nfor folder in ['/tmp', os.path.expanduser('~')]:\n    for n in range(2):\n"
        "        try:\n            with open(f'{folder}/fill{n}', 'wb') as f:\n"
        "                for _ in range(256):\n                    f.write(b'x' * (1 << 20))\n"
        "        except OSError as error:\n            print(folder, n, error)\nprint('survived')",
        "print('after')"), CGROUP_LIMITS)
    assert "out of memory (limit 1024 MiB)" in text(executed.cells[0]), (text(executed.cells[0]), reasons)
    assert errors(executed.cells[1]) == ["NotRun"]
    assert not our_sandbox_groups()


@needs_bwrap
@needs_cgroup
def test_sysv_shared_memory_is_bounded_and_dies_with_the_sandbox():
    """SysV segments (8 x 200 MiB, each attached then detached: under RLIMIT_AS) are charged to the sandbox's group;
    the kernel is killed, the segments die with the sandbox's IPC namespace."""
    before = Path("/proc/sysvipc/shm").read_text()
    executed, _ = execute_in_sandbox(notebook(
        "import ctypes\nlibc = ctypes.CDLL(None)\nlibc.shmat.restype = ctypes.c_void_p\nsize = 200 << 20\n"
        "for _ in range(8):\n    address = libc.shmat(libc.shmget(0, ctypes.c_size_t(size), 0o1600), None, 0)\n"
        "    ctypes.memset(address, 1, size)\n    libc.shmdt(ctypes.c_void_p(address))\nprint('survived')"),
        CGROUP_LIMITS)
    assert errors(executed.cells[0]) == ["KernelDied"] and "out of memory" in text(executed.cells[0])
    assert Path("/proc/sysvipc/shm").read_text() == before


@needs_cgroup
def test_unsandboxed_daemons_are_killed_with_their_notebook():
    """Without bwrap (no PID namespace) a double-forked daemon used to outlive grading; the cgroup ends it."""
    executed, _ = execute_in_sandbox(notebook(
        "import os, subprocess\n"
        "p = subprocess.Popen(['setsid', 'sleep', '300'], start_new_session=True)\nprint('daemon', p.pid)"),
        CGROUP_LIMITS, no_sandbox=True)
    pid = int(text(executed.cells[0]).split("daemon ")[1].split()[0])
    time.sleep(0.2)
    state = Path(f"/proc/{pid}/stat").read_text().split()[2] if Path(f"/proc/{pid}").exists() else "gone"
    assert state in ("gone", "Z"), f"the daemon {pid} outlived its notebook"
    assert not our_sandbox_groups()


def test_without_a_cgroup_grading_warns_and_goes_on_or_refuses_if_required(monkeypatch, capsys):
    monkeypatch.setattr(cgroups.SandboxCgroup, "try_create", classmethod(lambda cls, *a, **k: (None, "a reason")))
    monkeypatch.delenv(REQUIRE_CGROUP_ENV, raising=False)
    assert sandbox.sandbox_cgroup(SMALL, 1.0) is None
    assert "WITHOUT a cgroup: a reason" in capsys.readouterr().err
    assert "only rlimits" in sandbox.check_cgroups(1.0)
    monkeypatch.setenv(REQUIRE_CGROUP_ENV, "1")
    with pytest.raises(sandbox.SandboxUnavailable, match="a reason"):
        sandbox.sandbox_cgroup(SMALL, 1.0)


@needs_bwrap
@needs_cgroup
def test_the_sandbox_gets_its_share_of_the_cores(monkeypatch):
    """OpenBLAS raised to 4 threads with threadpoolctl (past OPENBLAS_NUM_THREADS=1), plus 4 hashing threads: the
    sandbox's CPU quota (cores / workers; 0.5 here) holds them all."""
    monkeypatch.setenv(SANDBOX_CPUS_ENV, "0.5")
    executed, _ = execute_in_sandbox(notebook(
        "import hashlib, threading, time\nimport numpy as np\nfrom threadpoolctl import threadpool_limits\n"
        "a = np.random.default_rng(0).random((400, 400))\ndata = b'x' * (1 << 20)\nend = time.monotonic() + 3\n"
        "def spin():\n    while time.monotonic() < end:\n        hashlib.sha256(data).digest()\n"
        "with threadpool_limits(limits=4, user_api='blas'):\n"
        "    threads = [threading.Thread(target=spin) for _ in range(4)]\n"
        "    wall, cpu = time.monotonic(), time.process_time()\n    [t.start() for t in threads]\n"
        "    while time.monotonic() < end:\n        a @ a\n    [t.join() for t in threads]\n"
        "    print('cores', (time.process_time() - cpu) / (time.monotonic() - wall))"),
        replace(CGROUP_LIMITS, memory_bytes=2 << 30))
    assert "cores" in text(executed.cells[0]), text(executed.cells[0])
    cores = float(text(executed.cells[0]).split("cores ")[1].split()[0])
    print(f"\n    8 busy threads in a sandbox with a 0.5-core quota: {cores:.2f} cores")
    assert cores <= 0.5 * 1.15, cores


# --- every byte a kernel emits is bounded ------------------------------------------------------------------------

OUTPUT_LIMITS = SandboxLimits(cell_timeout=60, notebook_timeout=240, memory_bytes=1 << 30, max_processes=64,
                              max_output_bytes=2 << 20, max_cell_output_bytes=1 << 20, max_probe_bytes=1 << 20,
                              max_graded_bytes=3 << 20, cpu_seconds=200)


class RssGrowth:
    """How much this (the grader's) process's resident memory rose above where it started, at its highest,
    sampled every 20 ms while the block runs (ru_maxrss would hide it behind an earlier test's peak)."""

    def __init__(self):
        self.start = self.peak = self.rss()
        self.done = threading.Event()
        self.thread = threading.Thread(target=self.watch, daemon=True)

    @staticmethod
    def rss() -> int:
        status = Path("/proc/self/status").read_text()
        return int(status.split("VmRSS:")[1].split()[0]) << 10

    def watch(self) -> None:
        while not self.done.wait(0.02):
            self.peak = max(self.peak, self.rss())

    @property
    def mib(self) -> float:
        return (self.peak - self.start) / (1 << 20)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.done.set()
        self.thread.join()


@needs_bwrap
def test_a_gib_written_to_the_kernels_original_stderr_never_reaches_the_graders_memory():
    """ipykernel keeps a copy of the original fd 2 (sys.stderr._original_stdstream_copy): 1 GiB written there, and
    what goes to fd 1 and 2 (ipykernel forwards it as output), reach the grader bounded (communicate() held it all)."""
    with RssGrowth() as growth:
        executed, reasons = execute_in_sandbox(notebook(
            "import os, sys\nchunk = b'e' * (1 << 20)\nfd = sys.stderr._original_stdstream_copy\n"
            "for _ in range(1024):\n    os.write(fd, chunk)\nprint('wrote 1 GiB to fd', fd)",
            "import os\nchunk = b'o' * (1 << 20)\nfor _ in range(20):\n    os.write(1, chunk)\n    os.write(2, chunk)",
            "print('after')"), OUTPUT_LIMITS)
    grown = growth.mib
    print(f"\n    grader peak RSS grew by {grown:.0f} MiB")
    assert "wrote 1 GiB" in text(executed.cells[0]) and "output truncated" in text(executed.cells[1])
    assert executed.cells[2].execution_count and not errors(executed.cells[2])  # ran; its output is past the limit
    assert grown < 200, grown
    assert len(nbformat.writes(executed)) < OUTPUT_LIMITS.max_graded_bytes


def flood_notebook() -> nbformat.NotebookNode:
    """Display updates, errors and rich outputs past every limit; a grade cell whose error comes past the limits;
    and a grade cell's hidden-test result (PROBE_MIME) after all of it."""
    nb = notebook(
        # 300 updates of 1 MiB to one display: each replaced the output in place before any check
        "from IPython.display import display, HTML\nh = display(HTML('small'), display_id=True)\n"
        "for i in range(300):\n    h.update(HTML('<b>' + 'u' * (1 << 20) + str(i) + '</b>'))\nprint('updated')",
        # 25,000 error outputs (what made a 93 MB notebook)
        "from IPython import get_ipython\nip = get_ipython()\ntry:\n    raise ValueError('e' * 2000)\n"
        "except ValueError as error:\n    stb = ip.InteractiveTB.structured_traceback(type(error), error, None)\n"
        "for _ in range(25000):\n    ip._showtraceback(ValueError, ValueError('e' * 2000), stb)\nprint('errors sent')",
        # images and HTML: 3000 rich outputs of 70 KB
        "from IPython.display import display, Image, HTML\nimport base64\npng = base64.b64decode("
        "'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==')\n"
        "for i in range(1500):\n    display(Image(data=png * 1000))\n    display(HTML('<p>' + 'h' * 70000))",
        "print('x' * 3000)\nraise AssertionError('the grade cell fails')",
        f"from IPython.display import display\ndisplay({{'{PROBE_MIME}': {{'grade_id': 'cell_4', 'results': {{}}}}}}, "
        "raw=True)\nprint('probe sent')")
    for index in (0, 1, 2):
        nb.cells[index].metadata["nbgrader"]["grade"] = False
    return nb


@pytest.fixture(scope="module")
def flooded():
    with RssGrowth() as growth:
        executed, reasons = execute_in_sandbox(flood_notebook(), OUTPUT_LIMITS)
    return executed, reasons, growth.mib


@needs_bwrap
def test_display_updates_are_charged_before_they_are_applied(flooded):
    cell = flooded[0].cells[0]
    assert "output truncated: this cell reached its output limit" in text(cell)
    assert cell.outputs[0].data["text/html"] == "small"  # no update fitted: the display kept what it showed first
    assert len(json.dumps(cell.outputs)) < OUTPUT_LIMITS.max_cell_output_bytes + 10_000


@needs_bwrap
def test_error_floods_are_dropped_past_the_limits_with_one_short_error_kept(flooded):
    cell = flooded[0].cells[1]
    assert "output truncated" in text(cell)
    assert 0 < len(errors(cell)) < 600, len(errors(cell))
    assert len(json.dumps(cell.outputs)) < OUTPUT_LIMITS.max_cell_output_bytes + 10_000


@needs_bwrap
def test_rich_output_floods_are_capped_per_cell_and_per_notebook(flooded):
    executed = flooded[0]
    assert len(json.dumps(executed.cells[2].outputs)) < OUTPUT_LIMITS.max_cell_output_bytes + 10_000
    kept = sum(len(json.dumps(cell.outputs)) for cell in executed.cells)
    assert kept < OUTPUT_LIMITS.max_output_bytes + 100_000
    assert "output truncated: this notebook reached its output limit" in text(executed.cells[2])


@needs_bwrap
def test_a_grade_cell_past_the_limits_still_fails_and_probe_results_are_kept(flooded):
    executed, _, grown = flooded
    assert errors(executed.cells[3]) == ["AssertionError"], text(executed.cells[3])
    assert any(PROBE_MIME in output.get("data", {}) for output in executed.cells[4].outputs)
    assert len(nbformat.writes(executed)) < OUTPUT_LIMITS.max_graded_bytes
    print(f"\n    grader peak RSS grew by {grown:.0f} MiB under the output floods")
    assert grown < 200


def test_a_submission_larger_than_the_cap_is_cut_to_it_but_grade_cells_are_whole():
    nb = notebook("x = 1", "assert x == 1")
    nb.cells[0].metadata["nbgrader"] = {"solution": True, "grade": False, "grade_id": "answer", "locked": False,
                                        "schema_version": 3}
    nb.cells[0].source = "table = [\n" + "    0.123456789,\n" * 400_000 + "]"
    nb.cells[0].outputs = [nbformat.v4.new_output("stream", name="stdout", text="y" * 2_000_000)]
    nb.cells.extend(new_code_cell(f"# cell {n}\n" + "z" * 800) for n in range(5_000))
    cut = fit_to_size(nb, 3 << 20, PROBE_MIME)
    assert len(nbformat.writes(nb).encode()) <= 3 << 20, cut
    assert nb.cells[1].source == "assert x == 1" and "cut here" in nb.cells[0].source
    assert "not kept in the graded copy" in nb.cells[-1].source
    nbformat.validate(nb)


# --- the runner's interpreter and a sandbox that cannot start ----------------------------------------------------

def test_the_runner_python_is_the_venvs_real_path_when_the_venv_is_reached_through_a_symlink(monkeypatch, tmp_path):
    import sys

    link = tmp_path / "venv-link"
    link.symlink_to(Path(sys.prefix).resolve())
    monkeypatch.setattr(sys, "prefix", str(link))
    monkeypatch.setattr(sys, "executable", str(link / "bin" / "python"))
    python = runner_python()
    assert Path(python).parent.parent == Path(sys.prefix).resolve() and Path(python).exists()
    assert str(tmp_path) not in python


@needs_bwrap
def test_a_sandbox_that_cannot_start_is_an_infrastructure_error_not_a_zero(monkeypatch):
    monkeypatch.setattr(sandbox, "runner_python", lambda: "/nonexistent/venv/bin/python")
    with pytest.raises(sandbox.SandboxStartError, match="could not start.*not the student's notebook"):
        execute_in_sandbox(notebook("print(1)"), SMALL)
    assert not our_sandbox_groups()
    monkeypatch.setattr(bwrap, "runner_python", lambda: "/nonexistent/venv/bin/python")
    assert "nonexistent" in bwrap.runner_start_problem()
