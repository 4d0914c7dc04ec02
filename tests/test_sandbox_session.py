"""Sandbox sessions (autograde/sandbox/session.py): a student's notebooks share one sandbox while they end normally,
each in a fresh kernel process forked from the zygote, and nothing of one notebook reaches the next."""

import json
from dataclasses import replace

import pytest

from autograde.sandbox.execute import Sessions, execute_in_sandbox
from tests.test_sandbox import SMALL, needs_bwrap, notebook, text

FIRST = notebook(
    "import os, subprocess, sys, numpy as np\n"
    "for path in ['left.txt', '/tmp/left.txt', os.path.expanduser('~/left.txt'),"
    " os.path.expanduser('~/.cache/matplotlib/left.txt')]:\n"
    "    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)\n"
    "    open(path, 'w').write('x')\n"
    "daemon = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(600)'], start_new_session=True)\n"
    "import json; print(json.dumps({'pid': os.getpid(), 'daemon': daemon.pid, 'draw': float(np.random.rand())}))",
)
SECOND = notebook(
    "import os, json, numpy as np\n"
    "left = [p for p in ['left.txt', '/tmp/left.txt', os.path.expanduser('~/left.txt'),"
    " os.path.expanduser('~/.cache/matplotlib/left.txt')]"
    " if os.path.exists(p)]\n"
    "pids = sorted(int(p) for p in os.listdir('/proc') if p.isdigit())\n"
    "names = {p: open(f'/proc/{p}/cmdline', 'rb').read().split(b'\\0')[:3] for p in pids}\n"
    "print(json.dumps({'pid': os.getpid(), 'left': left, 'pids': pids, 'draw': float(np.random.rand()),"
    " 'names': {p: [part.decode() for part in n] for p, n in names.items()}}))",
)


def printed(executed) -> dict:
    return json.loads(text(executed.cells[0]).strip().splitlines()[0])


@pytest.fixture
def sessions():
    kept = Sessions()
    yield kept
    kept.close()


@needs_bwrap
def test_the_next_notebook_reuses_the_sandbox_with_a_fresh_kernel_and_nothing_left(sessions):
    first, reasons = execute_in_sandbox(FIRST, SMALL, no_sandbox=False, sessions=sessions)
    assert reasons == [], reasons
    kept = sessions.current
    assert kept is not None, "a notebook that ended normally keeps its sandbox for the next one"
    before = printed(first)
    second, reasons = execute_in_sandbox(SECOND, SMALL, no_sandbox=False, sessions=sessions)
    after = printed(second)
    assert reasons == [] and sessions.current is kept
    assert after["left"] == [], f"files of the first notebook reached the second: {after['left']}"
    assert after["pid"] != before["pid"] and before["daemon"] not in after["pids"]
    # bwrap, the runner, the zygote and this kernel: nothing else runs in the sandbox
    assert len(after["pids"]) == 4, after["names"]
    assert after["draw"] != before["draw"], "numpy's global random state is drawn afresh for every kernel"


@needs_bwrap
def test_a_notebook_that_ends_abnormally_ends_its_sandbox(sessions):
    stuck = notebook("while True:\n    pass", "print('after')")
    executed, reasons = execute_in_sandbox(stuck, replace(SMALL, cell_timeout=2), no_sandbox=False,
                                           sessions=sessions)
    assert any("longer than the limit" in reason for reason in reasons), reasons
    assert sessions.current is None, "a sandbox after a timed-out cell is not reused"
    second, reasons = execute_in_sandbox(SECOND, SMALL, no_sandbox=False, sessions=sessions)
    assert reasons == [] and printed(second)["left"] == [] and sessions.current is not None


@needs_bwrap
def test_other_limits_get_another_sandbox(sessions):
    execute_in_sandbox(SECOND, SMALL, no_sandbox=False, sessions=sessions)
    kept = sessions.current
    execute_in_sandbox(SECOND, replace(SMALL, notebook_timeout=90), no_sandbox=False, sessions=sessions)
    assert sessions.current is kept, "time limits may differ from notebook to notebook"
    execute_in_sandbox(SECOND, replace(SMALL, memory_bytes=SMALL.memory_bytes // 2), no_sandbox=False,
                       sessions=sessions)
    assert sessions.current is not kept and kept.process.poll() is not None


@needs_bwrap
@pytest.mark.parametrize("how", ["SIGSTOP", "SIGKILL"])
def test_a_notebook_that_stops_or_kills_the_zygote_cannot_break_the_next(sessions, how):
    """The kernel's parent is the zygote, of the same uid: signalling it must cost the next notebook nothing."""
    attack = notebook(f"import os, signal\nos.kill(os.getppid(), signal.{how})\nprint('sent')")
    executed, _ = execute_in_sandbox(attack, SMALL, no_sandbox=False, sessions=sessions)
    assert "sent" in text(executed.cells[0])
    second, reasons = execute_in_sandbox(SECOND, SMALL, no_sandbox=False, sessions=sessions)
    assert reasons == [] and printed(second)["left"] == []
