"""Talking to the sandbox through bounded pipes: the grader never holds more of what the sandbox writes than it
allows. (subprocess.communicate() reads everything into memory: a kernel writing 1 GiB to the stderr it inherited
once made a 2 GiB grader.)

stdin gets the notebook; stdout (the runner's result, written on a fd the kernel does not have) is read up to
`stdout_limit` bytes, past which the sandbox is ended; stderr keeps its first and last few KiB (StreamTail).
"""

import subprocess
import threading
import time
from dataclasses import dataclass

from autograde.sandbox.capped_output import StreamTail, chunks

READER_GRACE = 10.0  # seconds the readers get to see EOF after the sandbox ended


@dataclass
class Exchange:
    stdout: bytes
    stderr: str
    timed_out: bool = False
    overflowed: bool = False  # stdout passed its limit: the sandbox was ended and stdout is incomplete


class LimitedReader(threading.Thread):
    """Reads a pipe to EOF, keeping at most `limit` bytes; past it calls on_overflow once and discards the rest
    (what was kept stays: its start still says how far the runner got)."""

    def __init__(self, fd: int, limit: int, on_overflow):
        super().__init__(daemon=True, name="sandbox-stdout")
        self.fd = fd
        self.limit = limit
        self.on_overflow = on_overflow
        self.chunks: list[bytes] = []
        self.size = 0
        self.overflowed = False

    def run(self) -> None:
        for chunk in chunks(self.fd, 1 << 20):
            if self.overflowed:
                continue
            if self.size + len(chunk) > self.limit:
                self.overflowed = True
                self.on_overflow()
                continue
            self.chunks.append(chunk)
            self.size += len(chunk)


def write_all(process: subprocess.Popen, payload: bytes) -> None:
    try:
        process.stdin.write(payload)
        process.stdin.close()
    except (BrokenPipeError, OSError, ValueError):
        pass  # the sandbox ended before reading it all: its exit status and stderr say why


def exchange(process: subprocess.Popen, payload: bytes, stdout_limit: int, timeout: float, stop) -> Exchange:
    """Send payload, collect bounded stdout/stderr, wait for the end; `stop()` ends the sandbox (on timeout or when
    stdout overflows)."""
    writer = threading.Thread(target=write_all, args=(process, payload), daemon=True, name="sandbox-stdin")
    reader = LimitedReader(process.stdout.fileno(), stdout_limit, stop)
    errors = StreamTail(process.stderr.fileno())
    for thread in (writer, reader, errors):
        thread.start()
    timed_out = False
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        timed_out = True
        stop()
        process.wait()
    end = time.monotonic() + READER_GRACE
    for thread in (reader, errors, writer):
        thread.join(max(end - time.monotonic(), 0))
    return Exchange(b"".join(reader.chunks), errors.text(), timed_out, reader.overflowed)
