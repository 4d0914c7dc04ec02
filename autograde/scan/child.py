"""The static scan of a class, in a child process with a time and memory budget per notebook.

Parsing student code is the grader's own work on a submission, and it is unbounded: a 4 MB cell took 15-25 s and
2 GiB in the grading process. So the grader never parses student code itself: a child process
(`python -m autograde.scan.child`) scans the notebooks one after the other under RLIMIT_AS = SCAN_MEMORY_BYTES and
reports each on a line of stdout; the parent gives each notebook SCAN_SECONDS. A notebook that runs out of either
is flagged `scan-budget` (the child is killed and a new one goes on with the next notebook); it is graded as usual.
BackgroundScans runs this in a thread while the class is graded, so nobody waits on it.

Protocol (child -> parent, one JSON object a line): {"ready": true} once imported; then per notebook
{"start": path} and {"done": path, "flags": [...]} or {"done": path, "budget": "memory"}. Input: a JSON list of
[notebook path, released path or null] on stdin.
"""

import json
import os
import resource
import select
import subprocess
import sys
import threading
import time
from dataclasses import asdict
from pathlib import Path

from autograde.course import REPO
from autograde.scan.flags import Flag
from autograde.settings import SCAN_LIMITS_ENV, ScanLimits, scan_limits

MAX_FLAGS_PER_NOTEBOOK = 200  # more is noise; the count of the rest is reported in one flag
MAX_LINE_BYTES = 1 << 20  # a report line longer than this is the child misbehaving
STARTUP_SECONDS = 60  # the child's imports (IPython's transformer is imported on first use)


def budget_flag(notebook: str, limits: ScanLimits, why: str) -> Flag:
    return Flag(notebook, -1, 0, "scan-budget",
                f"not scanned within {limits.seconds} s and {limits.memory_bytes >> 20} MiB ({why}): read it yourself")


def bounded_flags(notebook: str, flags: list[Flag]) -> list[Flag]:
    if len(flags) <= MAX_FLAGS_PER_NOTEBOOK:
        return flags
    rest = len(flags) - MAX_FLAGS_PER_NOTEBOOK
    return flags[:MAX_FLAGS_PER_NOTEBOOK] + [Flag(notebook, -1, 0, "scan-error", f"{rest} more flags not listed")]


# ---- the child --------------------------------------------------------------------------------------------------

def child_main() -> int:
    limits = scan_limits()
    resource.setrlimit(resource.RLIMIT_AS, (limits.memory_bytes, limits.memory_bytes))
    from autograde.scan.notebooks import scan_notebook  # under the limit: its imports count too

    def say(message: dict) -> None:
        sys.stdout.write(json.dumps(message) + "\n")
        sys.stdout.flush()

    jobs = json.loads(sys.stdin.read())
    say({"ready": True})
    for path, released in jobs:
        say({"start": path})
        try:
            flags = bounded_flags(Path(path).stem, scan_notebook(Path(path), Path(released) if released else None))
            say({"done": path, "flags": [asdict(flag) for flag in flags]})
        except MemoryError:
            say({"done": path, "budget": "memory"})
        except Exception as error:  # noqa: BLE001 - one odd notebook must not stop the scan of the class
            flag = Flag(Path(path).stem, -1, 0, "scan-error", f"{type(error).__name__}: {error}"[:200])
            say({"done": path, "flags": [asdict(flag)]})
    return 0


# ---- the parent -------------------------------------------------------------------------------------------------

class LineReader:
    """Lines from a pipe with a deadline (select), never more than MAX_LINE_BYTES held."""

    def __init__(self, fd: int):
        self.fd = fd
        self.buffer = b""

    def line(self, deadline: float) -> bytes | None:
        """The next line, or None at the deadline, at EOF or past MAX_LINE_BYTES."""
        while b"\n" not in self.buffer:
            remaining = deadline - time.monotonic()
            if remaining <= 0 or len(self.buffer) > MAX_LINE_BYTES:
                return None
            ready, _, _ = select.select([self.fd], [], [], remaining)
            if not ready:
                return None
            chunk = os.read(self.fd, 1 << 16)
            if not chunk:
                return None
            self.buffer += chunk
        line, _, self.buffer = self.buffer.partition(b"\n")
        return line


