"""SandboxedExecute: nbgrader's Execute step, but the notebook runs in the bubblewrap sandbox (autograde/sandbox.py).

nbgrader runs its sanitize steps first (ClearOutput, OverwriteCells restoring the hidden tests and locked cells),
then c.Autograde.autograde_preprocessors, whose first entry is this. The limits are set in
autograde/nbgrader_config.py; $AUTOGRADE_SKIP_AFTER_LAST_GRADE=0 runs the cells after the last grade cell too
(by default they are skipped: they change no score and notebook 8's full-MNIST training costs ~30 s a student).
"""

import os

from nbgrader.preprocessors import NbGraderPreprocessor
from traitlets import Bool, Integer

from autograde.sandbox import SKIP_AFTER_LAST_GRADE_ENV, SandboxLimits, execute_in_sandbox, unsandboxed_allowed

MIB = 1 << 20


class SandboxedExecute(NbGraderPreprocessor):
    """Execute the notebook in the sandbox; cells that could not run get a "not run: <reason>" error output."""

    cell_timeout = Integer(300, help="seconds a cell may run before it is interrupted").tag(config=True)
    notebook_timeout = Integer(1200, help="seconds the whole notebook may run").tag(config=True)
    memory_mib = Integer(4096, help="address-space limit of the kernel (RLIMIT_AS), MiB").tag(config=True)
    max_processes = Integer(256, help="processes and threads in the sandbox (RLIMIT_NPROC)").tag(config=True)
    max_output_bytes = Integer(10 * MIB, help="output kept per notebook; later output is dropped").tag(config=True)
    max_file_mib = Integer(256, help="largest file the notebook may write (RLIMIT_FSIZE), MiB").tag(config=True)
    cpu_seconds = Integer(2400, help="CPU seconds of the kernel (RLIMIT_CPU)").tag(config=True)
    skip_after_last_grade = Bool(True, help="do not run cells after the last grade cell (overridden by "
                                            f"${SKIP_AFTER_LAST_GRADE_ENV}=0/1)").tag(config=True)

    def limits(self) -> SandboxLimits:
        skip = self.skip_after_last_grade
        if os.environ.get(SKIP_AFTER_LAST_GRADE_ENV) in ("0", "1"):
            skip = os.environ[SKIP_AFTER_LAST_GRADE_ENV] == "1"
        return SandboxLimits(cell_timeout=self.cell_timeout, notebook_timeout=self.notebook_timeout,
                             memory_bytes=self.memory_mib * MIB, max_processes=self.max_processes,
                             max_output_bytes=self.max_output_bytes, max_file_bytes=self.max_file_mib * MIB,
                             cpu_seconds=self.cpu_seconds, skip_after_last_grade=skip)

    def preprocess(self, nb, resources):
        name = resources.get("unique_key", "notebook")
        executed, reasons = execute_in_sandbox(nb, self.limits(), no_sandbox=unsandboxed_allowed())
        for reason in reasons:
            self.log.warning("%s: %s", name, reason)
        return executed, resources
