"""The hostile demo students (autograde/demo_class/hostile_attacks.py) graded with the honest three in one run.

One parallel autograde of a temporary course (shorter sandbox limits via $CNN1D_SANDBOX_LIMITS), then: every attack
scores exactly what its wrong implementation deserves (its targeted grade cells 0, the rest full) and is flagged
with its rule on its line; grading finished for every student; the honest students score what they always do; the
gradebook is intact; no submission changed; nothing was planted outside the sandbox; no connection reached the
grader's loopback; the feedback of a stopped notebook says why. Under the memory, output and scan attacks the
grading processes (a fresh `autograde` process as an instructor starts it, its Dask workers, their fork servers and
nbgrader children, the scan child: everything but the sandboxes, which their cgroups bound) stay under 1.5 GiB,
measured from /proc while the class is graded, and `make feedback` under 1 GiB; no autograded notebook or feedback
page is over the size limit. Needs bubblewrap (`make install` / .ci/run install it); without it the run refuses to
grade and these tests fail. Needs writable cgroups too (root, as in CI): without them the memory and CPU attacks are
not contained, which test_sandboxes_have_cgroups says first.
"""

import json
import os
import re
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path
from types import SimpleNamespace

import nbformat
import pytest
from test_cgroups import process_children

from autograde.build.release import release
from autograde.course import ASSIGNMENT, REPO, Course
from autograde.demo_class.hostile_attacks import ATTACK_PORT, ATTACKS
from autograde.demo_class.make_submissions import DEMO_STUDENTS, make_demo_class
from autograde.grade.gradebook import integrity_problems
from autograde.grade.submission_check import NBGRADER_FILES, tree_digest
from autograde.report.feedback import visible_text
from autograde.report.grades import read_scores
from autograde.report.summary_page import PAGE as SUMMARY_PAGE
from autograde.sandbox.cgroups import SandboxCgroup
from autograde.scan.flags import read_flags
from autograde.settings import SandboxLimits, cpu_share

pytestmark = pytest.mark.slow

# short enough for the infinite loop to cost 90 s, long enough for notebook 8's reference on a loaded machine
LIMITS = {"cell_timeout": 30, "notebook_timeout": 90, "memory_bytes": 1536 << 20}
IDS = [attack.student for attack in ATTACKS]
WORKERS = 2
# The grading processes under the attacks: 1 GiB with one fork server and a thread pool; Dask's embedded cluster adds
# a worker process (~75 MiB) and a fork server (~60 MiB) per worker, measured at 991-1106 MiB with the scan child
# at 396-420 MiB (its RLIMIT_AS is ScanLimits.memory_bytes, 512 MiB) under the scan bomb.
GRADER_MEMORY_LIMIT = 3 << 29  # 1.5 GiB
FEEDBACK_MEMORY_LIMIT = 1 << 30


class TreeMemory:
    """Polls /proc while the class is graded: the peak of the summed PSS (shared pages counted once, in
    proportion) of all the descendants of this process, except the sandboxes (processes in a cnn1d- cgroup other
    than a grader's own leaf), which their own cgroups bound. This process (pytest, with whatever earlier tests
    loaded) is not counted: the grading runs in a child, as it does for an instructor."""

    def __init__(self, interval: float = 0.1):
        self.interval = interval
        self.peak = 0
        self.peak_processes: list[str] = []
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self.watch, daemon=True)

    @staticmethod
    def in_sandbox(pid: int) -> bool:
        try:
            groups = Path(f"/proc/{pid}/cgroup").read_text()
        except OSError:
            return True
        return bool(re.search(r"/cnn1d-(?!grader-)", groups))

    @staticmethod
    def pss(pid: int) -> int:
        try:
            for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    return int(line.split()[1]) << 10
        except OSError:
            pass
        return 0

    @staticmethod
    def command(pid: int) -> str:
        try:
            return Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace").replace("\0", " ")
        except OSError:
            return "?"

    @classmethod
    def role(cls, pid: int) -> str:
        """What the process is, in a word or two (from its command line), for the report of the peak."""
        text = cls.command(pid)
        if "forkserver" in text:
            try:
                parent = int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                parent = 0
            return "nbgrader (forked)" if "forkserver" in cls.command(parent) else "fork server"
        for marker, name in (("spawn_main", "dask worker or nanny"), ("autograde.scan.child", "scan"),
                             ("resource_tracker", "resource tracker")):
            if marker in text:
                return name
        return text[-60:].strip() or "?"

    def sample(self) -> None:
        tree, total, names = process_children(), 0, []
        pending = list(tree.get(os.getpid(), []))  # pytest itself is not a grading process
        while pending:
            pid = pending.pop()
            if self.in_sandbox(pid):
                continue  # bounded by its own cgroup; its children are in it too
            size = self.pss(pid)
            total += size
            names.append(f"{pid} {self.role(pid)}:{size >> 20}MiB")
            pending += tree.get(pid, [])
        if total > self.peak:
            self.peak, self.peak_processes = total, names

    def watch(self) -> None:
        while not self.stopped.is_set():
            self.sample()
            time.sleep(self.interval)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stopped.set()
        self.thread.join()


