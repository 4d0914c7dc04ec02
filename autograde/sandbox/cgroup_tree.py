"""Where a sandbox's cgroup can be made: the cgroup hierarchies of this machine (v1 or v2), the control-file
helpers, delegation on cgroup v2, and the removal of groups a crashed grader left (autograde/sandbox/cgroups.py makes
and ends the groups themselves). Standalone: stdlib only, Linux.

cgroup v1 (this CI: /sys/fs/cgroup/{memory,pids,cpu,freezer,...}): groups are made under our own group of each
hierarchy (from /proc/self/cgroup, resolved through /proc/self/mountinfo).

cgroup v2: the "no internal processes" rule means a non-root group with processes cannot hand controllers to
children. Groups are made under our own group when it already delegates the controllers (cgroup.subtree_control)
or can (the root group, or a group whose only process is this one: then this process first moves itself into a
leaf "cnn1d-grader-<pid>-<start>" under it, as systemd's Delegate=yes services are meant to, and later forked
workers find their base as that leaf's parent). A group shared with other processes is never reorganised:
CgroupUnavailable says how to start the grader (systemd-run --scope -p Delegate=yes ...).

Group names: "cnn1d-<pid>-<start time>-<pid namespace>-<n>-<label>", of the grader process that made it, so
cleanup_stale() can tell a crashed grader's leftovers from a live grader's groups, even after pid reuse, and leaves
alone groups of graders in other PID namespaces (v1 hierarchies such as pids or cpu are often shared machine-wide).
"""

from __future__ import annotations

import errno
import os
import re
import signal
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

PREFIX = "cnn1d"
SUPERVISOR_PREFIX = f"{PREFIX}-grader-"  # v2 only: the leaf a grader moves itself into (see the module docstring)
V1_CONTROLLERS = ("memory", "pids", "cpu", "cpuacct", "freezer")  # the hierarchies v1 groups are made in
REQUIRED = ("memory", "pids", "cpu")
# <pid>-<start time>-<pid namespace inode> of the grader process that made it, then a number and a label
NAME_RE = re.compile(rf"^{PREFIX}-(\d+)-(\d+)-(\d+)-\d+(?:-[A-Za-z0-9_.-]*)?$")
SUPERVISOR_RE = re.compile(rf"^{SUPERVISOR_PREFIX}(\d+)-(\d+)-(\d+)$")


class CgroupError(RuntimeError):
    """A cgroup operation failed unexpectedly (the hierarchy was usable)."""


