"""Execute one student notebook in the sandbox (autograde/sandbox/bwrap.py) with the limits of
autograde/settings.py, and the nbgrader preprocessor that does this at autograde (SandboxedExecute).

nbgrader runs its sanitize steps first (ClearOutput, OverwriteCells restoring the hidden tests and locked cells),
then c.Autograde.autograde_preprocessors, whose first entry is SandboxedExecute.

Without bwrap grading refuses, unless the instructor allows running unsandboxed ($CNN1D_NO_SANDBOX=1, set by
`python -m autograde.grade --no-sandbox`): then the runner is a plain subprocess with the same limits (but the
process limit, which would count all the grader's processes) and a loud warning.
"""

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import nbformat
from nbformat import NotebookNode
from nbgrader.preprocessors import NbGraderPreprocessor

from autograde.sandbox.bwrap import (
    DATA_DIR,
    INSTALL_HINT,
    KILL_MARGIN,
    RUNNER,
    SANDBOX_HOME,
    bwrap_available,
    bwrap_command,
    kernel_env,
    unprivileged_ids,
)
from autograde.sandbox.runner import mark_not_run
from autograde.settings import NO_SANDBOX_ENV, PROBE_MIME, SandboxLimits, sandbox_limits

KERNEL_NAME = "python3"


class SandboxUnavailable(RuntimeError):
    """bwrap is missing or does not work here, and running unsandboxed was not allowed."""


def unsandboxed_allowed() -> bool:
    return os.environ.get(NO_SANDBOX_ENV) == "1"


def runner_settings(limits: SandboxLimits, *, sandboxed: bool) -> dict:
    """Every setting the runner needs, explicitly: it has no defaults of its own (autograde/sandbox/runner.py)."""
    run_as = list(unprivileged_ids()) if sandboxed and os.geteuid() == 0 else None
    return {**limits.as_dict(), "kernel_name": KERNEL_NAME, "probe_mime": PROBE_MIME,
            "set_process_limit": sandboxed, "run_as": run_as}


def not_run_everywhere(nb: NotebookNode, english: str, japanese: str) -> None:
    """The sandbox returned nothing: every code cell says why it has no result."""
    mark_not_run(nb, 0, english, japanese)


def warn_unsandboxed() -> None:
    print("=" * 100 + "\nWARNING: autograde runs this notebook WITHOUT a sandbox ($CNN1D_NO_SANDBOX=1): student "
          "code can read and write your files and use the network.\n" + "=" * 100, file=sys.stderr, flush=True)


def execute_in_sandbox(nb: NotebookNode, limits: SandboxLimits,
                       no_sandbox: bool | None = None) -> tuple[NotebookNode, list[str]]:
    """Run the notebook's code cells under the limits; returns the executed notebook and why cells failed."""
    no_sandbox = unsandboxed_allowed() if no_sandbox is None else no_sandbox
    if not no_sandbox and not bwrap_available():
        raise SandboxUnavailable(f"bubblewrap (bwrap) is not available, so student code cannot be sandboxed: "
                                 f"{INSTALL_HINT}, or allow grading without a sandbox with {NO_SANDBOX_ENV}=1 "
                                 f"(python -m autograde.grade --no-sandbox) on a machine you do not mind student code "
                                 f"running on.")
    settings = runner_settings(limits, sandboxed=not no_sandbox)
    payload = nbformat.writes(nb).encode()
    with tempfile.TemporaryDirectory(prefix="autograde-unsandboxed-") as scratch:
        if no_sandbox:
            warn_unsandboxed()
            work = Path(scratch) / "cnn1d"
            work.mkdir()
            if DATA_DIR.is_dir():
                (Path(scratch) / "data").symlink_to(DATA_DIR)
            command = [sys.executable, str(RUNNER), json.dumps(settings)]
            extra = {"cwd": work, "env": kernel_env(scratch)}
        else:
            command = bwrap_command([sys.executable, str(RUNNER), json.dumps(settings)])
            extra = {"env": kernel_env(SANDBOX_HOME)}
        process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                   start_new_session=True, **extra)
        try:
            stdout, stderr = process.communicate(payload, timeout=limits.notebook_timeout + KILL_MARGIN)
        except subprocess.TimeoutExpired:
            process.kill()  # bwrap's death takes the whole PID namespace with it (--die-with-parent)
            process.communicate()
            english = f"the sandbox was still running {limits.notebook_timeout + KILL_MARGIN} s after it started"
            not_run_everywhere(nb, english, "制限時間を過ぎてもサンドボックスが終了しませんでした")
            return nb, [english]
    try:
        result = json.loads(stdout)
        executed = nbformat.from_dict(result["notebook"])
        reasons = [str(reason) for reason in result["reasons"]]
    except (ValueError, KeyError, TypeError):
        tail = stderr.decode(errors="replace").strip()[-600:]
        english = f"the sandbox ended without a result (exit {process.returncode}): {tail}"
        japanese = f"サンドボックスが結果を返さずに終了しました（終了コード {process.returncode}）"
        not_run_everywhere(nb, english, japanese)
        return nb, [english]
    return executed, reasons


class SandboxedExecute(NbGraderPreprocessor):
    """nbgrader's Execute step, in the sandbox; cells that could not run get a "not run: <reason>" error output.
    The limits are autograde/settings.py's (with $CNN1D_SANDBOX_LIMITS applied)."""

    def preprocess(self, nb, resources):
        name = resources.get("unique_key", "notebook")
        executed, reasons = execute_in_sandbox(nb, sandbox_limits(notebook=name), no_sandbox=unsandboxed_allowed())
        for reason in reasons:
            self.log.warning("%s: %s", name, reason)
        return executed, resources