class Accomplice:
    """A TCP listener on the grader's loopback: the local-socket attack must never reach it."""

    def __init__(self, port: int):
        self.server = socket.create_server(("127.0.0.1", port))
        self.server.settimeout(0.5)
        self.connections = []
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self.serve, daemon=True)
        self.thread.start()

    def serve(self):
        while not self.stopped.is_set():
            try:
                connection, address = self.server.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self.connections.append(address)
            connection.close()

    def close(self):
        self.stopped.set()
        self.thread.join(timeout=5)
        self.server.close()


def run_in_child(call: str):
    """Run `call` (grade(...) or make_feedback(...)) in a fresh Python process, as `make autograde` would; its
    result, which must be JSON."""
    code = ("import json\nfrom pathlib import Path\nfrom autograde.course import Course\n"
            "from autograde.grade.cli import grade\nfrom autograde.report.feedback import make_feedback\n"
            f"print('RESULT', json.dumps({call}))")
    done = subprocess.run([sys.executable, "-c", code], cwd=REPO, env=os.environ.copy(), capture_output=True,
                          text=True)
    results = [line[len("RESULT "):] for line in done.stdout.splitlines() if line.startswith("RESULT ")]
    assert done.returncode == 0 and results, f"{call} failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return json.loads(results[-1])


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    root = tmp_path_factory.mktemp("hostile")
    (root / "data").symlink_to(REPO / "data")
    course = Course(root / "course")
    assert release(course), "make release failed"
    log = make_demo_class(course, hostile=True)
    assert not [line for line in log if line.startswith("warning")], log
    # files the gradebook attack deletes (gradebook.db, *canary*) where it would look if it got out of the sandbox
    canaries = [course.root / "canary.db", REPO / f".hostile-canary-{os.getpid()}.db",
                Path(f"/tmp/hostile-canary-{os.getpid()}.db")]
    for canary in canaries:
        canary.write_text("untouched")
    before = tree_digest(course.submitted_dir)
    accomplice = Accomplice(ATTACK_PORT)
    patch = pytest.MonkeyPatch()
    patch.setenv("CNN1D_SANDBOX_LIMITS", json.dumps(LIMITS))
    try:
        with TreeMemory() as memory:
            failed = run_in_child(f"grade(Course(Path({str(course.root)!r})), force=True, workers={WORKERS})")
    finally:
        patch.undo()
        accomplice.close()
        canaries_after = {canary: canary.is_file() and canary.read_text() for canary in canaries}
        for canary in canaries[1:]:
            canary.unlink(missing_ok=True)
    with TreeMemory() as feedback_memory:
        feedback_ok = run_in_child(f"make_feedback(Course(Path({str(course.root)!r})))")
    return SimpleNamespace(course=course, failed=failed, scores=read_scores(course), flags=read_flags(course),
                           submitted_before=before, submitted_after=tree_digest(course.submitted_dir),
                           canaries=canaries_after, connections=accomplice.connections, feedback_ok=feedback_ok,
                           root=root, memory=memory, feedback_memory=feedback_memory)


def points(scores, student, notebook):
    return {t.grade_id: (t.score, t.points) for t in scores.get(student, {}).get(notebook, [])}


