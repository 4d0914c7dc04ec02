"""The static scan: each rule flags its attack on the right line, honest demo submissions give no flag, aliases are
resolved, edited locked cells and unparsable cells are flagged, flags survive a write/read round trip."""

import json
import os
import shutil
import sys
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from autograde.course import Course, course_notebooks
from autograde.demo_class.make_submissions import make_demo_class
from autograde.scan.__main__ import main
from autograde.scan.flags import Flag, read_flags, write_flags
from autograde.scan.notebooks import scan_notebook, scan_submission
from autograde.scan.rules import RULES

GIVEN = ("import numpy as np\n\n\ndef check_array(name, got, expected, hint=None):\n"
         "    assert np.allclose(got, expected)\n")
SKELETON = "def conv(x, w):\n    # YOUR CODE HERE\n    raise NotImplementedError()\n"
TEST = "check_array('conv', conv(np.ones(3), np.ones(2)), [2, 2])\n"
DEMO = "x_demo = np.arange(4)\nprint(x_demo)\n"


def nbgrader(grade_id, **kind):
    return {"nbgrader": {"grade_id": grade_id, "schema_version": 3, "solution": False, "grade": False,
                         "locked": False, **kind}}


def released_notebook():
    notebook = new_notebook()
    notebook.cells = [
        new_markdown_cell("# a problem"),
        new_code_cell(GIVEN, id="given-helpers", metadata=nbgrader("given_helpers", locked=True)),
        new_code_cell(DEMO, id="cell-demo"),
        new_code_cell(SKELETON, id="solution-conv", metadata=nbgrader("solution_conv", solution=True)),
        new_code_cell(TEST, id="test-conv", metadata=nbgrader("test_conv", grade=True, locked=True, points=1)),
        new_code_cell("# scratch", id="cell-scratch"),
    ]
    return notebook


SOLUTION_INDEX = 3


def scan_with(tmp_path, solution=None, added=None, edit=None, change=None):
    """Write the release and a submission with the solution cell replaced / a cell added / a cell edited /
    change(submitted notebook) applied."""
    released = released_notebook()
    submitted = nbformat.from_dict(json.loads(json.dumps(released)))
    if change is not None:
        change(submitted)
    if solution is not None:
        submitted.cells[SOLUTION_INDEX].source = solution
    if edit is not None:
        index, source = edit
        submitted.cells[index].source = source
    if added is not None:
        submitted.cells.append(new_code_cell(added, id="student-added"))
    release_path, submission_path = tmp_path / "release" / "01_x.ipynb", tmp_path / "submitted" / "01_x.ipynb"
    for path, notebook in ((release_path, released), (submission_path, submitted)):
        path.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(notebook, path)
    return scan_notebook(submission_path, release_path)


def rules_at(flags):
    return {(flag.rule, flag.line) for flag in flags}


def body(*lines):
    """A solution cell: the function, then the student's extra lines (line 4 onwards)."""
    return "def conv(x, w):\n    return np.convolve(x, w[::-1], mode='valid')\n\n" + "\n".join(lines) + "\n"


