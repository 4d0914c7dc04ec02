"""autograde/sandbox/cgroups.py on the real kernel: run as root on a machine with writable cgroups (CI: cgroup v1);
the tests that need them skip themselves elsewhere, with the reason.

Every test makes its groups with small limits (256 MiB), runs a few seconds at most, and kills and removes what it
made (the `groups` fixture; a last test checks that no group of this process is left).
"""

import ctypes
import errno
import os
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from autograde.course import REPO
from autograde.sandbox import cgroup_tree, cgroups
from autograde.sandbox.cgroups import CgroupUnavailable, Layout, SandboxCgroup

MIB = 1 << 20
LIMIT = 256 * MIB
PY = sys.executable
LAYOUT = Layout.detect()
_probe, WHY_NOT = (None, "not root") if os.geteuid() else SandboxCgroup.try_create("probe", 64 * MIB, 8, 1.0)
if _probe:
    _probe.remove()
needs_cgroups = pytest.mark.skipif(_probe is None, reason=f"no usable cgroups here: {WHY_NOT}")
needs_bwrap = pytest.mark.skipif(shutil.which("bwrap") is None, reason="bwrap is not installed")
needs_unshare = pytest.mark.skipif(shutil.which("unshare") is None, reason="unshare(1) is not installed")

libc = ctypes.CDLL(None, use_errno=True)
IPC_RMID = 0


@pytest.fixture
def groups():
    """make(label, **limits) -> group; every group made is killed and removed after the test, and checked gone."""
    made = []

    def make(label, memory_bytes=LIMIT, max_pids=64, cpus=None, **kwargs):
        group = SandboxCgroup.create(label, memory_bytes, max_pids, cpus, **kwargs)
        made.append(group)
        return group

    yield make
    for group in made:
        group.remove()
        assert not any(folder.exists() for folder in group.folders.values())


def run(group, code, *, prefix=(), timeout=60, env=None, python=PY):
    """Run python code in the group (prefix: e.g. unshare/bwrap in front of python)."""
    argv = [*prefix, python, "-c", textwrap.dedent(code)]
    return subprocess.run(group.wrap(argv), capture_output=True, text=True, timeout=timeout, env=env)


def sysv_segments() -> dict[int, int]:
    """shmid -> size of the SysV segments of our IPC namespace."""
    lines = Path("/proc/sysvipc/shm").read_text().splitlines()[1:]
    return {int(line.split()[1]): int(line.split()[3]) for line in lines}


def wait_for(predicate, timeout=5.0):
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def assert_oom_killed(result, group):
    # bwrap reports its child's death by a signal as exit status 128 + signal
    assert result.returncode in (-signal.SIGKILL, 128 + signal.SIGKILL), (result.returncode, result.stdout,
                                                                           result.stderr)
    assert "survived" not in result.stdout
    assert group.oom_killed(), group.summary()
    assert group.peak_memory() <= LIMIT, group.summary()
    print(f"\n    {group.summary()}")


# --- memory: every kind of memory is charged and bounded ------------------------------------------------------

@needs_cgroups
def test_the_join_shim_puts_the_process_in_every_hierarchy(groups):
    group = groups("join")
    result = run(group, "print(open('/proc/self/cgroup').read())")
    assert result.returncode == 0, result.stderr
    names = {line.split(":", 2)[1]: line.split(":", 2)[2] for line in result.stdout.split()}
    for controller in ("memory", "pids", "cpu", "freezer") if group.version == 1 else ("",):
        assert names[controller].endswith(group.folders.get(controller or "memory").name), (controller, names)


@needs_cgroups
def test_a_failed_join_never_runs_the_command(groups, tmp_path):
    group = groups("badjoin")
    marker = tmp_path / "ran"
    argv = group.wrap(["touch", str(marker)])
    argv[argv.index("--") - 1] = str(tmp_path / "no-such-cgroup.procs")
    result = subprocess.run(argv, capture_output=True, text=True, timeout=30)
    assert result.returncode == cgroups.JOIN_FAILED and "cannot enter" in result.stderr
    assert not marker.exists()


