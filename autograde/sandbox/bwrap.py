"""The bubblewrap sandbox a student notebook runs in: what it sees of the machine (autograde/sandbox/runner.py runs
the notebook inside; autograde/sandbox/execute.py starts it).

nbgrader runs student code with the grader's permissions; a notebook could read the gradebook, the hidden tests,
the judges, other students' work, or write anywhere. Here the notebook runs under `bwrap`:

* of the machine's file system only the system folders (/usr, /etc, /lib…, SYSTEM_PATHS) are there, read-only;
  the repository, the course root, /root, /home and $HOME are covered by empty tmpfs (in case they lie under one
  of those); only the venv (and its base Python) at its real path, the runner's two files and data/ are bound
  back, read-only. Any other copy of the course on the machine (another checkout, a backup) is simply not in the
  sandbox;
* HOME and the working directory are a fresh tmpfs (<HOME>/cnn1d, with data/ at <HOME>/data so notebook 8 finds
  data/mnist.npz by walking up: grading_data_dir(), data/ with mnist.npz uncompressed; matplotlib's font list built
  once, font_cache.py), /tmp is a fresh tmpfs;
* no network (private network namespace with only loopback, which the kernel's ZMQ sockets use), own PID namespace,
  new session, killed with the grader (--die-with-parent);
* an unprivileged uid (a fresh one when the grader is root, else a user namespace): RLIMIT_NPROC does not apply to
  root, so without it a fork bomb would not be stopped;
* rlimits (memory, processes, open files, file size, CPU), set by the runner before it starts the kernel;
* a cgroup of its own (autograde/sandbox/cgroups.py, made and entered by autograde/sandbox/execute.py before bwrap
  starts): all its memory, its tasks, its CPU share; its OOM counter is bound read-only at OOM_FILE_IN_SANDBOX;
* the whole sandbox is killed when it outlives the notebook deadline plus a margin.

The limits themselves are autograde/settings.py's SandboxLimits.
"""

import functools
import os
import shutil
import subprocess
import sys
from pathlib import Path

from autograde.course import COURSE_STATE_DIR, REPO
from autograde.sandbox.font_cache import font_list
from autograde.sandbox.grading_data import DATA_DIR, grading_data_dir
from autograde.settings import COURSE_ROOT_ENV

RUNNER = Path(__file__).resolve().with_name("runner.py")
# the runner and the modules it imports beside it
RUNNER_FILES = (RUNNER, RUNNER.with_name("capped_output.py"), RUNNER.with_name("kernel_zygote.py"))
OOM_FILE_IN_SANDBOX = "/run/autograde/oom_events"  # the sandbox cgroup's OOM counter, read-only, for the runner
# the only folders of the machine the sandbox sees (read-only), besides what bwrap_command binds back
SYSTEM_PATHS = ("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32", "/etc")
SANDBOX_HOME = "/home/student"
SANDBOX_UID_BASE = 1_000_000  # + the grader's pid: above the uids of real accounts
KILL_MARGIN = 30  # seconds past the notebook deadline before the grader kills the sandbox
TMPFS_BYTES = 512 << 20  # each of /tmp and HOME: scratch files live in memory
INSTALL_HINT = "install bubblewrap (Debian/Ubuntu: `apt-get install bubblewrap`)"
# what the kernel may see of the grader's environment; everything else (paths, tokens) stays outside
PASSED_ENV = ("LANG", "LC_ALL", "OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS", "KERAS_BACKEND",
              "MPLBACKEND", "TZ")


def runner_python() -> str:
    """The venv's interpreter at its real path. The sandbox binds the venv by its real path (bound_back), so a venv
    reached through a symlink (sys.executable /repo/.venv/bin/python with .venv a link elsewhere) would not exist in
    the sandbox: bwrap could not start it and every notebook would fail. The last link (bin/python -> the base
    Python) is kept: it is what makes that interpreter use the venv."""
    real_prefix = Path(sys.prefix).resolve()
    for name in (Path(sys.executable).name, "python3", "python"):
        candidate = real_prefix / "bin" / name
        if candidate.exists():
            return str(candidate)
    return os.path.realpath(sys.executable)