# (student lines from line 4 of the solution cell, the rule expected on line 4 or on the line given)
ATTACKS = [
    ("np.allclose = lambda *a, **k: True", "module-patch"),
    ("import numpy\nnumpy.testing.assert_allclose = print", "module-patch", 5),
    ("from numpy import testing\ntesting.assert_allclose = len", "module-patch", 5),
    ("import math as m\nm.isclose = lambda *a, **k: True", "module-patch", 5),
    ("t = np.testing\nt.assert_allclose = None", "module-patch", 5),
    ("setattr(np, 'allclose', lambda *a: True)", "module-patch"),
    ("del np.allclose", "module-patch"),
    ("getattr(np, 'testing').assert_allclose = None", "module-patch"),
    ("object.__setattr__(np, 'allclose', max)", "module-patch"),
    ("getattr(__import__('os'), 'system')('ls')", "dynamic-code"),
    ("import os\ngetattr(os, 'system')('ls')", "process-control", 5),
    ("np.__dict__['allclose'] = max", "module-patch"),
    ("import builtins as b", "forbidden-import"),
    ("import builtins as b\nb.isinstance = lambda *a: True", "builtins-access", 5),
    ("__builtins__.print = None", "builtins-access"),
    ("__builtins__['AssertionError'] = Warning", "builtins-access"),
    ("print = lambda *a: None", "shadows-builtin"),
    ("class AssertionError(Exception):\n    pass", "shadows-builtin"),
    ("def isinstance(a, b):\n    return True", "shadows-builtin"),
    ("def f():\n    global len\n    len = None", "shadows-builtin", 5),
    ("check_array = lambda *a, **k: None", "shadows-given"),
    ("def check_array(*a, **k):\n    pass", "shadows-given"),
    ("import ctypes", "forbidden-import"),
    ("import gc", "forbidden-import"),
    ("from inspect import currentframe", "forbidden-import"),
    ("import importlib", "forbidden-import"),
    ("import subprocess as sp", "forbidden-import"),
    ("from socket import socket", "forbidden-import"),
    ("import signal", "forbidden-import"),
    ("from multiprocessing import Process", "forbidden-import"),
    ("import threading", "forbidden-import"),
    ("import pty", "forbidden-import"),
    ("import resource", "forbidden-import"),
    ("import sqlite3", "forbidden-import"),
    ("import shutil", "forbidden-import"),
    ("from urllib.request import urlopen", "forbidden-import"),
    ("import requests", "forbidden-import"),
    ("import http.client", "forbidden-import"),
    ("import nbformat", "forbidden-import"),
    ("from nbgrader.api import Gradebook", "forbidden-import"),
    ("import nbclient", "forbidden-import"),
    ("from IPython.core.interactiveshell import InteractiveShell", "forbidden-import"),
    ("from IPython import core", "forbidden-import"),
    ("from solutions.p1_simple_conv1d import SimpleConv1d", "forbidden-import"),
    ("import autograde.judge", "forbidden-import"),
    ("import torch", "library-convolution"),
    ("import tensorflow as tf", "library-convolution"),
    ("from keras import layers", "library-convolution"),
    ("from scipy import signal", "library-convolution"),
    ("from scipy.signal import correlate", "library-convolution"),
    ("eval('1 + 1')", "dynamic-code"),
    ("exec(source)", "dynamic-code"),
    ("code = compile('x', 'f', 'eval')", "dynamic-code"),
    ("m = __import__('os')", "dynamic-code"),
    ("getattr(np, name)", "introspection"),
    ("g = globals()", "introspection"),
    ("v = vars()", "introspection"),
    ("breakpoint()", "introspection"),
    ("import sys\nframe = sys._getframe(1)", "introspection", 5),
    ("import sys\nsys.settrace(tracer)", "trace-hook", 5),
    ("import sys as s\ns.setprofile(None)", "trace-hook", 5),
    ("import sys\nnumpy_module = sys.modules['numpy']", "sys-modules", 5),
    ("import os\nos._exit(0)", "process-control", 5),
    ("import os\nos.kill(os.getpid(), 9)", "process-control", 5),
    ("import os\nos.system('ls')", "process-control", 5),
    ("import os\nos.remove('x')", "file-access", 5),
    ("import os\nos.unlink('x')", "file-access", 5),
    ("text = open('answers.txt').read()", "file-access"),
    ("from pathlib import Path\nPath('a').write_text('x')", "file-access", 5),
    ("from pathlib import Path\nPath('a').read_text()", "file-access", 5),
    ("from pathlib import Path\nPath('a').unlink()", "file-access", 5),
    ("data = np.load('expected.npy')", "file-access"),
    ("path = '../../release/cnn1d/01_simple_conv1d.ipynb'", "grader-path-string"),
    ("name = 'gradebook.db'", "grader-path-string"),
    ("folder = 'autograde/hidden_tests'", "grader-path-string"),
    ("folder = f'{root}/submitted/{student}'", "grader-path-string"),
    ("folder = 'autograded'", "grader-path-string"),
    ("class Liar:\n    def __eq__(self, other):\n        return True", "lying-object", 5),
    ("class Liar:\n    def __array__(self, dtype=None):\n        return np.zeros(2)", "lying-object", 5),
    ("class Liar:\n    __array_priority__ = 1000", "lying-object", 5),
    ("class Liar(float):\n    def __float__(self):\n        return 2.0", "lying-object", 5),
    ("class Liar:\n    __ne__ = lambda self, other: False", "lying-object", 5),
    ("class Liar:\n    def __array_ufunc__(self, *a, **k):\n        return True", "lying-object", 5),
    ("check_array.__code__ = (lambda *a, **k: None).__code__", "function-internals"),
    ("g = conv.__globals__", "function-internals"),
    ("ip = get_ipython()", "ipython-internals"),
    ("get_ipython().events.register('pre_run_cell', hook)", "ipython-internals"),
    ("previous = In[-1]", "ipython-internals"),
    ("history = _ih", "ipython-internals"),
    ("last = Out[3]", "ipython-internals"),
    ("while True:\n    pass", "may-not-terminate"),
    ("while 1:\n    x = 2", "may-not-terminate"),
    ("import time\ntime.sleep(3600)", "may-not-terminate", 5),
    ("exit()", "process-control"),
    ("import os\nwhile True:\n    os.fork()", "fork-bomb", 6),
    ("import os\ndef bomb():\n    os.fork()\n    bomb()", "fork-bomb", 5),
    ("!ls ../..", "shell-command"),
    ("files = !ls", "shell-command"),
    ("%system ls", "shell-command"),
    ("%pip install torch", "shell-command"),
    ("!:(){ :|:& };:", "fork-bomb"),
    ("%run other.py", "risky-magic"),
    ("%load_ext autoreload", "risky-magic"),
    ("%env KERAS_BACKEND=torch", "risky-magic"),
    ("%time np.allclose = max", "module-patch"),
]