@needs_cgroups
def test_a_anonymous_memory_past_the_limit_is_oom_killed(groups):
    group = groups("anon")
    result = run(group, "data = b'x' * (512 << 20)\nprint('survived')")
    assert_oom_killed(result, group)


@needs_cgroups
@pytest.mark.parametrize("how", ["write", "mmap"])
def test_b_memfd_past_the_limit_is_stopped(groups, how):
    """memfd pages are shmem: charged to the group that writes them though no process maps them (write)."""
    group = groups(f"memfd-{how}")
    result = run(group, f"""
        import os, mmap
        size = 512 << 20
        fd = os.memfd_create('hog')
        os.ftruncate(fd, size)                      # sparse: costs nothing yet
        if {how!r} == 'write':
            chunk = b'x' * (1 << 20)
            os.lseek(fd, 0, 0)
            for _ in range(size >> 20):
                os.write(fd, chunk)
        else:
            view = mmap.mmap(fd, size)
            for offset in range(0, size, 4096):
                view[offset] = 1
        print('survived')
        """)
    assert_oom_killed(result, group)


SYSV_HOG = """
    import ctypes, sys
    libc = ctypes.CDLL(None, use_errno=True)
    libc.shmat.restype = ctypes.c_void_p
    size = {size}
    shmid = libc.shmget(0, ctypes.c_size_t(size), 0o1600)  # IPC_PRIVATE, IPC_CREAT | 0600
    assert shmid >= 0, ctypes.get_errno()
    print(shmid, flush=True)
    address = libc.shmat(shmid, None, 0)
    for offset in range(0, size, 1 << 20):
        ctypes.memset(address + offset, 1, 1 << 20)
    print('survived', flush=True)
    """


@needs_cgroups
def test_c_sysv_shm_past_the_limit_is_stopped_but_outlives_the_group_without_an_ipc_namespace(groups):
    """A SysV segment belongs to the IPC namespace, not to a process: killed or not, its pages stay (and stay
    charged, to the removed group's ancestors) until IPC_RMID or the namespace's end."""
    group = groups("sysv")
    result = run(group, SYSV_HOG.format(size=512 * MIB))
    shmid = int(result.stdout.split()[0])
    try:
        assert_oom_killed(result, group)
        assert shmid in sysv_segments(), "the segment died with its process?"
        assert not group.pids()
        held = group.memory_usage()
        print(f"    no process left, segment {shmid} still holds {held >> 20} MiB charged to the group")
        assert held > 128 * MIB
    finally:
        assert libc.shmctl(shmid, IPC_RMID, None) == 0 or ctypes.get_errno() == errno.EINVAL
    assert wait_for(lambda: group.memory_usage() < 16 * MIB), group.memory_usage()


@needs_cgroups
@needs_unshare
def test_c_sysv_shm_in_an_ipc_namespace_is_freed_with_the_namespace(groups):
    """bwrap --unshare-ipc (the sandbox) or unshare --ipc: the namespace ends with its last process, so do its
    segments, and the memory is uncharged."""
    group = groups("sysv-ns")
    before = sysv_segments()
    result = run(group, SYSV_HOG.format(size=512 * MIB), prefix=["unshare", "--ipc"])
    assert_oom_killed(result, group)
    assert sysv_segments() == before  # never visible outside the namespace
    assert wait_for(lambda: group.memory_usage() < 16 * MIB), f"still charged: {group.memory_usage() >> 20} MiB"
    print(f"    after the namespace ended: {group.memory_usage() >> 20} MiB charged")