@functools.cache
def bwrap_available() -> bool:
    """bwrap is installed and can make the namespaces we use (some containers forbid them)."""
    if shutil.which("bwrap") is None:
        return False
    try:
        result = subprocess.run(bwrap_command(["/bin/true"]), capture_output=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return result.returncode == 0


def unprivileged_ids() -> tuple[int, int]:
    """uid = gid a root grader's sandbox runs the notebook as: one no account has, different for each grader
    process. RLIMIT_NPROC counts every process of a uid on the machine, so with a shared uid (nobody) a fork bomb
    in one sandbox, or parallel workers, would use up the process limit of all the others."""
    uid = SANDBOX_UID_BASE + os.getpid()
    return uid, uid


def hidden_paths() -> list[Path]:
    """Folders covered by an empty tmpfs: the repository, the course, the grader's home and root's."""
    candidates = [REPO, Path(os.environ.get(COURSE_ROOT_ENV, COURSE_STATE_DIR)), Path.home(), Path("/root"),
                  Path("/home"), Path("/var/tmp")]
    existing = sorted({path.resolve() for path in candidates if path.resolve().is_dir()}, key=lambda p: len(p.parts))
    hidden: list[Path] = []
    for path in existing:
        if path == Path("/") or any(path.is_relative_to(outer) for outer in hidden + [Path("/tmp")]):
            continue  # inside a tmpfs already (e.g. a course under /tmp)
        hidden.append(path)
    return hidden


def in_system_paths(path: Path) -> bool:
    return any(path.is_relative_to(system) for system in SYSTEM_PATHS)


def bound_back(hidden: list[Path]) -> list[Path]:
    """What the kernel needs from outside the system folders or from under a hidden folder: the venv (and its
    base Python), the runner."""
    needed = {Path(sys.prefix).resolve(), Path(sys.base_prefix).resolve(), *RUNNER_FILES}
    return sorted(path for path in needed if not in_system_paths(path)
                  or any(path.is_relative_to(outer) for outer in hidden + [Path("/tmp")]))


def bwrap_command(runner_argv: list[str], oom_file: Path | None = None) -> list[str]:
    """The bwrap command line that runs runner_argv in the sandbox; oom_file (the sandbox cgroup's OOM counter) is
    bound read-only at OOM_FILE_IN_SANDBOX.

    As root, bwrap makes no user namespace (it would map the sandbox to root, whom RLIMIT_NPROC does not limit):
    the runner keeps CAP_SETUID/CAP_SETGID only to become unprivileged_ids() before anything else. Otherwise a user
    namespace maps the grader's own uid to 1000."""
    command = ["bwrap"]
    for system in SYSTEM_PATHS:  # an allow-list: other copies of the course elsewhere on the machine stay unseen
        if os.path.islink(system):
            command += ["--symlink", os.readlink(system), system]
        elif os.path.isdir(system):
            command += ["--ro-bind", system, system]
    command += ["--dev", "/dev", "--proc", "/proc",
               "--size", str(TMPFS_BYTES), "--perms", "1777", "--tmpfs", "/tmp",
               "--unshare-pid", "--unshare-net", "--unshare-ipc", "--unshare-uts", "--hostname", "sandbox",
               "--die-with-parent", "--new-session"]
    if os.geteuid() == 0:
        command += ["--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID"]
    else:
        command += ["--unshare-user", "--uid", "1000", "--gid", "1000", "--disable-userns"]
    hidden = hidden_paths()
    for path in hidden:
        command += ["--tmpfs", str(path)]
    made: set[Path] = set()
    covered = hidden + [Path("/tmp")]  # /tmp is a fresh tmpfs too (a repo or venv may live there)
    for path in bound_back(hidden):
        # bwrap makes missing parent folders 0700: unreadable for the sandbox's unprivileged user
        for parent in reversed(path.parents):
            missing = not in_system_paths(parent) or any(parent.is_relative_to(o) and parent != o for o in covered)
            if parent != Path("/") and parent not in made and missing:
                command += ["--perms", "0755", "--dir", str(parent)]
                made.add(parent)
        command += ["--ro-bind", str(path), str(path)]
    home = Path(SANDBOX_HOME)
    if not any(home.is_relative_to(outer) for outer in hidden):
        command += ["--tmpfs", str(home.parent)]
    command += ["--size", str(TMPFS_BYTES), "--perms", "0777", "--tmpfs", SANDBOX_HOME,
                "--perms", "0777", "--dir", f"{SANDBOX_HOME}/cnn1d", "--chdir", f"{SANDBOX_HOME}/cnn1d"]
    if DATA_DIR.is_dir():
        command += ["--ro-bind", str(grading_data_dir()), f"{SANDBOX_HOME}/data"]
    fonts = font_list(runner_python())
    if fonts is not None:  # where matplotlib looks with this HOME, in folders the kernel may write (its other caches)
        cache = f"{SANDBOX_HOME}/.cache/matplotlib"
        command += ["--perms", "0777", "--dir", f"{SANDBOX_HOME}/.cache", "--perms", "0777", "--dir", cache,
                    "--ro-bind", str(fonts), f"{cache}/{fonts.name}"]
    if oom_file is not None:
        folder = os.path.dirname(OOM_FILE_IN_SANDBOX)
        command += ["--perms", "0755", "--dir", os.path.dirname(folder), "--perms", "0755", "--dir", folder,
                    "--ro-bind", str(oom_file), OOM_FILE_IN_SANDBOX]
    return command + ["--", *runner_argv]


def runner_start_problem(timeout: float = 120) -> str | None:
    """Why the sandbox cannot start the runner's interpreter with the modules it needs, or None. Checked once before
    a class is graded: a sandbox that cannot start would otherwise fail every notebook of every student."""
    # as the runner imports them (without jsonschema's IRI grammar: 1.3 s of every run's start otherwise)
    check = ("import sys; sys.modules.setdefault('rfc3987_syntax', None); "
             "import nbclient, nbformat, ipykernel, jupyter_client")
    try:
        result = subprocess.run(bwrap_command([runner_python(), "-c", check]), capture_output=True, timeout=timeout,
                                env=kernel_env(SANDBOX_HOME))
    except (OSError, subprocess.TimeoutExpired) as error:
        return f"{type(error).__name__}: {error}"
    if result.returncode == 0:
        return None
    return f"exit {result.returncode}: {result.stderr.decode(errors='replace').strip()[-600:]}"


def kernel_env(home: str) -> dict[str, str]:
    """A small environment: nothing of the grader's but what the kernel needs."""
    env = {name: os.environ[name] for name in PASSED_ENV if name in os.environ}
    env.setdefault("LANG", "C.UTF-8")
    env.setdefault("OPENBLAS_NUM_THREADS", "1")
    env.update(HOME=home, USER="student", LOGNAME="student", TMPDIR="/tmp", PYTHONDONTWRITEBYTECODE="1",
               PATH=os.pathsep.join([str(Path(runner_python()).parent), "/usr/local/bin", "/usr/bin", "/bin"]))
    return env
