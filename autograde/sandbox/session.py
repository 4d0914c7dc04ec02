"""One sandbox for a student's notebooks, one kernel process per notebook: a sandbox session.

Starting a sandbox for every notebook cost ~2.5 s each (the runner's interpreter and imports, the kernel's, the
course's numpy and matplotlib, matplotlib's font cache in a fresh HOME). A session starts bwrap, its cgroup, the
runner and a kernel zygote (autograde/sandbox/kernel_zygote.py: ipykernel, numpy and matplotlib imported once)
once, then grades the notebooks one after the other; every notebook still runs in a fresh kernel process, forked
from the zygote, under the same rlimits, cgroup, output bounds and deadlines as before.

Between notebooks the runner kills every other process of the sandbox and empties /tmp, HOME, /dev/shm and the
working folder. The next notebook reuses the sandbox only if that left it clean and the notebook ended normally:
no failure reason (a timeout, a killed kernel, a cut output, a process limit), no OOM kill, the runner alive, the
group's memory back under REUSE_MEMORY_FRACTION of its limit, the same limits. Otherwise the session is closed (its
cgroup kills whatever is left) and the next notebook gets a new sandbox, as every notebook did before.

The grader talks to the runner in frames (runner.py's protocol): the notebook and its settings in, STARTED and
`result <length>` out, read by a thread that keeps at most the notebook's stdout limit (past it the sandbox is
ended, as before).
"""

import json
import queue
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass

from autograde.sandbox import cgroups
from autograde.sandbox.capped_output import StreamTail
from autograde.sandbox.runner import MAX_FRAME_HEADER, RESULT, STARTED

READER_GRACE = 10.0  # seconds the readers get to see EOF after the sandbox ended
REUSE_MEMORY_FRACTION = 0.5  # a sandbox still holding more of its memory limit after a notebook is not reused
ENDED = "ended"


@dataclass
class Exchange:
    """What the runner sent for one notebook: its result fd (STARTED + the result JSON, as far as it got), the
    kept ends of its stderr, and whether the grader ended the sandbox (deadline, or a result over its limit)."""

    stdout: bytes
    stderr: str
    timed_out: bool = False
    overflowed: bool = False


class FrameReader(threading.Thread):
    """Reads the runner's result fd: ("started",), ("result", bytes), or (ENDED,) at EOF; a result longer than
    `limit` (set per notebook) calls on_overflow and is ("overflow",)."""

    def __init__(self, stream, on_overflow):
        super().__init__(daemon=True, name="sandbox-frames")
        self.stream = stream
        self.on_overflow = on_overflow
        self.limit = 0
        self.messages: queue.Queue[tuple] = queue.Queue()

    def run(self) -> None:
        try:
            while True:
                header = self.stream.readline(MAX_FRAME_HEADER)
                if not header:
                    break
                if header == STARTED:
                    self.messages.put(("started",))
                    continue
                kind, _, size = header.strip().partition(b" ")
                if kind != RESULT or not size.isdigit() or int(size) > self.limit:
                    self.messages.put(("overflow",))
                    self.on_overflow()
                    while self.stream.read(1 << 20):  # drained until the sandbox ends
                        pass
                    break
                self.messages.put(("result", self.stream.read(int(size))))
        except (OSError, ValueError):
            pass
        self.messages.put((ENDED,))


class SandboxSession:
    """A running sandbox (its cgroup, bwrap, the runner): `run(nb, limits)` grades one notebook in it."""

    def __init__(self, key: tuple, group: cgroups.SandboxCgroup | None, command: list[str], extra: dict,
                 scratch: tempfile.TemporaryDirectory, forks_kernels: bool):
        self.key = key
        self.forks_kernels = forks_kernels  # the runner serves several notebooks, kernels forked from its zygote
        self.notebooks = 0  # notebooks sent to it so far
        self.group = group
        self.scratch = scratch
        self.reusable = True
        self.process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                        stderr=subprocess.PIPE, start_new_session=True, **extra)
        self.frames = FrameReader(self.process.stdout, self.stop)
        self.errors = StreamTail(self.process.stderr.fileno())
        self.frames.start()
        self.errors.start()

    def stop(self) -> None:
        """End the sandbox now: every process of its group, and bwrap (whose death takes its PID namespace)."""
        self.reusable = False
        if self.group is not None:
            self.group.kill_all()
        self.process.kill()

    def send(self, frame: bytes) -> None:
        def write() -> None:
            try:
                self.process.stdin.write(b"%d\n" % len(frame) + frame)
                self.process.stdin.flush()
            except (BrokenPipeError, OSError, ValueError):
                pass  # the sandbox ended: its exit status and stderr say why

        threading.Thread(target=write, daemon=True, name="sandbox-stdin").start()

    def exchange(self, settings: dict, nb, stdout_limit: int, timeout: float) -> Exchange:
        """Send one notebook, wait for its result (at most `timeout` s); what the runner sent. stdin is written by a
        thread (a runner that stopped reading cannot block the grader); stdout is read by FrameReader, which keeps
        at most `stdout_limit` bytes of the result; stderr keeps its first and last few KiB (StreamTail)."""
        self.frames.limit = stdout_limit
        self.notebooks += 1
        self.send(json.dumps({"settings": settings, "notebook": nb}).encode())
        deadline = time.monotonic() + timeout
        stdout, timed_out, overflowed = b"", False, False
        while True:
            try:
                message = self.frames.messages.get(timeout=max(deadline - time.monotonic(), 0))
            except queue.Empty:
                timed_out = True
                self.stop()
                break
            if message[0] == "started":
                stdout = STARTED
            elif message[0] == "result":
                stdout += message[1]
                break
            else:
                overflowed = message[0] == "overflow"
                self.reusable = False
                break
        if not self.reusable:  # the runner is gone or going: its exit status for the report
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.stop()
                self.process.wait()
        return Exchange(stdout, self.errors.text(), timed_out, overflowed)

    def returncode(self) -> int:
        """The runner's exit status (None while it runs)."""
        return self.process.poll()

    def keep_after(self, swept: bool, reasons: list[str]) -> bool:
        """Whether the next notebook may use this sandbox (see the module docstring); closes it if not. swept: the
        runner reported the sandbox clean after the notebook."""
        clean = self.forks_kernels and self.reusable and swept and not reasons and self.process.poll() is None
        if clean and self.group is not None:
            clean = not self.group.oom_killed() and (
                self.group.memory_usage() <= REUSE_MEMORY_FRACTION * self.group.memory_bytes)
        if not clean:
            self.close()
        return clean

    def close(self) -> None:
        """End the runner (it leaves when stdin closes), then everything in the group, and remove the group."""
        self.reusable = False
        try:
            self.process.stdin.close()
        except OSError:
            pass
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.stop()
            self.process.wait()
        if self.group is not None:
            self.group.remove()
            self.group = None
        self.frames.join(READER_GRACE)
        self.errors.join(READER_GRACE)
        self.scratch.cleanup()