class CgroupUnavailable(CgroupError):
    """No usable cgroup here; .reason says why and what to do (for the grader's warning)."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


# --- small file helpers ----------------------------------------------------------------------------------------

def read_control(path: Path) -> str:
    with open(path, encoding="utf-8", errors="replace") as handle:  # utf-8: no codec import
        return handle.read()


def write_control(path: Path, value: str | int) -> None:
    """Write one value to a control file (no O_CREAT: a missing file is an error, never a new file)."""
    data = str(value).encode()
    try:
        fd = os.open(path, os.O_WRONLY)
        try:
            os.write(fd, data)
        finally:
            os.close(fd)
    except OSError as error:
        raise CgroupError(f"cannot write {str(value)!r} to {path}: {error.strerror} (errno {error.errno})") from error


def keyed_values(text: str) -> dict[str, int]:
    """'key value' lines (memory.events, cpu.stat, memory.oom_control...) as a dict of ints."""
    values = {}
    for line in text.splitlines():
        parts = line.split()
        if len(parts) == 2 and parts[1].lstrip("-").isdigit():
            values[parts[0]] = int(parts[1])
    return values


def pids_in(path: Path) -> set[int]:
    try:
        return {int(line) for line in read_control(path).split()}
    except FileNotFoundError:
        return set()


def pid_namespace(proc: Path = Path("/proc")) -> int:
    """Inode of our PID namespace: pids in group names mean something only to graders in the same one."""
    return os.stat(proc / "self" / "ns" / "pid").st_ino


def owner_tag() -> str:
    """<pid>-<start time>-<pid namespace> of this process: which grader made a group (and is it still alive)."""
    return f"{os.getpid()}-{process_start_time()}-{pid_namespace()}"


def process_start_time(pid: int | str = "self", proc: Path = Path("/proc")) -> int | None:
    """Start time of a process in clock ticks since boot (field 22 of /proc/<pid>/stat), None if it is gone."""
    try:
        stat = read_control(proc / str(pid) / "stat")
    except OSError:
        return None
    return int(stat[stat.rindex(")") + 2:].split()[19])  # the comm field may contain spaces and ")"


# --- where the hierarchies are --------------------------------------------------------------------------------

@dataclass(frozen=True)
class Layout:
    """Where sandbox groups are made. version 1: one base folder per controller (each v1 hierarchy); version 2:
    one base folder (controllers = those in its cgroup.controllers). `own` is our own group's folder (v2) or None.
    `problem` is set when groups cannot be made here (then create() raises CgroupUnavailable with it)."""

    version: int
    bases: dict[str, Path] = field(default_factory=dict)  # controller -> base folder (v2: all the same folder)
    own: Path | None = None
    problem: str | None = None

    @staticmethod
    def detect(mountinfo: Path = Path("/proc/self/mountinfo"), self_cgroup: Path = Path("/proc/self/cgroup"),
               proc: Path = Path("/proc")) -> Layout:
        """v1 if a v1 hierarchy has the memory controller (hybrid systems keep memory in v1), else v2."""
        try:
            mounts = cgroup_mounts(read_control(mountinfo))
            membership = read_control(self_cgroup)
        except OSError as error:
            return Layout(0, problem=f"cannot read {error.filename}: {error.strerror}")
        v1_paths, v2_path = {}, None
        for line in membership.splitlines():
            hierarchy, controllers, path = line.split(":", 2)
            if hierarchy == "0" and controllers == "":
                v2_path = path
            for controller in controllers.split(","):
                if controller:
                    v1_paths[controller] = path
        v1_mounts = [m for m in mounts if m[0] == "cgroup"]
        if any("memory" in options for _, _, _, options in v1_mounts):
            bases = {}
            for controller in V1_CONTROLLERS:
                for _, root, mountpoint, options in v1_mounts:
                    if controller in options and controller in v1_paths:
                        folder = folder_of(mountpoint, root, v1_paths[controller])
                        if folder is not None:
                            bases[controller] = folder
                            break
            return Layout(1, bases)
        v2_mounts = [m for m in mounts if m[0] == "cgroup2"]
        if not v2_mounts or v2_path is None:
            return Layout(0, problem="no cgroup file system is mounted (neither a v1 memory hierarchy nor cgroup2 "
                                     "in /proc/self/mountinfo)")
        for _, root, mountpoint, _ in v2_mounts:
            own = folder_of(mountpoint, root, v2_path)
            if own is not None:
                base = own.parent if SUPERVISOR_RE.match(own.name) else own
                controllers = v2_controllers(base)
                return Layout(2, {controller: base for controller in controllers} or {"": base}, own)
        return Layout(0, problem=f"our cgroup v2 group {v2_path} is not visible under any cgroup2 mount")

    @staticmethod
    def at(version: int, base: Path) -> Layout:
        """A layout with every controller's base at one folder (tests; or an explicitly configured group)."""
        if version == 1:
            return Layout(1, {controller: base / controller for controller in V1_CONTROLLERS})
        return Layout(2, {controller: base for controller in v2_controllers(base) or [""]}, own=base)

    def describe(self) -> str:
        if self.problem:
            return f"no cgroups: {self.problem}"
        places = sorted({str(path) for path in self.bases.values()})
        return f"cgroup v{self.version}: {', '.join(sorted(c for c in self.bases if c))} under {', '.join(places)}"


def _unescape(text: str) -> str:
    return re.sub(r"\\([0-7]{3})", lambda match: chr(int(match.group(1), 8)), text)


def cgroup_mounts(mountinfo: str) -> list[tuple[str, str, Path, set[str]]]:
    """(fstype, root inside the hierarchy, mount point, controllers/options) of every cgroup mount."""
    mounts = []
    for line in mountinfo.splitlines():
        left, _, right = line.partition(" - ")
        fields, tail = left.split(), right.split()
        if len(fields) < 5 or len(tail) < 3 or tail[0] not in ("cgroup", "cgroup2"):
            continue
        mounts.append((tail[0], _unescape(fields[3]), Path(_unescape(fields[4])), set(tail[2].split(","))))
    return mounts


def folder_of(mountpoint: Path, root: str, path: str) -> Path | None:
    """The folder of cgroup `path` under a mount of the hierarchy at `root`, None if the mount does not show it."""
    relative = os.path.relpath(path, root)
    if relative == ".":
        return mountpoint
    if relative.startswith(".."):
        return None
    return mountpoint / relative


def v2_controllers(folder: Path) -> list[str]:
    try:
        return read_control(folder / "cgroup.controllers").split()
    except OSError:
        return []



def make_folder(folder: Path) -> None:
    try:
        os.mkdir(folder, 0o755)
    except OSError as error:
        if error.errno in (errno.EACCES, errno.EPERM):
            raise CgroupUnavailable(f"no permission to make {folder} (the grader is not root, or the cgroup is not "
                                    f"delegated to it)") from error
        if error.errno == errno.EROFS:
            raise CgroupUnavailable(f"{folder.parent} is on a read-only file system (a container with "
                                    f"/sys/fs/cgroup mounted read-only?)") from error
        if error.errno == errno.ENOENT:
            raise CgroupUnavailable(f"{folder.parent} does not exist") from error
        raise CgroupError(f"cannot make {folder}: {error.strerror}") from error