@needs_cgroups
def test_c_posix_shm_in_dev_shm_past_the_limit_is_stopped(groups):
    """POSIX shm is a file on the /dev/shm tmpfs (shm_open = open there); multiprocessing.shared_memory does the
    same but its resource tracker (a process of the group) would unlink the file, so plain files here."""
    group = groups("posix-shm")
    path = Path(f"/dev/shm/cnn1d-test-{os.getpid()}")
    try:
        result = run(group, f"""
            import mmap, os
            size = 512 << 20
            fd = os.open({str(path)!r}, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o600)
            os.ftruncate(fd, size)
            view = mmap.mmap(fd, size)
            for offset in range(0, size, 4096):
                view[offset] = 1
            print('survived')
            """)
        assert_oom_killed(result, group)
        held = group.memory_usage()
        print(f"    the file outlives the process: {held >> 20} MiB still charged")
        assert path.exists() and held > 128 * MIB
    finally:
        path.unlink(missing_ok=True)
    assert wait_for(lambda: group.memory_usage() < 16 * MIB)


@needs_cgroups
@needs_unshare
def test_d_tmpfs_files_past_the_limit_are_stopped(groups, tmp_path):
    """A 1 GiB tmpfs (private mount namespace: gone with the process) filled past the 256 MiB limit."""
    group = groups("tmpfs")
    write = (f"with open('{tmp_path}/fill', 'wb') as f:\n    for _ in range(512):\n        f.write(b'x' * (1 << 20))\n"
             "print('survived')")
    shell = f"mount -t tmpfs -o size=1g cnn1d-test {tmp_path} && exec {PY} -c \"$0\""
    result = subprocess.run(group.wrap(["unshare", "--mount", "--propagation", "private", "sh", "-c", shell,
                                        write]), capture_output=True, text=True, timeout=60)
    assert_oom_killed(result, group)
    assert not os.listdir(tmp_path)  # the tmpfs was private to the killed process
    assert wait_for(lambda: group.memory_usage() < 16 * MIB)


# --- processes ----------------------------------------------------------------------------------------------------