@pytest.mark.parametrize("attack", ATTACKS, ids=lambda a: a[0].replace("\n", "; ")[:60])
def test_attack_flagged_on_its_line(tmp_path, attack):
    code, rule = attack[0], attack[1]
    line = attack[2] if len(attack) > 2 else 4
    flags = scan_with(tmp_path, solution=body(code))
    assert (rule, line) in rules_at(flags), flags
    flag = next(f for f in flags if (f.rule, f.line) == (rule, line))
    assert flag.cell == SOLUTION_INDEX and flag.notebook == "01_x"
    assert flag.text == body(code).splitlines()[line - 1].strip()
    assert rule in RULES


CELL_MAGICS = [
    ("%%bash\nrm -rf ~", "shell-command"),
    ("%%script bash\nls", "shell-command"),
    ("%%sh\nls", "shell-command"),
    ("%%writefile solution.py\nx = 1", "risky-magic"),
    ("%%javascript\nalert(1)", "risky-magic"),
]


@pytest.mark.parametrize("code, rule", CELL_MAGICS)
def test_cell_magics_flagged_on_their_first_line(tmp_path, code, rule):
    assert (rule, 1) in rules_at(scan_with(tmp_path, added=code))


def test_code_inside_timing_magics_is_scanned(tmp_path):
    flags = scan_with(tmp_path, added="%%time\nx = 1\nnp.allclose = max\n")
    assert rules_at(flags) == {("module-patch", 3)}


@pytest.mark.parametrize("honest", [
    "x = np.arange(3)\n%time y = x @ x\n",
    "print(np.convolve([1, 2, 3], [1, 1], mode='valid'))",
    "layer = {'W': 1}\nresult = getattr(layer, 'W', None)",
    "for _ in range(3):\n    pass\nfilter = np.ones(3)\ninput = np.zeros(4)\nmax = 3\nid = 1",
    "while True:\n    if x_demo.sum() > 0:\n        break",
    "def f():\n    while True:\n        return 1",
    "class Layer:\n    def __init__(self):\n        self.n_hidden = 4\n\n    def __len__(self):\n        return 4",
    "layers = [Layer()]\nlayers[0].need_dX = False",
    "def build():\n    from numpy import linalg as layers\n    return layers\n\nlayers = [1, 2]\nlayers[0] = 3",
    "import numpy as np\nfrom tqdm.auto import tqdm\nimport copy",
    "'''a block comment mentioning the hidden tests and gradebook'''\nx = 1",
    "def f(np):\n    np.x = 1  # a parameter, not the module",
    "x?",
])
def test_honest_code_is_not_flagged(tmp_path, honest):
    assert scan_with(tmp_path, added=honest) == []