def test_sandboxes_have_cgroups():
    group, reason = SandboxCgroup.try_create("probe", 64 << 20, 8, 1.0)
    assert group is not None, f"no cgroup per sandbox here ({reason}): the memory and CPU attacks are not contained"
    group.remove()


def test_every_student_was_graded(hostile):
    assert hostile.failed == 0
    assert set(DEMO_STUDENTS) | set(IDS) <= set(hostile.scores)


@pytest.mark.parametrize("attack", [a for a in ATTACKS if a.flagged], ids=[a.student for a in ATTACKS if a.flagged])
def test_attack_is_flagged(hostile, attack):
    """Flags that are not on a line of code: links and special files, metadata and structure edits."""
    flags = hostile.flags.get(attack.student, [])
    for rule, text in attack.flagged:
        assert [flag for flag in flags if flag.rule == rule and text in flag.text], \
            f"{attack.student}: no {rule} flag with {text!r}; flags: {flags}"


def test_only_notebooks_reach_autograded_and_feedback(hostile):
    """Extra files, links, fifos and devices of a submission are never copied: autograded/ and feedback/ hold the
    notebooks (and nbgrader's timestamp.txt), as regular files, for every student."""
    course = hostile.course
    for top in (course.autograded_dir, course.feedback_dir, course.to_grade_dir):
        for path in top.rglob("*"):
            assert not path.is_symlink() and (path.is_dir() or path.is_file()), path
            if path.is_file() and top != course.to_grade_dir:
                assert path.suffix in (".ipynb", ".html") or path.name in NBGRADER_FILES, path
    copied = [path for path in course.autograded_dir.rglob("*") if path.name in ("p7_stride.py", "solutions")]
    assert copied == []


@pytest.mark.parametrize("attack", ATTACKS, ids=IDS)
def test_attack_scores_only_what_its_wrong_code_deserves(hostile, attack):
    notebooks = [path.stem for path in hostile.course.submission_dir(attack.student).glob("*.ipynb")]
    assert attack.notebook in notebooks
    for notebook in notebooks:
        got = points(hostile.scores, attack.student, notebook)
        lost = attack.lost if notebook == attack.notebook else {}
        assert got, f"{attack.student}: no grades for {notebook}"
        assert set(lost) <= set(got), f"unknown grade cells in {attack.student}.lost: {set(lost) - set(got)}"
        expected = {grade_id: (0.0 if grade_id in lost else maximum, maximum) for grade_id, (_, maximum) in got.items()}
        assert got == expected, f"{attack.student} ({attack.tries}), {notebook}"
        assert {grade_id: maximum for grade_id, (_, maximum) in got.items() if grade_id in lost} == lost


@pytest.mark.parametrize("attack", [a for a in ATTACKS if a.flags], ids=[a.student for a in ATTACKS if a.flags])
def test_attack_is_flagged_on_its_line(hostile, attack):
    notebook = nbformat.read(hostile.course.submission_dir(attack.student) / f"{attack.notebook}.ipynb", 4)
    flags = hostile.flags.get(attack.student, [])
    for rule, text in attack.flags:
        where = [(index, number) for index, cell in enumerate(notebook.cells) if cell.cell_type == "code"
                 for number, line in enumerate(cell.source.splitlines(), 1) if text is not None and text in line]
        found = {(flag.cell, flag.line) for flag in flags if flag.rule == rule and flag.notebook == attack.notebook}
        if text is None:  # a flag on the whole notebook
            assert (-1, 0) in found, f"{attack.student}: no {rule} flag on the notebook; flags: {flags}"
            continue
        assert where, f"{attack.student}: the attack's line {text!r} is not in its notebook"
        assert found & set(where), f"{attack.student}: no {rule} flag on {text!r} at {where}; flags: {flags}"


def test_honest_students_score_as_always(hostile):
    from test_pipeline_end_to_end import PARTIAL_LOST

    for notebook in PARTIAL_LOST:
        reference = points(hostile.scores, "reference", notebook)
        assert reference and all(score == maximum for score, maximum in reference.values()), reference
        blank = points(hostile.scores, "blank", notebook)
        assert blank and all(score == 0 for score, _ in blank.values()), blank
        partial = points(hostile.scores, "partial", notebook)
        lost = PARTIAL_LOST[notebook]
        assert partial == {g: (0.0 if g in lost else m, m) for g, (_, m) in partial.items()}, notebook