def swap_total(meminfo: Path = Path("/proc/meminfo")) -> int:
    try:
        return keyed_values(read_control(meminfo).replace(":", " ").replace(" kB", "")).get("SwapTotal", 0) * 1024
    except OSError:
        return 0


# --- cgroup v2: controllers in our subtree --------------------------------------------------------------------

_v2_lock = threading.Lock()


def prepare_v2(layout: Layout, needed: set[str]) -> Layout:
    """Make sure `needed` controllers are enabled for children of the base folder, moving this process into a leaf
    of its own group when it is that group's only process. Never moves or reorganises other processes."""
    with _v2_lock:
        base = next(iter(layout.bases.values()))
        available = set(v2_controllers(base))
        missing = needed - available
        if missing:
            raise CgroupUnavailable(f"cgroup v2: controller(s) {', '.join(sorted(missing))} are not delegated to "
                                    f"{base} (its cgroup.controllers: {' '.join(sorted(available)) or 'none'})")
        enabled = set(read_control(base / "cgroup.subtree_control").split())
        if needed <= enabled:
            return Layout(2, {c: base for c in available}, layout.own)
        request = " ".join(f"+{c}" for c in sorted(needed - enabled))
        try:
            write_control(base / "cgroup.subtree_control", request)
            return Layout(2, {c: base for c in available}, layout.own)
        except CgroupError as error:
            cause = error.__cause__
            if not isinstance(cause, OSError) or cause.errno not in (errno.EBUSY, errno.EACCES, errno.EPERM,
                                                                     errno.EROFS):
                raise
            if cause.errno != errno.EBUSY:
                raise CgroupUnavailable(f"cgroup v2: cannot enable {request} in {base}/cgroup.subtree_control: "
                                        f"{cause.strerror} (not root, or not delegated to us)") from error
        # EBUSY: the base holds processes (the no-internal-processes rule). Only if the only one is us, move us.
        others = pids_in(base / "cgroup.procs") - {os.getpid()}
        if base != layout.own or others:
            raise CgroupUnavailable(
                f"cgroup v2: {base} holds other processes ({len(others)} besides this one), so it cannot get "
                f"child groups with controllers (no internal processes rule) and they are not ours to move. Start "
                f"the grader in a group of its own, e.g. `systemd-run --scope -p Delegate=yes <grader command>` "
                f"(or a systemd service with Delegate=yes; in a container: the grader as its only process)")
        leaf = base / f"{SUPERVISOR_PREFIX}{owner_tag()}"
        make_folder(leaf)
        try:
            write_control(leaf / "cgroup.procs", 0)  # all our threads move with us
            write_control(base / "cgroup.subtree_control", request)
        except CgroupError as error:  # someone joined the base meanwhile: go back, leave things as they were
            try:
                write_control(base / "cgroup.procs", 0)
                os.rmdir(leaf)
            except (CgroupError, OSError):
                pass
            raise CgroupUnavailable(f"cgroup v2: could not delegate {base} to sandboxes ({error})") from error
        return Layout(2, {c: base for c in available}, leaf)


# --- leftovers of crashed graders -----------------------------------------------------------------------------

def cleanup_stale(layout: Layout | None = None, proc: Path = Path("/proc")) -> list[Path]:
    """Kill and remove groups (and v2 grader leaves) made by grader processes of our PID namespace that no longer
    exist (pid, start time and namespace are in the name). Returns the folders removed. Other groups are never
    touched: a live grader's, another namespace's, anything not named by this module."""
    layout = layout or Layout.detect()
    if layout.problem:
        return []
    our_namespace = pid_namespace(proc)
    removed = []
    for base in dict.fromkeys(layout.bases.values()):
        try:
            names = os.listdir(base)
        except OSError:
            continue
        for name in names:
            match = NAME_RE.match(name) or SUPERVISOR_RE.match(name)
            if not match:
                continue
            pid, start, namespace = (int(part) for part in match.groups())
            if namespace != our_namespace:
                continue  # made by a grader in another PID namespace (a container): its pid means nothing here
            if process_start_time(pid, proc) == start:
                continue  # its grader is alive
            folder = base / name
            if SUPERVISOR_RE.match(name) and pids_in(folder / "cgroup.procs"):
                continue  # a dead grader's leaf that still holds its forked workers: theirs, not stale
            if remove_stale_folder(folder, kill=not SUPERVISOR_RE.match(name)):
                removed.append(folder)
    return removed


def remove_stale_folder(folder: Path, kill: bool, timeout: float = 5.0) -> bool:
    """SIGKILL what is left in a stale sandbox group (until it is empty) and remove it; False if it will not go."""
    deadline = time.monotonic() + timeout
    while True:
        if kill:
            for pid in pids_in(folder / "cgroup.procs"):
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
        try:
            os.rmdir(folder)
            return True
        except FileNotFoundError:
            return False
        except OSError as error:
            if error.errno != errno.EBUSY or time.monotonic() > deadline:
                return False
        time.sleep(0.02)