def test_library_imports_flagged_in_every_cell(tmp_path):
    """A cell the student added, or a released cell they edited, counts as much as a solution cell."""
    assert rules_at(scan_with(tmp_path, added="import torch\nprint(torch.__version__)")) == {
        ("library-convolution", 1), ("library-convolution", 2)}
    assert rules_at(scan_with(tmp_path, solution=body("import torch"))) == {("library-convolution", 4)}
    assert rules_at(scan_with(tmp_path, edit=(2, DEMO + "from scipy.signal import correlate\n"))) == {
        ("library-convolution", 3)}


def test_aliases_are_resolved(tmp_path):
    code = ("import numpy.testing as npt\nfrom numpy import testing as tt\nimport os as o\n"
            "npt.assert_allclose = None\ntt.assert_array_equal = None\no.system('ls')\n")
    assert rules_at(scan_with(tmp_path, added=code)) == {("module-patch", 4), ("module-patch", 5),
                                                         ("process-control", 6)}


def test_aliases_from_another_cell_are_used(tmp_path):
    """np comes from the given cell; the student cell only uses it."""
    assert rules_at(scan_with(tmp_path, added="np.testing.assert_allclose = None")) == {("module-patch", 1)}


def test_edited_locked_cells_are_flagged_once_at_the_first_change(tmp_path):
    edited = GIVEN.replace("assert np.allclose(got, expected)", "pass  # never fails")
    flags = scan_with(tmp_path, edit=(1, edited))
    assert [(f.cell, f.line, f.rule, f.text) for f in flags] == [(1, 5, "edited-locked-cell", "pass  # never fails")]
    flags = scan_with(tmp_path, edit=(4, "print('test skipped')"))
    assert [(f.cell, f.rule) for f in flags] == [(4, "edited-locked-cell")]


def test_whitespace_at_line_ends_is_not_an_edit(tmp_path):
    assert scan_with(tmp_path, edit=(1, GIVEN.replace("\n", "  \n") + "\n\n")) == []


def test_unchanged_demo_cells_are_not_scanned_but_changed_ones_are(tmp_path):
    assert scan_with(tmp_path, edit=(2, DEMO + "import subprocess\n")) == [
        Flag("01_x", 2, 3, "forbidden-import", "import subprocess")]


def test_changed_nbgrader_metadata_is_flagged(tmp_path):
    def more_points(notebook):
        notebook.cells[4].metadata["nbgrader"]["points"] = 100

    assert [(f.cell, f.line, f.rule, f.text) for f in scan_with(tmp_path, change=more_points)] == [
        (4, 0, "edited-metadata", "nbgrader metadata: points 1 -> 100")]

    def unlock_the_test(notebook):
        notebook.cells[4].metadata["nbgrader"].update(locked=False, grade=False, solution=True)
        notebook.cells[4].source = "pass"

    assert {f.rule for f in scan_with(tmp_path, change=unlock_the_test)} == {"edited-metadata", "edited-locked-cell"}


def test_forged_probe_outputs_are_flagged(tmp_path):
    from autograde.grade.probe import PROBE_MIME

    def forge(notebook):
        notebook.cells[4].outputs = [nbformat.v4.new_output(
            "display_data", data={PROBE_MIME: {"grade_id": "test_conv", "results": {}}})]

    assert [(f.cell, f.rule) for f in scan_with(tmp_path, change=forge)] == [(4, "forged-probe-output")]


def test_code_too_deep_to_scan_is_flagged_not_a_crash(tmp_path):
    deep = "x = " + "-" * 900 + "1\n"  # parses, but walking the tree recurses past Python's limit
    assert [(f.line, f.rule) for f in scan_with(tmp_path, added=deep)] == [(1, "scan-error")]
    deeper = "x = " + "-" * 5000 + "1\n"  # does not even parse
    assert [f.rule for f in scan_with(tmp_path, added=deeper)] == ["syntax-error"]


def test_unparsable_cell_flagged_once_with_the_reason(tmp_path):
    flags = scan_with(tmp_path, solution="def conv(x, w:\n    return x\nimport os\nos._exit(0)\n")
    assert len(flags) == 1
    assert flags[0].rule == "syntax-error" and flags[0].cell == SOLUTION_INDEX
    assert "def conv(x, w:" in flags[0].text


def test_unreadable_notebook_is_a_flag_not_a_crash(tmp_path):
    bad = tmp_path / "02_y.ipynb"
    bad.write_text("{not json", encoding="utf-8")
    assert [f.rule for f in scan_notebook(bad)] == ["unreadable-notebook"]


