"""Execute one student notebook in the sandbox (autograde/sandbox/bwrap.py) with the limits of
autograde/settings.py, and the nbgrader preprocessor that does this at autograde (SandboxedExecute).

nbgrader runs its sanitize steps first (ClearOutput, OverwriteCells restoring the hidden tests and locked cells),
then c.Autograde.autograde_preprocessors, whose first entry is SandboxedExecute.

Each sandbox runs in a cgroup of its own (autograde/sandbox/cgroups.py), entered before bwrap starts: memory_bytes
bounds all its memory (processes, files in /tmp and HOME, memfd, SysV and POSIX shared memory; no swap),
max_processes (+ a margin for bwrap) its tasks, and a CPU quota its share of the machine (settings.sandbox_cpus:
cores / grading workers). When the notebook ends every process in it is killed and the group removed. Without a
writable cgroup grading warns loudly and goes on with the rlimits only, unless $CNN1D_REQUIRE_CGROUP=1.

What the sandbox writes reaches the grader through bounded pipes (autograde/sandbox/session.py); the
executed notebook is then cut to max_graded_bytes (autograde/sandbox/graded_size.py).

Within one grading process (one student), the notebooks share a sandbox session while they end normally
(autograde/sandbox/session.py: one sandbox, cgroup and kernel zygote; a fresh kernel process per notebook, the
sandbox emptied between notebooks); a notebook that ends abnormally closes it and the next one gets a new sandbox.

A sandbox that cannot start (bwrap, the interpreter, the cgroup join, the kernel) is an infrastructure failure:
SandboxStartError makes nbgrader fail this student loudly (FAILED, previous grades kept), never a notebook of
"not run" cells that silently scores 0.

Without bwrap grading refuses, unless the instructor allows running unsandboxed ($CNN1D_NO_SANDBOX=1, set by
`python -m autograde.grade --no-sandbox`): then the runner is a plain subprocess with the same limits (but the
process limit, which would count all the grader's processes) and a loud warning.
"""

import atexit
import functools
import json
import os
import sys
import tempfile
import time
from pathlib import Path

import nbformat
from nbformat import NotebookNode
from nbgrader.preprocessors import NbGraderPreprocessor

from autograde.sandbox import cgroups
from autograde.sandbox.bwrap import (
    DATA_DIR,
    INSTALL_HINT,
    KILL_MARGIN,
    OOM_FILE_IN_SANDBOX,
    RUNNER,
    SANDBOX_HOME,
    bwrap_available,
    bwrap_command,
    kernel_env,
    runner_python,
    unprivileged_ids,
)
from autograde.sandbox.graded_size import fit_to_size
from autograde.sandbox.grading_data import grading_data_dir
from autograde.sandbox.runner import STARTED, mark_not_run
from autograde.sandbox.session import SandboxSession
from autograde.settings import (
    NO_SANDBOX_ENV,
    PROBE_MIME,
    REQUIRE_CGROUP_ENV,
    SandboxLimits,
    sandbox_cpus,
    sandbox_limits,
)

KERNEL_NAME = "python3"
PROFILE_PREFIX = "time in the sandbox "  # nbgrader log lines of profile_line
CGROUP_PIDS_MARGIN = 16  # the join shim, bwrap and its pid 1: in the group, not under the sandbox uid's RLIMIT_NPROC
RESULT_SLACK_BYTES = 4 << 20  # the result's JSON around the notebook and its capped outputs


class SandboxUnavailable(RuntimeError):
    """bwrap is missing or does not work here, and running unsandboxed was not allowed (or a cgroup was required)."""


class SandboxStartError(RuntimeError):
    """The sandbox itself could not start: infrastructure, not the student's notebook."""


def unsandboxed_allowed() -> bool:
    return os.environ.get(NO_SANDBOX_ENV) == "1"


def runner_settings(limits: SandboxLimits, *, sandboxed: bool, oom_file: str | None = None,
                    session: bool = False) -> dict:
    """Every setting the runner needs, explicitly: it has no defaults of its own (autograde/sandbox/runner.py)."""
    run_as = list(unprivileged_ids()) if sandboxed and os.geteuid() == 0 else None
    return {**limits.as_dict(), "kernel_name": KERNEL_NAME, "probe_mime": PROBE_MIME,
            "set_process_limit": sandboxed, "run_as": run_as, "oom_file": oom_file, "session": session}


def not_run_everywhere(nb: NotebookNode, english: str, japanese: str) -> None:
    """The sandbox returned nothing: every code cell says why it has no result."""
    mark_not_run(nb, 0, english, japanese)


