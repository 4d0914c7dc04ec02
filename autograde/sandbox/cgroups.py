"""One cgroup per autograde sandbox: a memory limit that counts everything, a process limit, a CPU quota, and a
way to kill every process of the sandbox. Standalone (stdlib only); Linux, cgroup v1 or v2 (where the groups are
made: autograde/sandbox/cgroup_tree.py).

Why: rlimits bound one process's address space (RLIMIT_AS), not what a notebook holds in memory. memfd files,
SysV and POSIX shared memory, and files on a tmpfs are not in any process's address space; a kernel held 3 GiB of
shared memory under a 1.5 GiB RLIMIT_AS. A memory cgroup charges every page to the group that first touched it:
anonymous memory, page cache, tmpfs/shmem (memfd, /dev/shm, SysV shm, tmpfs files) and kernel memory (page
tables, dentries, inodes; v2 also socket buffers, v1 TCP buffers have their own limit). Swap is forbidden (memsw /
memory.swap.max), so it cannot be used to escape.

    group = SandboxCgroup.create("alice-08", memory_bytes=4 << 30, max_pids=272, cpus=1.0)
    with group:                                   # kill_all() + remove() on exit, even on error
        process = subprocess.Popen(group.wrap(["bwrap", ..., "--", "python", "runner.py"]), ...)
        ...
        if group.oom_killed():
            print(f"killed: out of memory (limit {group.memory_bytes >> 20} MiB)")

`SandboxCgroup.create` raises CgroupUnavailable (a reason for the grader's warning) when no writable cgroup
hierarchy with the controllers exists: not root, a read-only /sys/fs/cgroup, v2 without delegation. It raises
CgroupError for anything unexpected. `SandboxCgroup.try_create` returns (group, None) or (None, reason).

Putting the sandbox in the group without a race: `wrap(argv)` returns a command line that starts a tiny Python
program (the "join shim", python -I -S) which writes "0" (= itself) into the group's cgroup.procs of every
hierarchy and then execs argv. Nothing of the sandbox has run yet at that moment, so every process it will ever
fork is born inside the group; there is no window in which a child could fork before being moved (which writing the
child's pid from the parent after Popen would have). This needs no preexec_fn (unsafe in threaded programs). If a
join fails the shim exits with JOIN_FAILED (125) before exec: the sandbox never runs unconfined.

v1 limits: memory.limit_in_bytes, memory.memsw.limit_in_bytes (= the same: no swap), memory.oom_control
oom_kill_disable 0 (inherited from the parent otherwise), memory.kmem.tcp.limit_in_bytes (TCP buffers: a separate
v1 counter), pids.max, cpu.cfs_quota_us/cpu.cfs_period_us; the freezer, when mounted, makes kill_all() atomic.
v2: memory.max, memory.swap.max 0, pids.max, cpu.max, cgroup.kill.

    python -m autograde.sandbox.cgroups status|cleanup
"""

from __future__ import annotations

import errno
import itertools
import os
import re
import signal
import sys
import threading
import time
from pathlib import Path

from autograde.sandbox import cgroup_tree as tree
from autograde.sandbox.cgroup_tree import (
    PREFIX,
    REQUIRED,
    V1_CONTROLLERS,
    CgroupError,
    CgroupUnavailable,
    Layout,
    cleanup_stale,
)

JOIN_FAILED = 125  # exit status of the join shim when it could not enter the group (nothing was run)
CFS_PERIOD_US = 100_000
MIN_QUOTA_US = 1_000  # the kernel refuses quotas below 1 ms

# Runs before the sandbox: enter every hierarchy's group, then become the sandbox. Keep it stdlib, no site (-I -S).
JOIN_SHIM = r"""
import os, sys
args = sys.argv[1:]
split = args.index("--")
for path in args[:split]:
    try:
        fd = os.open(path, os.O_WRONLY)
        try:
            os.write(fd, b"0")
        finally:
            os.close(fd)
    except OSError as error:
        sys.stderr.write(f"cgroup join: cannot enter {path}: {error}\n")
        sys.stderr.flush()
        os._exit(EXIT_JOIN_FAILED)
try:
    os.execvp(args[split + 1], args[split + 1:])
except OSError as error:
    sys.stderr.write(f"cgroup join: cannot run {args[split + 1]}: {error}\n")
    sys.stderr.flush()
    os._exit(127)
""".replace("EXIT_JOIN_FAILED", str(JOIN_FAILED))


# --- the group ----------------------------------------------------------------------------------------------------