def test_missing_release_is_a_clear_error(tmp_path):
    path = tmp_path / "01_x.ipynb"
    nbformat.write(released_notebook(), path)
    with pytest.raises(FileNotFoundError, match="released notebook"):
        scan_notebook(path, tmp_path / "nowhere.ipynb")


@pytest.fixture(scope="module")
def demo_course(tmp_path_factory):
    """The demo class made from notebooks/ as the release (equal to it: see tests/test_demo_class.py)."""
    course = Course(tmp_path_factory.mktemp("course"))
    course.release_dir.mkdir(parents=True)
    for item in course_notebooks():
        shutil.copyfile(item.student_path, course.release_dir / item.filename)
    log = make_demo_class(course)
    assert not [line for line in log if line.startswith("warning")], log
    return course


@pytest.mark.parametrize("student", ["blank", "reference", "partial"])
def test_honest_demo_submissions_have_no_flags(demo_course, student):
    folder = demo_course.submission_dir(student)
    assert len(list(folder.glob("*.ipynb"))) == len(course_notebooks())
    assert scan_submission(folder, demo_course.release_dir) == []


def test_attack_in_a_real_notebook(demo_course, tmp_path):
    """The reference notebook 01 with an np.allclose patch in the scratch cell and an edited test cell."""
    name = course_notebooks()[0].filename
    notebook = nbformat.read(demo_course.submission_dir("reference") / name, as_version=4)
    scratch = max(i for i, c in enumerate(notebook.cells) if c.cell_type == "code" and not c.metadata.get("nbgrader"))
    notebook.cells[scratch].source += "\nnp.allclose = lambda *a, **k: True\n"
    test = next(i for i, c in enumerate(notebook.cells) if c.metadata.get("nbgrader", {}).get("grade"))
    notebook.cells[test].source = "pass\n"
    folder = tmp_path / "cheater" / "cnn1d"
    folder.mkdir(parents=True)
    nbformat.write(notebook, folder / name)
    flags = scan_submission(folder, demo_course.release_dir)
    assert {(f.cell, f.rule) for f in flags} == {(scratch, "module-patch"), (test, "edited-locked-cell")}


def test_builtins_the_notebooks_checks_use_are_protected(tmp_path):
    """A builtin outside the core set is protected only where a check calls it: here the test cell calls sorted()."""
    def test_calls_sorted(notebook):
        notebook.cells[4].source = TEST + "assert sorted([2, 1]) == [1, 2]\n"

    flags = scan_with(tmp_path, added="max = 3\nsorted = list\n", edit=(4, TEST + "assert sorted([2, 1]) == [1, 2]\n"))
    assert (len(flags), flags[0].rule) == (1, "edited-locked-cell")  # the release's test cell does not call sorted
    released = released_notebook()
    test_calls_sorted(released)
    submitted = nbformat.from_dict(json.loads(json.dumps(released)))
    submitted.cells.append(new_code_cell("max = 3\nsorted = list\n", id="student-added"))
    nbformat.write(released, tmp_path / "released.ipynb")
    nbformat.write(submitted, tmp_path / "01_x.ipynb")
    flags = scan_notebook(tmp_path / "01_x.ipynb", tmp_path / "released.ipynb")
    assert [(f.cell, f.line, f.rule) for f in flags] == [(len(submitted.cells) - 1, 2, "shadows-builtin")]


def test_write_read_round_trip_replaces_a_students_flags(tmp_path):
    course = Course(tmp_path)
    flags = [Flag("01_x", 3, 4, "module-patch", "np.allclose = f"), Flag("02_y", 1, 1, "shell-command", "!ls")]
    write_flags(course, "alice", flags)
    write_flags(course, "bob", [])
    assert read_flags(course) == {"alice": flags, "bob": []}
    write_flags(course, "alice", flags[1:])
    assert read_flags(course) == {"alice": flags[1:], "bob": []}
    assert sorted(p.name for p in (tmp_path / "flags").iterdir()) == ["alice.json", "bob.json"]  # no temp files left


def test_bad_flags_file_and_student_id_are_clear_errors(tmp_path):
    course = Course(tmp_path)
    with pytest.raises(ValueError, match="not a student id"):
        write_flags(course, "../x", [])
    (tmp_path / "flags").mkdir()
    (tmp_path / "flags" / "eve.json").write_text("[{\"cell\": 1}]")
    with pytest.raises(ValueError, match="eve.json"):
        read_flags(course)