def test_gradebook_intact(hostile):
    assert integrity_problems(hostile.course.gradebook) == []
    with sqlite3.connect(hostile.course.gradebook) as connection:
        students = {row[0] for row in connection.execute("SELECT id FROM student")}
    connection.close()
    assert set(DEMO_STUDENTS) | set(IDS) <= students


def test_no_submission_changed_and_nothing_planted(hostile):
    assert hostile.submitted_after == hostile.submitted_before
    assert hostile.canaries == {canary: "untouched" for canary in hostile.canaries}
    assert not list(hostile.root.rglob("planted.txt"))


def test_no_connection_reached_the_graders_loopback(hostile):
    assert hostile.connections == []


def test_output_flood_is_capped(hostile):
    graded = hostile.course.autograded_dir / "hostile-output-flood" / ASSIGNMENT / "07_stride.ipynb"
    assert graded.stat().st_size < 20 << 20


@pytest.mark.parametrize("attack", [a for a in ATTACKS if a.stops_kernel],
                         ids=[a.student for a in ATTACKS if a.stops_kernel])
def test_feedback_of_a_stopped_notebook_says_why(hostile, attack):
    assert hostile.feedback_ok
    page = hostile.course.feedback_dir / attack.student / ASSIGNMENT / f"{attack.notebook}.html"
    text = visible_text(page.read_text(encoding="utf-8"))
    assert "not run" in text, f"{attack.student}: the feedback does not say why cells did not run"


def test_grading_processes_stay_bounded_under_the_memory_output_and_scan_attacks(hostile):
    peak, feedback = hostile.memory.peak, hostile.feedback_memory.peak
    print(f"\n    peak memory of the grading processes (PSS, sandboxes excluded): {peak / (1 << 20):.0f} MiB "
          f"({', '.join(hostile.memory.peak_processes)}); of make feedback: {feedback / (1 << 20):.0f} MiB")
    assert 0 < peak < GRADER_MEMORY_LIMIT
    assert 0 < feedback < FEEDBACK_MEMORY_LIMIT


def test_no_autograded_notebook_or_feedback_page_is_over_the_size_limit(hostile):
    limit = SandboxLimits().max_graded_bytes
    graded = sorted(hostile.course.autograded_dir.glob(f"*/{ASSIGNMENT}/*.ipynb"))
    pages = sorted(hostile.course.feedback_dir.glob(f"*/{ASSIGNMENT}/*.html"))
    notebook_pages = [page for page in pages if page.name != SUMMARY_PAGE]
    summaries = [page for page in pages if page.name == SUMMARY_PAGE]
    assert len(graded) >= len(IDS) and len(notebook_pages) == len(graded)
    assert len(summaries) == len({path.parent.parent.name for path in graded})
    largest = max(graded + pages, key=lambda path: path.stat().st_size)
    print(f"\n    largest: {largest.relative_to(hostile.course.root)} {largest.stat().st_size / 1e6:.2f} MB "
          f"(limit {limit / 1e6:.2f} MB)")
    assert [path for path in graded + pages if path.stat().st_size > limit] == []


@pytest.mark.parametrize("attack", [a for a in ATTACKS if a.says], ids=[a.student for a in ATTACKS if a.says])
def test_the_autograded_notebook_says_what_stopped_the_attack(hostile, attack):
    graded = hostile.course.autograded_dir / attack.student / ASSIGNMENT / f"{attack.notebook}.ipynb"
    assert attack.says in graded.read_text(encoding="utf-8")


def test_the_blas_threads_used_at_most_the_sandboxs_share_of_the_cores(hostile):
    graded = hostile.course.autograded_dir / "hostile-blas-threads" / ASSIGNMENT / "04_conv1d_channels.ipynb"
    cores = float(re.search(r"cores used: ([0-9.]+)", graded.read_text(encoding="utf-8")).group(1))
    share = cpu_share(WORKERS)
    print(f"\n    16 OpenBLAS threads used {cores:.2f} cores (share {share})")
    assert cores <= share * 1.15