@needs_cgroups
def test_e_pids_max_stops_a_fork_bomb_and_kill_all_ends_it(groups):
    group = groups("forkbomb", max_pids=32)
    bomb = subprocess.Popen(group.wrap([PY, "-c", textwrap.dedent("""
        import os, time
        end = time.monotonic() + 2
        while time.monotonic() < end:
            try:
                os.fork()
            except OSError:
                time.sleep(0.001)
        time.sleep(60)
        """)]), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        time.sleep(2.5)
        current = int((group.folders["pids"] / "pids.current").read_text())
        refused = group.pids_limit_hits()
        print(f"\n    fork bomb: {current} tasks (pids.max 32), {refused} forks refused")
        assert current <= 32 and refused > 0
        start = time.monotonic()
        group.kill_all()
        print(f"    kill_all: {time.monotonic() - start:.3f} s")
        assert not group.pids()
    finally:
        bomb.kill()
        bomb.wait()


@needs_cgroups
def test_g_kill_all_ends_daemons_that_left_the_session_and_remove_deletes_the_folders(groups):
    group = groups("daemons")
    parent = subprocess.Popen(group.wrap([PY, "-c", textwrap.dedent("""
        import os, signal, time, threading
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        for _ in range(3):
            if os.fork() == 0:              # double fork + setsid: a daemon, reparented away from us
                os.setsid()
                if os.fork() == 0:
                    threading.Thread(target=time.sleep, args=(60,), daemon=True).start()
                    time.sleep(60)
                os._exit(0)
        print('ready', flush=True)
        time.sleep(60)
        """)]), stdout=subprocess.PIPE, text=True)
    try:
        assert parent.stdout.readline().strip() == "ready"
        assert wait_for(lambda: len(group.pids()) == 4)
        members = group.pids()
        group.kill_all()
        assert not group.pids()
        parent.wait(timeout=5)
        assert parent.returncode == -signal.SIGKILL
        for pid in members - {parent.pid}:
            assert wait_for(lambda pid=pid: not Path(f"/proc/{pid}").exists()), f"{pid} survived"
        group.remove()
        assert not any(folder.exists() for folder in group.folders.values())
        group.remove()  # twice is fine
    finally:
        parent.kill()
        parent.wait()


# --- CPU ----------------------------------------------------------------------------------------------------------

BUSY_THREADS = """
    import hashlib, threading, time
    data = b'x' * (1 << 20)
    end = time.monotonic() + {seconds}
    def spin():
        while time.monotonic() < end:
            hashlib.sha256(data).digest()   # releases the GIL: the threads really run in parallel
    threads = [threading.Thread(target=spin) for _ in range(8)]
    wall, cpu = time.monotonic(), time.process_time()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    print((time.process_time() - cpu) / (time.monotonic() - wall))
    """


def test_f_baseline_eight_threads_use_more_than_one_core():
    """Without a group the same workload uses the machine's cores (else the next tests would prove nothing)."""
    if (os.cpu_count() or 1) < 2:
        pytest.skip("one core: nothing to share")
    cores = float(subprocess.run([PY, "-c", textwrap.dedent(BUSY_THREADS.format(seconds=1.5))],
                                 capture_output=True, text=True, timeout=30).stdout)
    print(f"\n    no group: {cores:.2f} cores")
    if cores < 1.3:
        pytest.skip(f"the machine is busy ({cores:.2f} cores for 8 threads): no contrast to show")


@needs_cgroups
@pytest.mark.parametrize("cpus", [1.0, 0.5])
def test_f_cpu_quota_caps_eight_busy_threads(groups, cpus):
    group = groups(f"cpu-{cpus}", cpus=cpus)
    result = run(group, BUSY_THREADS.format(seconds=3))
    cores = float(result.stdout)
    print(f"\n    cpus={cpus}: 8 threads used {cores:.2f} cores, {group.cpu_throttled()} periods throttled, "
          f"group CPU {group.cpu_seconds():.2f} s")
    assert cores <= cpus * 1.1 + 0.03, cores
    if cores >= cpus * 0.9:  # got its whole share: then the quota, not the machine's load, is what stopped it
        assert group.cpu_throttled() > 0


@needs_cgroups
def test_f_openblas_threads_raised_with_threadpoolctl_are_capped(groups):
    check = subprocess.run([PY, "-c", "import numpy, threadpoolctl"], capture_output=True)
    if check.returncode:
        pytest.skip(f"{PY} has no numpy + threadpoolctl")
    group = groups("blas", cpus=1.0)
    result = run(group, """
        import time, numpy as np
        from threadpoolctl import threadpool_limits, threadpool_info
        a = np.random.rand(600, 600)
        with threadpool_limits(limits=8, user_api='blas'):
            threads = [info['num_threads'] for info in threadpool_info() if info['user_api'] == 'blas']
            wall, cpu = time.monotonic(), time.process_time()
            while time.monotonic() - wall < 3:
                a @ a
            print(threads, (time.process_time() - cpu) / (time.monotonic() - wall))
        """, env={**os.environ, "OPENBLAS_NUM_THREADS": "1"})
    assert result.returncode == 0, result.stderr
    threads, cores = result.stdout.rsplit(" ", 1)
    print(f"\n    OpenBLAS threads {threads} (OPENBLAS_NUM_THREADS=1 raised by threadpoolctl): {float(cores):.2f} "
          f"cores, {group.cpu_throttled()} periods throttled")
    assert "8" in threads
    assert float(cores) <= 1.13


# --- bwrap: the sandbox and everything in it stays in the group --------------------------------------------------

BWRAP = ["bwrap", "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc", "--unshare-pid", "--unshare-ipc",
         "--unshare-net", "--die-with-parent", "--new-session"]


def process_children() -> dict[int, list[int]]:
    """pid -> its children's pids, for every process on the machine (from /proc/<pid>/stat)."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            children.setdefault(int(stat[stat.rindex(")") + 2:].split()[1]), []).append(int(entry))
    return children


def descendants(root: int) -> set[int]:
    children = process_children()
    found, todo = set(), [root]
    while todo:
        pid = todo.pop()
        found.add(pid)
        todo += children.get(pid, [])
    return found


@needs_cgroups
@needs_bwrap
def test_bwrap_and_all_its_children_are_in_the_group(groups):
    group = groups("bwrap")
    sandbox = subprocess.Popen(group.wrap([*BWRAP, "--", "sh", "-c",
                                           "sleep 60 & (sleep 60 &) ; setsid sleep 60 & echo started; wait"]),
                               stdout=subprocess.PIPE, text=True)
    try:
        assert sandbox.stdout.readline().strip() == "started"
        assert wait_for(lambda: len(descendants(sandbox.pid)) >= 6)
        tree = descendants(sandbox.pid)  # bwrap, its pid-1 child, sh, 3 sleeps
        print(f"\n    bwrap tree {sorted(tree)}; group {sorted(group.pids())}")
        assert tree <= group.pids()
        group.kill_all()
        assert not group.pids()
        sandbox.wait(timeout=5)
    finally:
        sandbox.kill()
        sandbox.wait()


@needs_cgroups
@needs_bwrap
def test_bwrap_sandbox_sysv_shm_and_tmpfs_are_bounded_and_freed(groups):
    """The autograde sandbox's own namespaces: SysV shm (--unshare-ipc) and a --tmpfs both die with it."""
    group = groups("bwrap-mem")
    result = run(group, SYSV_HOG.format(size=512 * MIB), prefix=[*BWRAP, "--"])
    assert_oom_killed(result, group)
    assert wait_for(lambda: group.memory_usage() < 16 * MIB), group.memory_usage()
    # a tmpfs at /dev/shm, not /tmp: the venv running the test may live under /tmp (a checkout there)
    result = run(group, "with open('/dev/shm/f', 'wb') as f:\n    for _ in range(512):\n"
                        "        f.write(b'x' * (1 << 20))\nprint('survived')",
                 prefix=[*BWRAP, "--size", str(1 << 30), "--tmpfs", "/dev/shm", "--"])
    assert result.returncode == 128 + signal.SIGKILL and "survived" not in result.stdout, result
    assert group.oom_kills() == 2
    assert wait_for(lambda: group.memory_usage() < 16 * MIB), group.memory_usage()


# --- no usable cgroup: a clear reason, nothing made ---------------------------------------------------------------

def test_h_nonexistent_cgroup_root_gives_a_reason():
    group, reason = SandboxCgroup.try_create("x", LIMIT, 16, 1.0, layout=Layout.at(1, Path("/nonexistent/cg")))
    assert group is None and "does not exist" in reason, reason
    group, reason = SandboxCgroup.try_create("x", LIMIT, 16, 1.0, layout=Layout.at(2, Path("/nonexistent/cg")))
    assert group is None and "not delegated" in reason, reason


def test_h_no_cgroup_mount_gives_a_reason(tmp_path):
    (tmp_path / "mountinfo").write_text("22 1 0:21 / /proc rw - proc proc rw\n")
    (tmp_path / "cgroup").write_text("0::/\n")
    layout = Layout.detect(tmp_path / "mountinfo", tmp_path / "cgroup")
    with pytest.raises(CgroupUnavailable, match="no cgroup file system"):
        SandboxCgroup.create("x", LIMIT, 16, 1.0, layout=layout)


TRY_CREATE = (f"import sys; sys.path.insert(0, {str(REPO)!r}); from autograde.sandbox import cgroups; import os; "
              "os.setgroups([]) if USER else None; os.setgid(USER) if USER else None; "
              "os.setuid(USER) if USER else None; "
              "print(cgroups.SandboxCgroup.try_create('x', 256 << 20, 16, 1.0)[1])")


@needs_cgroups
def test_h_non_root_gives_a_reason():
    result = subprocess.run([sys.executable, "-c", "USER = 65534; " + TRY_CREATE],  # nobody, after the imports
                            capture_output=True, text=True, timeout=30)
    assert "no permission" in result.stdout, result


@needs_cgroups
@needs_unshare
def test_h_read_only_cgroupfs_gives_a_reason():
    """/sys/fs/cgroup/* remounted read-only in a private mount namespace (gone when the command ends)."""
    mounts = sorted({str(mount[2]) for mount in cgroup_tree.cgroup_mounts(Path("/proc/self/mountinfo").read_text())})
    remount = " && ".join(f"mount -o remount,bind,ro {path}" for path in mounts)
    result = subprocess.run(["unshare", "--mount", "--propagation", "private", "sh", "-c",
                             f'{remount} && exec {sys.executable} -c "$0"', "USER = 0; " + TRY_CREATE],
                            capture_output=True, text=True, timeout=30)
    assert "read-only file system" in result.stdout, result


# --- cgroup v2 --------------------------------------------------------------------------------------------------

def v2_hierarchy() -> Path | None:
    """Our own group in a mounted cgroup2 hierarchy (on a hybrid v1 machine: /sys/fs/cgroup/unified)."""
    own = next((line[3:] for line in Path("/proc/self/cgroup").read_text().splitlines() if line.startswith("0::")),
               None)
    for fstype, root, mountpoint, _ in cgroup_tree.cgroup_mounts(Path("/proc/self/mountinfo").read_text()):
        if fstype == "cgroup2" and own is not None:
            folder = cgroup_tree.folder_of(mountpoint, root, own)
            if folder is not None and os.access(folder, os.W_OK):
                return folder
    return None


@pytest.mark.skipif(os.geteuid() != 0 or v2_hierarchy() is None, reason="no writable cgroup2 hierarchy")
def test_v2_join_kill_and_remove_on_the_real_cgroup2_hierarchy(groups):
    """Join, cgroup.kill and removal on the real v2 hierarchy (here without controllers: a hybrid machine keeps
    memory/pids/cpu in v1; the limits' v2 files are checked on a fake tree below)."""
    group = groups("v2", layout=Layout.at(2, v2_hierarchy()), require=())
    assert group.version == 2 and (group.procs_files()[0].parent / "cgroup.kill").exists()
    sandbox = subprocess.Popen(group.wrap([PY, "-c", "import os, time\nfor _ in range(4):\n    os.fork()\n"
                                                     "print('forked', flush=True)\ntime.sleep(60)"]),
                               stdout=subprocess.PIPE, text=True)
    try:
        sandbox.stdout.readline()
        assert wait_for(lambda: len(group.pids()) == 16)
        group.kill_all()
        assert not group.pids() and "populated 0" in (group.procs_files()[0].parent / "cgroup.events").read_text()
    finally:
        sandbox.kill()
        sandbox.wait()


def fake_v2(tmp_path, monkeypatch, subtree="memory pids cpu", procs=""):
    """A fake cgroup2 folder: control files are plain files; mkdir makes a group's control files."""
    base = tmp_path / "cg"
    base.mkdir()
    (base / "cgroup.controllers").write_text("cpu io memory pids\n")
    (base / "cgroup.subtree_control").write_text(subtree + "\n")
    (base / "cgroup.procs").write_text(procs)
    real_mkdir = cgroup_tree.make_folder

    def mkdir(folder):
        real_mkdir(folder)
        for name in ("cgroup.procs", "cgroup.controllers", "cgroup.subtree_control", "cgroup.kill",
                     "cgroup.events", "memory.max", "memory.swap.max", "memory.events", "pids.max", "cpu.max"):
            (folder / name).write_text("")
    monkeypatch.setattr(cgroup_tree, "make_folder", mkdir)
    return base


def test_v2_limits_are_written_to_the_v2_files(tmp_path, monkeypatch):
    base = fake_v2(tmp_path, monkeypatch)
    group = SandboxCgroup.create("fake", 300 * MIB, 40, 1.5, layout=Layout.at(2, base))
    folder = group.procs_files()[0].parent
    assert folder.parent == base and folder.name.startswith(f"cnn1d-{os.getpid()}-")
    assert (folder / "memory.max").read_text() == str(300 * MIB)
    assert (folder / "memory.swap.max").read_text() == "0"
    assert (folder / "pids.max").read_text() == "40"
    assert (folder / "cpu.max").read_text() == "150000 100000"
    argv = group.wrap(["true"])
    assert argv[argv.index("--") - 1] == str(folder / "cgroup.procs") and argv[-1] == "true"


def test_v2_a_group_shared_with_other_processes_is_never_reorganised(tmp_path, monkeypatch):
    """No internal processes: enabling controllers in a group with processes fails (EBUSY). If other processes
    are there, nothing is moved and the reason says how to start the grader."""
    base = fake_v2(tmp_path, monkeypatch, subtree="", procs=f"{os.getpid()}\n1234\n")
    real_write = cgroup_tree.write_control

    def write(path, value):
        if path.name == "cgroup.subtree_control" and path.parent == base and (base / "cgroup.procs").read_text():
            raise cgroup_tree.CgroupError("busy") from OSError(errno.EBUSY, "Device or resource busy")
        real_write(path, value)
    monkeypatch.setattr(cgroup_tree, "write_control", write)
    with pytest.raises(CgroupUnavailable, match="Delegate=yes"):
        SandboxCgroup.create("fake", LIMIT, 16, 1.0, layout=Layout.at(2, base))
    assert sorted(p.name for p in base.iterdir() if p.is_dir()) == []
    # alone in the group: the grader moves itself into a leaf, then the controllers can be enabled
    (base / "cgroup.procs").write_text(f"{os.getpid()}\n")

    def write_alone(path, value):
        if path.name == "cgroup.procs" and path.parent.name.startswith(cgroup_tree.SUPERVISOR_PREFIX):
            (base / "cgroup.procs").write_text("")  # the kernel moves us out of the base
        write(path, value)
    monkeypatch.setattr(cgroup_tree, "write_control", write_alone)
    group = SandboxCgroup.create("fake", LIMIT, 16, 1.0, layout=Layout.at(2, base))
    leaves = [p.name for p in base.iterdir() if p.name.startswith(cgroup_tree.SUPERVISOR_PREFIX)]
    assert len(leaves) == 1 and (base / leaves[0] / "cgroup.procs").read_text() == "0"
    assert (base / "cgroup.subtree_control").read_text() == "+cpu +memory +pids"
    assert group.procs_files()[0].parent.parent == base


# --- leftovers ----------------------------------------------------------------------------------------------------

@needs_cgroups
def test_stale_groups_of_a_dead_grader_are_killed_and_removed(groups):
    dead = subprocess.Popen(["sleep", "60"])
    dead_start = cgroup_tree.process_start_time(dead.pid)
    dead.kill()
    dead.wait()
    name = f"cnn1d-{dead.pid}-{dead_start}-{cgroup_tree.pid_namespace()}-1-stale"
    elsewhere = f"cnn1d-{dead.pid}-{dead_start}-{cgroup_tree.pid_namespace() + 1}-1-other-namespace"
    folders = [base / name for base in dict.fromkeys(LAYOUT.bases.values())]
    other = LAYOUT.bases["memory"] / elsewhere
    for folder in folders + [other]:
        folder.mkdir()
    orphan = subprocess.Popen([sys.executable, "-I", "-S", "-c", cgroups.JOIN_SHIM,
                               *[str(f / "cgroup.procs") for f in folders], "--", "sleep", "60"])
    live = groups("live")
    try:
        assert wait_for(lambda: orphan.pid in cgroup_tree.pids_in(folders[0] / "cgroup.procs"))
        removed = cgroups.cleanup_stale()
        assert set(folders) <= set(removed), removed
        assert not any(folder.exists() for folder in folders)
        assert orphan.wait(timeout=5) == -signal.SIGKILL
        assert all(folder.exists() for folder in live.folders.values())  # ours: alive
        assert other.exists()  # a grader of another PID namespace: not ours to judge
    finally:
        orphan.kill()
        orphan.wait()
        for folder in folders + [other]:
            if folder.exists():
                folder.rmdir()


def test_zz_no_group_of_this_process_is_left():
    """Runs last (file order): every group the tests made is gone."""
    if LAYOUT.problem:
        pytest.skip(LAYOUT.problem)
    mine = f"cnn1d-{os.getpid()}-"
    left = [base / name for base in dict.fromkeys(LAYOUT.bases.values()) if base.is_dir()
            for name in os.listdir(base) if name.startswith(mine)]
    assert not left, left