def test_command_line_prints_flags(tmp_path, capsys):
    flags = scan_with(tmp_path, added="import ctypes")
    assert flags
    assert main([str(tmp_path / "submitted"), "--release", str(tmp_path / "release")]) == 1
    assert "[forbidden-import] import ctypes" in capsys.readouterr().out


def make_gradebook(course: Course, students: dict[str, float], monkeypatch) -> None:
    """A gradebook with one notebook 01_x of one 2-point grade cell, and each student's score for it."""
    from nbgrader.api import Gradebook

    from autograde.report.grades import COURSE_ID

    course.root.mkdir(parents=True, exist_ok=True)
    # a new gradebook runs `alembic` by name (as in autograde/nbgrader_run.py): the venv's bin must be on PATH
    monkeypatch.setenv("PATH", os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")]))
    with Gradebook(f"sqlite:///{course.gradebook}", COURSE_ID) as gradebook:
        gradebook.add_assignment("cnn1d")
        gradebook.add_notebook("01_x", "cnn1d")
        gradebook.add_grade_cell("test_conv", "01_x", "cnn1d", max_score=2, cell_type="code")
        for student, score in students.items():
            gradebook.add_student(student)
            gradebook.add_submission("cnn1d", student)
            gradebook.find_grade("test_conv", "01_x", "cnn1d", student).auto_score = score
        gradebook.db.commit()


@pytest.mark.filterwarnings("ignore:Object of type")  # nbgrader's add_submission, not ours
def test_grade_report_counts_and_lists_the_flags(tmp_path, capsys, monkeypatch):
    import csv

    from autograde.report.grades import CSV_COLUMNS, FLAG_COLUMNS
    from autograde.report.grades import main as export_main

    course = Course(tmp_path / "course")
    make_gradebook(course, {"alice": 2, "bob": 1}, monkeypatch)
    long_line = "np.allclose = lambda *a, **k: True  # " + "x" * 100
    write_flags(course, "alice", [Flag("01_x", 3, 4, "module-patch", long_line),
                                  Flag("01_x", 5, 1, "shell-command", "!ls"),
                                  Flag("02_y", 1, 1, "forbidden-import", "import ctypes")])
    write_flags(course, "bob", [])

    assert export_main(["--course-dir", str(course.root)]) == 0

    with course.grades_csv.open(encoding="utf-8") as file:
        rows = list(csv.DictReader(file))
    assert list(rows[0]) == CSV_COLUMNS
    assert {(row["student"], row["score"], row["flags"]) for row in rows} == {("alice", "2", "2"), ("bob", "1", "0")}
    with (course.root / "flags.csv").open(encoding="utf-8") as file:
        flag_rows = list(csv.DictReader(file))
    assert list(flag_rows[0]) == FLAG_COLUMNS
    assert [(r["student"], r["notebook"], r["cell"], r["line"], r["rule"]) for r in flag_rows] == [
        ("alice", "01_x", "3", "4", "module-patch"), ("alice", "01_x", "5", "1", "shell-command"),
        ("alice", "02_y", "1", "1", "forbidden-import")]
    assert flag_rows[0]["text"] == long_line and flag_rows[0]["explanation"] == RULES["module-patch"]
    out = capsys.readouterr().out
    review = out[out.index("flagged for review"):]
    lines = review.splitlines()
    assert lines[2].split()[:5] == ["alice", "01_x", "3", "4", "module-patch"]
    assert lines[4].split() == ["alice", "02_y", "1", "1", "forbidden-import", "import", "ctypes"]
    assert "bob" not in review
    assert long_line not in review and long_line[:60] in review  # trimmed on the terminal, whole in flags.csv


@pytest.mark.filterwarnings("ignore:Object of type")
def test_grade_report_without_flags_has_no_review_section(tmp_path, capsys, monkeypatch):
    from autograde.report.grades import main as export_main

    course = Course(tmp_path / "course")
    make_gradebook(course, {"carol": 0}, monkeypatch)
    assert export_main(["--course-dir", str(course.root)]) == 0
    assert "flagged for review" not in capsys.readouterr().out
    assert (course.root / "flags.csv").read_text(encoding="utf-8").strip() == ",".join(
        ["student", "notebook", "cell", "line", "rule", "explanation", "text"])