def banner(text: str) -> None:
    print("=" * 100 + f"\n{text}\n" + "=" * 100, file=sys.stderr, flush=True)


def warn_unsandboxed() -> None:
    banner("WARNING: autograde runs this notebook WITHOUT a sandbox ($CNN1D_NO_SANDBOX=1): student code can read and "
           "write your files and use the network.")


# ---- the sandbox's cgroup -----------------------------------------------------------------------------------------

def warn_no_cgroup(reason: str) -> None:
    banner(f"WARNING: autograde runs this notebook WITHOUT a cgroup: {reason}.\nOnly the rlimits bound it: memfd, "
           "shared memory and tmpfs files are not limited by memory_bytes, it may use every core, and processes it "
           f"leaves are not killed. Grade as root on a machine with writable cgroups (set {REQUIRE_CGROUP_ENV}=1 to "
           "refuse instead).")


@functools.cache
def cleanup_stale_cgroups() -> None:
    """Once per grader process: groups left by a grader that crashed (their processes are killed)."""
    for folder in cgroups.cleanup_stale():
        print(f"autograde: removed the cgroup {folder} of a grader that no longer runs", file=sys.stderr)


def sandbox_cgroup(limits: SandboxLimits, cpus: float) -> cgroups.SandboxCgroup | None:
    """The notebook's cgroup, or None after a loud warning (SandboxUnavailable if $CNN1D_REQUIRE_CGROUP=1)."""
    cleanup_stale_cgroups()
    group, reason = cgroups.SandboxCgroup.try_create("nb", limits.memory_bytes,
                                                     limits.max_processes + CGROUP_PIDS_MARGIN, cpus)
    if group is None:
        if os.environ.get(REQUIRE_CGROUP_ENV) == "1":
            raise SandboxUnavailable(f"no cgroup for the sandbox ({reason}) and {REQUIRE_CGROUP_ENV}=1")
        warn_no_cgroup(reason)
        return None
    for warning in group.warnings:
        print(f"autograde: cgroup warning: {warning}", file=sys.stderr, flush=True)
    return group


def check_cgroups(cpus: float) -> str:
    """Once before a class is graded: the stale groups removed, and whether each sandbox gets a cgroup (a loud
    warning if not; SandboxUnavailable if one is required). On cgroup v2 this is also when the grader, if alone in
    its group, moves itself into a leaf so the sandboxes' groups can be made beside it."""
    group = sandbox_cgroup(SandboxLimits(memory_bytes=64 << 20, max_processes=16), cpus)
    if group is None:
        return "no cgroup per sandbox: only rlimits bound the notebooks"
    with group:
        return f"each sandbox runs in its own cgroup ({group.layout.describe()}; {cpus:g} cores each)"


# ---- running ------------------------------------------------------------------------------------------------------

def execute_in_sandbox(nb: NotebookNode, limits: SandboxLimits, no_sandbox: bool | None = None,
                       sessions: "Sessions | None" = None,
                       timings: dict | None = None) -> tuple[NotebookNode, list[str]]:
    """Run the notebook's code cells under the limits; returns the executed notebook and why cells failed.
    Raises SandboxStartError when the sandbox itself did not start. With `sessions`, the notebook runs in the
    sandbox the previous notebook left clean (if any), else in a sandbox of its own. `timings` (if given) gets
    where the notebook's time went (profile_line)."""
    no_sandbox = unsandboxed_allowed() if no_sandbox is None else no_sandbox
    if not no_sandbox and not bwrap_available():
        raise SandboxUnavailable(f"bubblewrap (bwrap) is not available, so student code cannot be sandboxed: "
                                 f"{INSTALL_HINT}, or allow grading without a sandbox with {NO_SANDBOX_ENV}=1 "
                                 f"(python -m autograde.grade --no-sandbox) on a machine you do not mind student code "
                                 f"running on.")
    own = sessions is None  # a one-off call: its sandbox ends with it
    sessions = sessions or Sessions()
    tick = time.monotonic()
    session = sessions.take(limits, no_sandbox)
    reused = session.notebooks > 0
    try:
        executed, reasons, swept = run_in_session(session, nb, limits, no_sandbox, timings)
    except BaseException:
        session.close()
        raise
    if session.keep_after(swept, reasons):  # closes it otherwise: kills whatever is left, removes the group
        sessions.current = session
    if own:
        sessions.close()
    reasons += fit_to_size(executed, limits.max_graded_bytes, PROBE_MIME)
    if timings is not None:
        timings.update(total=time.monotonic() - tick, start=tick, reused=reused)
    return executed, reasons


