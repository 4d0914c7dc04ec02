"""Run one student notebook in a bubblewrap sandbox with limits (autograde/sandbox_runner.py does the running).

nbgrader runs student code with the grader's permissions; a notebook could read the gradebook, the hidden tests,
the judges, other students' work, or write anywhere. Here the notebook runs under `bwrap`:

* of the machine's file system only the system folders (/usr, /etc, /lib…, SYSTEM_PATHS) are there, read-only;
  the repository, the course root, /root, /home and $HOME are covered by empty tmpfs (in case they lie under one
  of those); only the venv (and its base Python), the runner script and data/ are bound back, read-only. Any
  other copy of the course on the machine (another checkout, a backup) is simply not in the sandbox;
* HOME and the working directory are a fresh tmpfs (<HOME>/cnn1d, with data/ at <HOME>/data so notebook 8 finds
  data/mnist.npz by walking up), /tmp is a fresh tmpfs;
* no network (private network namespace with only loopback, which the kernel's ZMQ sockets use), own PID namespace,
  new session, killed with the grader (--die-with-parent);
* an unprivileged uid (a fresh one when the grader is root, else a user namespace): RLIMIT_NPROC does not apply to
  root, so without it a fork bomb would not be stopped;
* rlimits (memory, processes, file size, CPU), set by the runner before it starts the kernel;
* the whole sandbox is killed when it outlives the notebook deadline plus a margin.

Without bwrap grading refuses, unless the instructor allows running unsandboxed ($CNN1D_NO_SANDBOX=1, set by
`grade_submissions --no-sandbox`): then the runner is a plain subprocess with the same limits (but the process
limit, which would count all the grader's processes) and a loud warning.
"""

import functools
import json
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path

import nbformat
from nbformat import NotebookNode

from autograde.course import COURSE_ROOT_ENV, REPO
from autograde.sandbox_runner import mark_not_run

RUNNER = Path(__file__).resolve().with_name("sandbox_runner.py")
# the only folders of the machine the sandbox sees (read-only), besides what bwrap_command binds back
SYSTEM_PATHS = ("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32", "/etc")
DATA_DIR = REPO / "data"
NO_SANDBOX_ENV = "CNN1D_NO_SANDBOX"
SKIP_AFTER_LAST_GRADE_ENV = "AUTOGRADE_SKIP_AFTER_LAST_GRADE"
SANDBOX_HOME = "/home/student"
SANDBOX_UID_BASE = 1_000_000  # + the grader's pid: above the uids of real accounts
KILL_MARGIN = 30  # seconds past the notebook deadline before the grader kills the sandbox
TMPFS_BYTES = 512 << 20  # each of /tmp and HOME: scratch files live in memory
INSTALL_HINT = "install bubblewrap (Debian/Ubuntu: `apt-get install bubblewrap`)"
# what the kernel may see of the grader's environment; everything else (paths, tokens) stays outside
PASSED_ENV = ("LANG", "LC_ALL", "OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS", "KERAS_BACKEND",
              "MPLBACKEND", "TZ")


class SandboxUnavailable(RuntimeError):
    """bwrap is missing or does not work here, and running unsandboxed was not allowed."""


@dataclass(frozen=True)
class SandboxLimits:
    """Per notebook. Sizes in bytes, times in seconds."""

    cell_timeout: int = 300
    notebook_timeout: int = 1200
    memory_bytes: int = 4 << 30
    max_processes: int = 256
    max_output_bytes: int = 10 << 20
    max_file_bytes: int = 256 << 20
    cpu_seconds: int = 2400
    skip_after_last_grade: bool = False

    def __post_init__(self):
        for name, value in asdict(self).items():
            if name != "skip_after_last_grade" and (not isinstance(value, int) or value <= 0):
                raise ValueError(f"sandbox limit {name} must be a positive integer, got {value!r}")


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


def unsandboxed_allowed() -> bool:
    return os.environ.get(NO_SANDBOX_ENV) == "1"


def unprivileged_ids() -> tuple[int, int]:
    """uid = gid a root grader's sandbox runs the notebook as: one no account has, different for each grader
    process. RLIMIT_NPROC counts every process of a uid on the machine, so with a shared uid (nobody) a fork bomb
    in one sandbox, or parallel workers, would use up the process limit of all the others."""
    uid = SANDBOX_UID_BASE + os.getpid()
    return uid, uid


def hidden_paths() -> list[Path]:
    """Folders covered by an empty tmpfs: the repository, the course, the grader's home and root's."""
    candidates = [REPO, Path(os.environ.get(COURSE_ROOT_ENV, REPO / "autograde")), Path.home(), Path("/root"),
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
    needed = {Path(sys.prefix).resolve(), Path(sys.base_prefix).resolve(), RUNNER}
    return sorted(path for path in needed if not in_system_paths(path)
                  or any(path.is_relative_to(outer) for outer in hidden + [Path("/tmp")]))


def bwrap_command(runner_argv: list[str]) -> list[str]:
    """The bwrap command line that runs runner_argv in the sandbox.

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
        command += ["--ro-bind", str(DATA_DIR), f"{SANDBOX_HOME}/data"]
    return command + ["--", *runner_argv]


def sandbox_env(home: str) -> dict[str, str]:
    """A small environment: nothing of the grader's but what the kernel needs."""
    env = {name: os.environ[name] for name in PASSED_ENV if name in os.environ}
    env.setdefault("LANG", "C.UTF-8")
    env.setdefault("OPENBLAS_NUM_THREADS", "1")
    env.update(HOME=home, USER="student", LOGNAME="student", TMPDIR="/tmp", PYTHONDONTWRITEBYTECODE="1",
               PATH=os.pathsep.join([str(Path(sys.executable).parent), "/usr/local/bin", "/usr/bin", "/bin"]))
    return env


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
                                 f"(grade_submissions --no-sandbox) on a machine you do not mind student code "
                                 f"running on.")
    settings = {**asdict(limits), "set_process_limit": not no_sandbox}
    payload = nbformat.writes(nb).encode()
    with tempfile.TemporaryDirectory(prefix="autograde-unsandboxed-") as scratch:
        if no_sandbox:
            warn_unsandboxed()
            work = Path(scratch) / "cnn1d"
            work.mkdir()
            if DATA_DIR.is_dir():
                (Path(scratch) / "data").symlink_to(DATA_DIR)
            command = [sys.executable, str(RUNNER), json.dumps(settings)]
            extra = {"cwd": work, "env": sandbox_env(scratch)}
        else:
            if os.geteuid() == 0:
                settings["run_as"] = list(unprivileged_ids())
            command = bwrap_command([sys.executable, str(RUNNER), json.dumps(settings)])
            extra = {"env": sandbox_env(SANDBOX_HOME)}
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