def run_child(jobs: list[tuple[Path, Path | None]], limits: ScanLimits) -> tuple[dict[Path, list[Flag]], str | None]:
    """Scan jobs in order in one child: ({notebook: flags} of the notebooks finished, why it stopped early or
    None). The notebook it was on when it stopped is absent from the result."""
    env = {**os.environ, SCAN_LIMITS_ENV: json.dumps(asdict(limits)), "PYTHONPATH": str(REPO)}
    child = subprocess.Popen([sys.executable, "-m", "autograde.scan.child"], stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env, cwd=REPO)
    done: dict[Path, list[Flag]] = {}
    why = None
    try:
        child.stdin.write(json.dumps([[str(path), str(released) if released else None]
                                      for path, released in jobs]).encode())
        child.stdin.close()
        reader = LineReader(child.stdout.fileno())
        if reader.line(time.monotonic() + STARTUP_SECONDS) is None:
            return done, f"the scanner did not start within {STARTUP_SECONDS} s"
        deadline = None
        while len(done) < len(jobs):
            line = reader.line(deadline or time.monotonic() + limits.seconds)
            if line is None:
                why = "time" if child.poll() is None else f"the scanner ended (exit {child.poll()})"
                break
            message = json.loads(line)
            if "start" in message:
                deadline = time.monotonic() + limits.seconds
            elif "done" in message:
                path = Path(message["done"])
                done[path] = ([budget_flag(path.stem, limits, message["budget"])] if "budget" in message
                              else [Flag(**entry) for entry in message["flags"]])
                deadline = None
    except (OSError, ValueError, TypeError) as error:
        why = f"{type(error).__name__}: {error}"
    finally:
        child.kill()
        child.wait()
        child.stdout.close()
    return done, why


def scan_notebooks(jobs: list[tuple[Path, Path | None]], limits: ScanLimits | None = None) -> dict[Path, list[Flag]]:
    """Flags of every notebook, each scanned within its budget (a notebook out of it gets a scan-budget flag)."""
    limits = limits or scan_limits()
    results: dict[Path, list[Flag]] = {}
    pending = list(jobs)
    while pending:
        done, why = run_child(pending, limits)
        results.update(done)
        pending = [job for job in pending if job[0] not in done]
        if why is not None and pending:
            stuck = pending.pop(0)[0]
            results[stuck] = [budget_flag(stuck.stem, limits, why)]
    return results


def regular_notebooks(folder: Path) -> list[Path]:
    """The submission's *.ipynb that are regular files (a symlink or fifo is never opened here)."""
    return [path for path in sorted(Path(folder).glob("*.ipynb")) if path.is_file() and not path.is_symlink()]


class BackgroundScans:
    """Scans submissions in a thread (one child process at a time) while the class is graded; `finish()` waits
    for the rest (each notebook within its budget) and returns {student: flags}."""

    def __init__(self, release_dir: Path, limits: ScanLimits | None = None):
        self.release_dir = Path(release_dir)
        self.limits = limits or scan_limits()
        self.students: dict[str, list[Path]] = {}
        self.results: dict[Path, list[Flag]] = {}
        self.thread: threading.Thread | None = None
        self.error: BaseException | None = None

    def add(self, student: str, folder: Path) -> None:
        self.students[student] = regular_notebooks(folder)

    def start(self) -> None:
        self.thread = threading.Thread(target=self.run, daemon=True, name="static-scan")
        self.thread.start()

    def run(self) -> None:
        try:
            jobs = [(path, self.released(path)) for paths in self.students.values() for path in paths]
            self.results = scan_notebooks(jobs, self.limits)
        except BaseException as error:  # noqa: BLE001 - raised again by finish() in the main thread
            self.error = error

    def released(self, path: Path) -> Path | None:
        released = self.release_dir / path.name
        return released if released.is_file() else None

    def finish(self) -> dict[str, list[Flag]]:
        if self.thread is not None:
            self.thread.join()
        if self.error is not None:
            raise self.error
        return {student: sorted((flag for path in paths for flag in self.results.get(path, [])),
                                key=lambda f: (f.notebook, f.cell, f.line, f.rule))
                for student, paths in self.students.items()}


if __name__ == "__main__":
    sys.exit(child_main())