def profile_line(timings: dict) -> str:
    """Where one notebook's time in the sandbox went, for nbgrader's log (tests/bench_grading.py reads it)."""
    runner = timings.get("runner", {})
    parts = [f"sandbox {'reused' if timings.get('reused') else 'started'}"]
    if {"runner_ready", "kernel_started", "cells_done", "kernel_stopped"} <= runner.keys():
        parts += [f"until the runner was ready {runner['runner_ready'] - timings['start']:.2f} s",
                  f"kernel start {runner['kernel_started'] - runner['runner_ready']:.2f} s"
                  + (" (started in advance)" if runner.get("kernel_ready") else ""),
                  f"cells {runner['cells_done'] - runner['kernel_started']:.2f} s",
                  f"kernel stop and sweep {timings['start'] + timings['total'] - runner['cells_done']:.2f} s"]
    return f"{PROFILE_PREFIX}{timings.get('total', 0):.2f} s: " + ", ".join(parts)


def session_key(limits: SandboxLimits, no_sandbox: bool) -> tuple:
    """What a sandbox is made with: a notebook reuses a sandbox only if these are equal (time limits may differ)."""
    return (no_sandbox, sandbox_cpus(), limits.memory_bytes, limits.max_processes, limits.max_open_files,
            limits.max_file_bytes, limits.cpu_seconds)


class Sessions:
    """The sandbox a grading process's notebooks share while they end normally (one at a time)."""

    def __init__(self):
        self.current: SandboxSession | None = None

    def take(self, limits: SandboxLimits, no_sandbox: bool) -> SandboxSession:
        """The kept session if it fits these limits, else a new sandbox (the kept one closed)."""
        session, self.current = self.current, None
        key = session_key(limits, no_sandbox)
        if session is not None and session.key == key and session.returncode() is None:
            return session
        if session is not None:
            session.close()
        return start_session(limits, no_sandbox, key)

    def close(self) -> None:
        if self.current is not None:
            self.current.close()
            self.current = None


def start_session(limits: SandboxLimits, no_sandbox: bool, key: tuple) -> SandboxSession:
    """A new sandbox; its kernels are forked from a zygote, and it may serve several notebooks, when sandboxed
    (unsandboxed, /proc shows the whole machine: the runner could not make it clean again)."""
    reuse = not no_sandbox
    group = sandbox_cgroup(limits, sandbox_cpus())
    scratch = tempfile.TemporaryDirectory(prefix="autograde-unsandboxed-")
    try:
        command, extra = sandbox_command(limits, no_sandbox, group, scratch.name, session=reuse)
        return SandboxSession(key, group, command, extra, scratch, forks_kernels=reuse)
    except BaseException:
        if group is not None:
            group.remove()
        scratch.cleanup()
        raise


def sandbox_command(limits: SandboxLimits, no_sandbox: bool, group: cgroups.SandboxCgroup | None,
                    scratch: str, session: bool = False) -> tuple[list[str], dict]:
    """The command that starts the runner (in the group, under bwrap unless no_sandbox), and Popen's extra args."""
    python = runner_python()
    oom_file = runner_oom_file(group, no_sandbox)
    if no_sandbox:
        warn_unsandboxed()
        work = Path(scratch) / "cnn1d"
        work.mkdir()
        if DATA_DIR.is_dir():
            (Path(scratch) / "data").symlink_to(grading_data_dir())
        settings = runner_settings(limits, sandboxed=False, oom_file=oom_file)
        command = [python, str(RUNNER), json.dumps(settings)]
        extra = {"cwd": work, "env": kernel_env(scratch)}
    else:
        settings = runner_settings(limits, sandboxed=True, oom_file=oom_file, session=session)
        command = bwrap_command([python, str(RUNNER), json.dumps(settings)],
                                group.oom_events_file() if group is not None else None)
        extra = {"env": kernel_env(SANDBOX_HOME)}
    if group is not None:
        command = group.wrap(command)  # enters the group before bwrap starts: no process of it escapes
    return command, extra


def run_in_session(session: SandboxSession, nb: NotebookNode, limits: SandboxLimits, no_sandbox: bool,
                   timings: dict | None = None) -> tuple[NotebookNode, list[str], bool]:
    """One notebook in the session's sandbox: the executed notebook, the reasons, and whether the runner left the
    sandbox clean after it."""
    payload = nbformat.writes(nb).encode()
    stdout_limit = 2 * len(payload) + 2 * (limits.max_output_bytes + limits.max_probe_bytes) + RESULT_SLACK_BYTES
    settings = runner_settings(limits, sandboxed=not no_sandbox, oom_file=runner_oom_file(session.group, no_sandbox),
                               session=session.forks_kernels)
    run = session.exchange(settings, nb, stdout_limit, limits.notebook_timeout + KILL_MARGIN)
    return read_result(nb, limits, session.group, session.returncode(), run, timings)