class SandboxCgroup:
    """One sandbox's group (in every v1 hierarchy it uses, or one v2 folder). Use as a context manager: on exit
    every process in it is killed and the folders removed."""

    _sequence = itertools.count(1)
    _lock = threading.Lock()

    def __init__(self, layout: Layout, folders: dict[str, Path], memory_bytes: int, max_pids: int,
                 cpus: float | None, warnings: list[str]):
        self.layout = layout
        self.version = layout.version
        self.folders = folders  # controller -> folder; v2: every controller maps to the same folder
        self.memory_bytes = memory_bytes
        self.max_pids = max_pids
        self.cpus = cpus
        self.warnings = warnings  # weaker-than-asked setups (e.g. swap present but not accounted): print them
        self.removed = False

    # -- creation --

    @classmethod
    def try_create(cls, name: str, memory_bytes: int, max_pids: int, cpus: float | None,
                   **kwargs) -> tuple[SandboxCgroup | None, str | None]:
        """(group, None), or (None, reason) when cgroups are unavailable here. Unexpected failures still raise."""
        try:
            return cls.create(name, memory_bytes, max_pids, cpus, **kwargs), None
        except CgroupUnavailable as error:
            return None, error.reason

    @classmethod
    def create(cls, name: str, memory_bytes: int, max_pids: int, cpus: float | None, *,
               layout: Layout | None = None, require: tuple[str, ...] = REQUIRED) -> SandboxCgroup:
        """Make a group limited to memory_bytes (all memory, no swap), max_pids tasks (processes and threads) and
        `cpus` cores of CPU time (None: no CPU limit). name: a label, part of the folder name."""
        if not isinstance(memory_bytes, int) or memory_bytes < 16 << 20:
            raise ValueError(f"memory_bytes must be an int of at least 16 MiB, got {memory_bytes!r}")
        if not isinstance(max_pids, int) or max_pids < 2:
            raise ValueError(f"max_pids must be an int of at least 2, got {max_pids!r}")
        if cpus is not None and not (cpus > 0):
            raise ValueError(f"cpus must be positive or None, got {cpus!r}")
        if os.uname().sysname != "Linux":
            raise CgroupUnavailable(f"cgroups are Linux only (this is {os.uname().sysname})")
        layout = layout or Layout.detect()
        if layout.problem:
            raise CgroupUnavailable(layout.problem)
        needed = {c for c in require if c != "cpu" or cpus is not None}  # no CPU limit asked: cpu not needed
        if layout.version == 2:
            layout = tree.prepare_v2(layout, needed)
        missing = sorted(c for c in needed if c not in layout.bases)
        if missing:
            raise CgroupUnavailable(f"cgroup v{layout.version}: controller(s) {', '.join(missing)} not available to "
                                    f"us ({layout.describe()})")
        label = re.sub(r"[^A-Za-z0-9_.-]", "_", name)[:40]
        with cls._lock:
            number = next(cls._sequence)
        folder_name = f"{PREFIX}-{tree.owner_tag()}-{number}" + (f"-{label}" if label else "")
        controllers = [c for c in (V1_CONTROLLERS if layout.version == 1 else layout.bases) if c in layout.bases]
        folders: dict[str, Path] = {}
        made: list[Path] = []
        try:
            for controller in controllers:
                folder = layout.bases[controller] / folder_name
                folders[controller] = folder
                if folder not in made:
                    tree.make_folder(folder)
                    made.append(folder)
            group = cls(layout, folders, memory_bytes, max_pids, cpus, [])
            group._apply_limits()
        except BaseException:
            for folder in reversed(made):
                try:
                    os.rmdir(folder)
                except OSError:
                    pass
            raise
        return group

    def _apply_limits(self) -> None:
        memory, pids, cpu = (self.folders.get(c) for c in ("memory", "pids", "cpu"))
        swap = tree.swap_total()
        if self.version == 1:
            if memory:
                tree.write_control(memory / "memory.limit_in_bytes", self.memory_bytes)  # first: memsw must stay >= it
                if (memory / "memory.memsw.limit_in_bytes").exists():
                    tree.write_control(memory / "memory.memsw.limit_in_bytes", self.memory_bytes)
                else:  # swap accounting is off (swapaccount=0): at least do not swap this group's pages
                    tree.write_control(memory / "memory.swappiness", 0)
                    if swap:
                        self.warnings.append(f"swap accounting is off (no memory.memsw.*) and the machine has "
                                             f"{swap >> 20} MiB of swap: memory.swappiness=0 keeps the group out "
                                             f"of swap, but it is not a hard limit")
                tree.write_control(memory / "memory.oom_control", 0)  # oom_kill_disable is inherited: an OOM must kill
                if (memory / "memory.kmem.tcp.limit_in_bytes").exists():
                    # v1 charges TCP buffers only to this separate counter, and only once it has a limit (v2 counts
                    # them in memory.current). Deprecated in 6.x (a line in dmesg) but still enforced.
                    tree.write_control(memory / "memory.kmem.tcp.limit_in_bytes", self.memory_bytes)
            if pids:
                tree.write_control(pids / "pids.max", self.max_pids)
            if cpu and self.cpus is not None:
                quota = max(MIN_QUOTA_US, round(self.cpus * CFS_PERIOD_US))
                tree.write_control(cpu / "cpu.cfs_period_us", CFS_PERIOD_US)
                tree.write_control(cpu / "cpu.cfs_quota_us", quota)
        else:
            if memory:
                tree.write_control(memory / "memory.max", self.memory_bytes)
                if (memory / "memory.swap.max").exists():
                    tree.write_control(memory / "memory.swap.max", 0)
                elif swap:
                    self.warnings.append(f"the machine has {swap >> 20} MiB of swap but no memory.swap.max "
                                         f"(swap accounting off): the group's memory can be swapped out")
            if pids:
                tree.write_control(pids / "pids.max", self.max_pids)
            if cpu and self.cpus is not None:
                quota = max(MIN_QUOTA_US, round(self.cpus * CFS_PERIOD_US))
                tree.write_control(cpu / "cpu.max", f"{quota} {CFS_PERIOD_US}")

    # -- joining --

    def procs_files(self) -> list[Path]:
        """The cgroup.procs file of every hierarchy's folder (v2: one)."""
        return [folder / "cgroup.procs" for folder in dict.fromkeys(self.folders.values())]

    def wrap(self, argv: list[str], python: str = sys.executable) -> list[str]:
        """argv, started inside this group: the join shim enters the group, then execs argv (same pid)."""
        if self.removed:
            raise CgroupError("the group was removed")
        return [python, "-I", "-S", "-c", JOIN_SHIM, *map(str, self.procs_files()), "--", *argv]

    def pids(self) -> set[int]:
        """Every process in the group (all hierarchies: they should agree)."""
        found: set[int] = set()
        for path in self.procs_files():
            found |= tree.pids_in(path)
        return found

    def contains(self, pid: int) -> bool:
        return all(pid in tree.pids_in(path) for path in self.procs_files())

    # -- ending --

    def kill_all(self, timeout: float = 10.0) -> None:
        """SIGKILL every process in the group and wait until it is empty; CgroupError if it does not empty."""
        deadline = time.monotonic() + timeout
        folder = self.folders.get("freezer") if self.version == 1 else next(iter(self.folders.values()))
        if self.version == 2 and (folder / "cgroup.kill").exists():
            tree.write_control(folder / "cgroup.kill", 1)  # kills every process, including ones forking right now
        else:
            frozen = self._freeze(deadline)  # no fork can happen while we kill
            try:
                self._signal_all()
            finally:
                if frozen:
                    self._thaw()
        while True:  # kill what the sweep missed (no freezer: children forked meanwhile), until none is left
            left = self.pids()
            if not left:
                return
            if time.monotonic() > deadline:
                raise CgroupError(f"processes {sorted(left)[:20]} are still in {self.describe()} {timeout} s after "
                                  f"SIGKILL (stuck in the kernel, e.g. on a hung NFS mount?)")
            self._signal_all()
            time.sleep(0.01)

    def _signal_all(self) -> None:
        for pid in self.pids():
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass

    def _freeze(self, deadline: float) -> bool:
        """Freeze the group (v1 freezer.state, v2 cgroup.freeze) and wait a little for it to be frozen. A group
        that does not freeze in time (a task in uninterruptible sleep) is killed anyway: the sweep loop follows."""
        if self.version == 1:
            folder = self.folders.get("freezer")
            control, frozen = (folder / "freezer.state", "FROZEN") if folder else (None, "")
        else:
            folder = next(iter(self.folders.values()))
            control, frozen = folder / "cgroup.freeze", "frozen 1"
        if control is None or not control.exists():
            return False
        tree.write_control(control, "FROZEN" if self.version == 1 else 1)
        state = control if self.version == 1 else folder / "cgroup.events"
        wait_until = min(time.monotonic() + 2.0, deadline)
        while frozen not in tree.read_control(state) and time.monotonic() < wait_until:
            time.sleep(0.005)
        return True

    def _thaw(self) -> None:
        if self.version == 1:
            tree.write_control(self.folders["freezer"] / "freezer.state", "THAWED")  # frozen tasks die only once thawed
        else:
            tree.write_control(next(iter(self.folders.values())) / "cgroup.freeze", 0)

    def remove(self, timeout: float = 10.0) -> None:
        """kill_all(), then remove the folders. Memory still charged (a SysV segment or /dev/shm file outside an
        IPC/mount namespace) does not stop the removal: it stays charged to the parent until freed."""
        if self.removed:
            return
        deadline = time.monotonic() + timeout
        self.kill_all(timeout)
        for folder in reversed(list(dict.fromkeys(self.folders.values()))):
            while True:
                try:
                    os.rmdir(folder)
                    break
                except FileNotFoundError:
                    break
                except OSError as error:
                    if error.errno != errno.EBUSY or time.monotonic() > deadline:
                        raise CgroupError(f"cannot remove {folder}: {error.strerror}") from error
                    self.kill_all(max(deadline - time.monotonic(), 0.1))  # a process raced in; or just exiting
                    time.sleep(0.01)
        self.removed = True

    def __enter__(self) -> SandboxCgroup:
        return self

    def __exit__(self, *exc) -> None:
        self.remove()

    # -- what happened --

    def _memory(self, v1: str, v2: str) -> Path | None:
        folder = self.folders.get("memory")
        return None if folder is None else folder / (v1 if self.version == 1 else v2)

    def oom_events_file(self) -> Path | None:
        """The file whose "oom_kill N" line counts the group's OOM kills (v1 memory.oom_control, v2 memory.events):
        the grader binds it read-only into the sandbox so the runner can say "out of memory" itself."""
        return self._memory("memory.oom_control", "memory.events")

    def oom_kills(self) -> int | None:
        """Processes the group's OOM killer killed (v1: memory.oom_control oom_kill, kernel >= 4.13; v2:
        memory.events oom_kill). None when the kernel does not count them."""
        path = self._memory("memory.oom_control", "memory.events")
        if path is None:
            return None
        return tree.keyed_values(tree.read_control(path)).get("oom_kill")

    def oom_killed(self) -> bool:
        """True if the OOM killer killed a process of this group (the grader: "killed: out of memory")."""
        return bool(self.oom_kills())

    def memory_limit_hits(self) -> int:
        """How often the group hit its memory limit (v1 memsw/limit failcnt, v2 memory.events max): reclaim or
        an allocation failure or an OOM kill followed."""
        if self.version == 1:
            folder = self.folders["memory"]
            counts = [int(tree.read_control(folder / name)) for name in ("memory.failcnt", "memory.memsw.failcnt")
                      if (folder / name).exists()]
            return max(counts, default=0)
        return tree.keyed_values(tree.read_control(self.folders["memory"] / "memory.events")).get("max", 0)

    def peak_memory(self) -> int | None:
        """Most memory the group held at once, bytes (v2 needs kernel >= 5.19 for memory.peak, else None)."""
        path = self._memory("memory.max_usage_in_bytes", "memory.peak")
        if path is None or not path.exists():
            return None
        return int(tree.read_control(path))

    def memory_usage(self) -> int:
        return int(tree.read_control(self._memory("memory.usage_in_bytes", "memory.current")))

    def pids_limit_hits(self) -> int:
        """Forks refused because of pids.max (pids.events max)."""
        folder = self.folders.get("pids")
        return tree.keyed_values(tree.read_control(folder / "pids.events")).get("max", 0) if folder else 0

    def cpu_throttled(self) -> int:
        """Periods in which the CPU quota stopped the group (cpu.stat nr_throttled)."""
        folder = self.folders.get("cpu")
        return tree.keyed_values(tree.read_control(folder / "cpu.stat")).get("nr_throttled", 0) if folder else 0

    def cpu_seconds(self) -> float | None:
        """CPU time used by the group's processes (v1 cpuacct.usage, v2 cpu.stat usage_usec)."""
        if self.version == 1:
            folder = self.folders.get("cpuacct")
            return int(tree.read_control(folder / "cpuacct.usage")) / 1e9 if folder else None
        usage = tree.keyed_values(tree.read_control(next(iter(self.folders.values())) / "cpu.stat")).get("usage_usec")
        return None if usage is None else usage / 1e6

    def describe(self) -> str:
        return f"cgroup v{self.version} {next(iter(self.folders.values())).name}"

    def summary(self) -> str:
        peak = self.peak_memory()
        return (f"{self.describe()}: memory limit {self.memory_bytes >> 20} MiB, peak "
                f"{'?' if peak is None else peak >> 20} MiB, OOM kills {self.oom_kills()}, pids.max {self.max_pids} "
                f"(refused forks {self.pids_limit_hits()}), cpus {self.cpus} (throttled periods "
                f"{self.cpu_throttled()})")


def main(argv: list[str] | None = None) -> int:
    """python cgroups.py status|cleanup"""
    command = (argv or sys.argv[1:] or ["status"])[0]
    layout = Layout.detect()
    if command == "status":
        print(layout.describe())
        group, reason = SandboxCgroup.try_create("probe", 64 << 20, 16, 0.5, layout=layout)
        if group is None:
            print(f"sandbox groups: UNAVAILABLE: {reason}")
            return 1
        with group:
            print(f"sandbox groups: ok ({group.describe()}){''.join(f'; warning: {w}' for w in group.warnings)}")
        return 0
    if command == "cleanup":
        for folder in cleanup_stale(layout):
            print(f"removed {folder}")
        return 0
    print(main.__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