def runner_oom_file(group: cgroups.SandboxCgroup | None, no_sandbox: bool) -> str | None:
    """Where the runner reads its group's OOM counter: bound into the sandbox, or the real file unsandboxed."""
    if group is None:
        return None
    return str(group.oom_events_file()) if no_sandbox else OOM_FILE_IN_SANDBOX


def read_result(nb: NotebookNode, limits: SandboxLimits, group: cgroups.SandboxCgroup | None, returncode: int | None,
                run, timings: dict | None = None) -> tuple[NotebookNode, list[str], bool]:
    """The executed notebook, the reasons, and whether the runner left the sandbox clean for another notebook,
    from what the runner sent (see runner.py's protocol)."""
    started = run.stdout.startswith(STARTED)
    oom = group is not None and group.oom_killed()
    if group is not None and returncode == cgroups.JOIN_FAILED and "cgroup join:" in run.stderr:
        raise SandboxStartError(f"the sandbox could not enter its cgroup: {run.stderr.strip()[-600:]}")
    try:
        result = json.loads(run.stdout[len(STARTED):] if started else run.stdout)
        executed = nbformat.from_dict(result["notebook"])
        reasons = [str(reason)[:2000] for reason in result["reasons"]][:50]
        kernel_started = result["started"] is True
        output = str(result.get("output", ""))
        swept = result.get("clean") is True
        if timings is not None and isinstance(result.get("timings"), dict):
            timings["runner"] = {key: float(value) for key, value in result["timings"].items()
                                 if isinstance(value, (int, float))}
    except (ValueError, KeyError, TypeError):
        result = None
    if not started or (result is not None and not kernel_started):
        why = "; ".join(reasons) if result is not None else f"exit {returncode}"
        tail = output if result is not None else run.stderr
        raise SandboxStartError(f"the sandbox could not start the notebook's kernel (infrastructure, not the "
                                f"student's notebook): {why}; its output: {tail.strip()[-1500:]}")
    if result is not None:
        return executed, reasons + ([group.summary()] if oom else []), swept and not oom
    if run.timed_out:
        english = f"the sandbox was still running {limits.notebook_timeout + KILL_MARGIN} s after it started"
        japanese = "制限時間を過ぎてもサンドボックスが終了しませんでした"
    elif run.overflowed:
        english = "the sandbox's result was larger than its outputs' limits allow"
        japanese = "サンドボックスの結果が出力の上限を超えました"
    elif oom:  # the OOM killer took the runner (e.g. the memory was held by files, not by the kernel)
        mib = limits.memory_bytes >> 20
        english = (f"the sandbox ended without a result: out of memory (limit {mib} MiB): the notebook's "
                   "processes, its files in /tmp and HOME and shared memory count together")
        japanese = f"メモリ不足のため、サンドボックスが結果を返さずに終了しました（上限 {mib} MiB）"
    else:
        english = f"the sandbox ended without a result (exit {returncode}): {run.stderr.strip()[-600:]}"
        japanese = f"サンドボックスが結果を返さずに終了しました（終了コード {returncode}）"
    not_run_everywhere(nb, english, japanese)
    return nb, [english] + ([group.summary()] if oom else []), False


class SandboxedExecute(NbGraderPreprocessor):
    """nbgrader's Execute step, in the sandbox; cells that could not run get a "not run: <reason>" error output.
    The limits are autograde/settings.py's (with $CNN1D_SANDBOX_LIMITS applied)."""

    def preprocess(self, nb, resources):
        name = resources.get("unique_key", "notebook")
        timings: dict = {}
        executed, reasons = execute_in_sandbox(nb, sandbox_limits(notebook=name), no_sandbox=unsandboxed_allowed(),
                                               sessions=process_sessions(), timings=timings)
        for reason in reasons:
            self.log.warning("%s: %s", name, reason)
        self.log.info("%s: %s", name, profile_line(timings))
        return executed, resources


@functools.cache
def process_sessions() -> Sessions:
    """The session this grading process's notebooks share; closed when the process ends (and by close_sessions)."""
    sessions = Sessions()
    atexit.register(sessions.close)
    return sessions


def close_sessions() -> None:
    """End the kept sandbox now (a grading child that leaves with os._exit runs no atexit)."""
    if process_sessions.cache_info().currsize:
        process_sessions().close()
