"""Runs one student notebook inside the autograde sandbox (autograde/sandbox/execute.py starts it under bubblewrap).

    python runner.py '<settings JSON>'  < notebook.json  > STARTED {"notebook": ..., "reasons": [...], ...}

Standalone on purpose (stdlib + nbformat + nbclient + jupyter_client, and capped_output.py bound beside it): the
sandbox hides the repository, so this file must not import autograde/ or solutions/, and it has no defaults: every
setting (SETTINGS below) comes from the grader (autograde/sandbox/execute.py: runner_settings), which takes them
from autograde/settings.py. The notebook,
hidden tests included, arrives on stdin and never exists as a file the student's code could open; the result goes
out on a private copy of stdout that the kernel does not inherit, so student code cannot forge it. This process
makes itself non-dumpable so the kernel (same uid) cannot read the notebook out of its memory through /proc.

Limits: a per-cell timeout (interrupt; if the kernel does not go idle, stop), a notebook wall-clock deadline, caps
on the bytes of output kept per cell and per notebook and on what the kernel writes to its own stdout/stderr
(capped_output.py, beside this file), rlimits set here before the kernel starts (memory, processes, open files, file
size, CPU), and kernel death (os._exit, segfault, a limit's signal, the sandbox cgroup's OOM killer: settings
oom_file is its counter) reported in the cell that was running. The kernel is the OOM killer's first choice
(oom_score_adj 1000), so a notebook over its memory limit loses its kernel, not this runner and the result. Every
code cell that did not run gets an error output "not run: <reason>", so nbgrader scores its grade cell 0 and the
feedback says why. Cells after the last grade cell can be skipped (settings skip_after_last_grade): they change no
score.

Sessions (settings "session": true): one sandbox grades a student's notebooks one after the other, each in a
fresh kernel process forked from a pre-imported image (kernel_zygote.py, beside this file); after each notebook
every other process of the sandbox is killed and /tmp, HOME and /dev/shm emptied, and the result says whether
that left the sandbox clean (the grader starts a new sandbox otherwise).

Protocol. stdin: frames `<length>\n<JSON {"settings": {...}, "notebook": {...}}>`, one per notebook (a session
without "session" gets one). Result fd, per notebook: STARTED once the kernel has started (before any student
code runs), then `result <length>\n<result JSON>`. Without STARTED the grader knows the sandbox itself failed
(infrastructure), not the student's notebook."""

import asyncio
import ctypes
import json
import os
import resource
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from queue import Empty

# nbformat imports jsonschema, which builds an IRI grammar at import when rfc3987_syntax is installed: ~2 s per
# notebook graded, for a format notebooks never use. Without the module jsonschema skips that format check.
sys.modules.setdefault("rfc3987_syntax", None)

import nbformat  # noqa: E402
from nbclient.exceptions import CellExecutionComplete  # noqa: E402
from nbclient.util import ensure_async  # noqa: E402

if __package__:  # imported by the grader (autograde/sandbox/execute.py)
    from .capped_output import CappedClient, StreamTail
    from .kernel_zygote import Zygote, provisioner_class
else:  # run as a script in the sandbox, where capped_output.py and kernel_zygote.py are bound beside this file
    from capped_output import CappedClient, StreamTail
    from kernel_zygote import Zygote, provisioner_class

NOT_RUN = "NotRun"
TIMEOUT = "CellTimeoutError"
KERNEL_DIED = "KernelDied"
INTERRUPT_GRACE = 10.0  # seconds the kernel gets to go idle after an interrupt
STARTED = b"kernel started\n"  # written on the result fd once the kernel runs (see the module docstring)
MAX_REASONS = 40  # reasons reported to the grader (one per stopped or limited cell)
# every setting the grader must pass (limits in seconds and bytes; run_as: [uid, gid] or null; oom_file: the sandbox
# cgroup's OOM counter file, or null; session: several notebooks, kernels forked from the zygote)
SETTINGS = {"cell_timeout", "notebook_timeout", "memory_bytes", "max_processes", "max_open_files", "max_output_bytes",
            "max_cell_output_bytes", "max_probe_bytes", "max_graded_bytes", "max_file_bytes", "cpu_seconds",
            "skip_after_last_grade", "kernel_name", "probe_mime", "set_process_limit", "run_as", "oom_file", "session"}
RESULT = b"result"  # `result <length>\n` before each result JSON
MAX_FRAME_HEADER = 32  # bytes of a frame's length line
ZYGOTE_START_SECONDS = 120
KILL_WAIT = 5.0  # seconds a killed kernel gets to be reported ended before jupyter_client's own shutdown takes over
SWEEP_ROUNDS = 20  # kill rounds after a notebook: a process forking while it is killed needs more than one


def error_output(ename: str, english: str, japanese: str) -> nbformat.NotebookNode:
    text = f"{english}\n{japanese}"
    return nbformat.v4.new_output("error", ename=ename, evalue=text, traceback=[f"{ename}: {line}"
                                                                                for line in text.splitlines()])


def not_run_output(english: str, japanese: str) -> nbformat.NotebookNode:
    return error_output(NOT_RUN, f"not run: {english}", f"実行されませんでした：{japanese}")


def is_grade_cell(cell) -> bool:
    return cell.cell_type == "code" and bool(cell.metadata.get("nbgrader", {}).get("grade"))


def mark_not_run(nb, first_index: int, english: str, japanese: str, last_index: int | None = None) -> None:
    """Give every non-empty code cell from first_index to last_index (inclusive) a "not run" error."""
    stop = len(nb.cells) - 1 if last_index is None else last_index
    for cell in nb.cells[first_index:stop + 1]:
        if cell.cell_type == "code" and cell.source.strip():
            cell.outputs = [not_run_output(english, japanese)]
            cell.execution_count = None


def oom_kills(settings: dict) -> int | None:
    """OOM kills in the sandbox's cgroup so far ("oom_kill N" of the file the grader bound), None without one."""
    if not settings.get("oom_file"):
        return None
    try:
        with open(settings["oom_file"], encoding="ascii") as handle:
            for line in handle:
                key, _, value = line.partition(" ")
                if key == "oom_kill":
                    return int(value)
    except (OSError, ValueError):
        pass
    return None


def out_of_memory(settings: dict) -> tuple[str, str]:
    mib = settings["memory_bytes"] >> 20
    return (f"out of memory (limit {mib} MiB): the notebook's processes, its files in /tmp and HOME and shared memory "
            "count together", f"メモリ不足（上限 {mib} MiB：プロセス、/tmp と HOME のファイル、共有メモリの合計）")


def describe_exit(code: int | None, settings: dict, oom_before: int = 0) -> tuple[str, str]:
    """Why the kernel process ended, in English and Japanese; oom_before: the cgroup's OOM kills before the cell."""
    if code == -signal.SIGKILL and (oom_kills(settings) or 0) > oom_before:
        english, japanese = out_of_memory(settings)
        return f"the kernel was killed (SIGKILL): {english}", f"カーネルが強制終了されました：{japanese}"
    if code is None:
        return "the kernel stopped answering", "カーネルが応答しなくなりました"
    if code >= 0:
        return (f"the kernel process exited with code {code} (os._exit or sys.exit in a thread?)",
                f"カーネルが終了コード {code} で終了しました（os._exit など）")
    number = -code
    name = signal.Signals(number).name if number in signal.Signals._value2member_map_ else f"signal {number}"
    if number == signal.SIGSEGV:
        return (f"the kernel crashed ({name}: segmentation fault, e.g. ctypes or a C extension read bad memory)",
                f"カーネルがクラッシュしました（{name}：セグメンテーション違反）")
    if number == signal.SIGXCPU:
        return (f"the kernel used more than {settings['cpu_seconds']} s of CPU time ({name})",
                f"カーネルが CPU 時間の上限 {settings['cpu_seconds']} 秒を超えました（{name}）")
    if number == signal.SIGKILL:
        return (f"the kernel was killed ({name}): most likely out of memory (limit "
                f"{settings['memory_bytes'] >> 20} MiB) or over the CPU time limit",
                f"カーネルが強制終了されました（{name}）：メモリ上限 {settings['memory_bytes'] >> 20} MiB "
                "または CPU 時間の上限を超えた可能性があります")
    return f"the kernel was ended by {name}", f"カーネルが {name} で終了しました"


def apply_limits(settings: dict, processes: bool = True) -> None:
    """rlimits for this process and so for the kernel it starts (children inherit them)."""
    def cap(limit, soft, hard=None):
        hard = soft if hard is None else hard
        _, old_hard = resource.getrlimit(limit)
        if old_hard != resource.RLIM_INFINITY:
            soft, hard = min(soft, old_hard), min(hard, old_hard)
        resource.setrlimit(limit, (soft, hard))

    cap(resource.RLIMIT_AS, settings["memory_bytes"])
    cap(resource.RLIMIT_FSIZE, settings["max_file_bytes"])
    cap(resource.RLIMIT_CPU, settings["cpu_seconds"], settings["cpu_seconds"] + 5)
    cap(resource.RLIMIT_CORE, 0)
    cap(resource.RLIMIT_NOFILE, settings["max_open_files"])
    if processes:
        cap(resource.RLIMIT_NPROC, settings["max_processes"])


def make_undumpable() -> None:
    """PR_SET_DUMPABLE 0: the student's kernel (same uid) cannot read this process's memory or fds via /proc."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(4, 0, 0, 0, 0)  # PR_SET_DUMPABLE = 4
    except (OSError, AttributeError):
        pass


async def next_message(channel, timeout: float):
    """The next message, or None for one that does not verify (e.g. mangled by a forked copy of the kernel)."""
    try:
        return await channel.get_msg(timeout=timeout)
    except ValueError:
        return None


def in_own_pid_namespace() -> bool:
    """True inside bwrap's PID namespace: PID 1 there is bwrap itself."""
    try:
        with open("/proc/1/cmdline", "rb") as handle:
            return os.path.basename(handle.read().split(b"\0")[0]) == b"bwrap"
    except OSError:
        return False


def sandbox_tasks() -> dict[int, int]:
    """pid -> thread count of every process in the sandbox's PID namespace."""
    tasks = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                tasks[int(entry)] = len(os.listdir(f"/proc/{entry}/task"))
            except OSError:
                continue
    return tasks


KERNEL_ARGUMENTS = ("--HistoryManager.hist_file=:memory:",)
KERNEL_START_SECONDS = 60.0


@dataclass
class ReadyKernel:
    """A kernel of the session started before its notebook arrived (while the grader judged the previous notebook),
    with its connected client: the notebook's kernel start costs nothing then."""

    km: object
    kc: object
    kernel_name: str

    async def discard(self) -> None:
        try:
            if await self.km.is_alive():
                await self.km.shutdown_kernel(now=True)
        finally:
            self.kc.stop_channels()


async def start_ready_kernel(kernel_name: str, zygote: Zygote) -> ReadyKernel:
    """A fresh kernel forked from the zygote, as CappedClient would start it (same manager, arguments, folder)."""
    km = kernel_manager_class(zygote)(kernel_name=kernel_name)
    await km.start_kernel(extra_arguments=list(KERNEL_ARGUMENTS), cwd=os.getcwd())
    kc = km.client()
    kc.start_channels()
    ready = ReadyKernel(km, kc, kernel_name)
    try:
        await kc.wait_for_ready(timeout=KERNEL_START_SECONDS)
    except BaseException:
        await ready.discard()
        raise
    kc.allow_stdin = False
    return ready


class Runner:
    def __init__(self, nb, settings: dict, result_fd: int, zygote: Zygote | None = None,
                 ready: ReadyKernel | None = None):
        self.nb = nb
        self.zygote = zygote
        self.settings = settings
        self.result_fd = result_fd
        self.started = False
        self.reasons: list[str] = []
        self.deadline = time.monotonic() + settings["notebook_timeout"]
        self.oom_before = 0  # the cgroup's OOM kills before the running cell
        self.timings: dict[str, float] = {"runner_ready": time.monotonic()}  # for the grader's profile
        self.ready = ready  # started for this notebook's kernel_name (grade_notebook checks)
        managed = {"km": ready.km} if ready else {"kernel_manager_class": kernel_manager_class(zygote)}
        self.client = CappedClient(nb, settings, kernel_name=settings["kernel_name"], timeout=settings["cell_timeout"],
                                   allow_errors=True, record_timing=False, startup_timeout=KERNEL_START_SECONDS,
                                   extra_arguments=list(KERNEL_ARGUMENTS),
                                   resources={"metadata": {"path": os.getcwd()}}, **managed)
        if self.ready:
            self.client.kc = self.ready.kc  # nbclient starts neither kernel nor client then, and leaves both to us
            self.timings["kernel_ready"] = 1.0

    def last_cell_to_run(self) -> int:
        if not self.settings["skip_after_last_grade"]:
            return len(self.nb.cells) - 1
        grade_indices = [index for index, cell in enumerate(self.nb.cells) if is_grade_cell(cell)]
        return grade_indices[-1] if grade_indices else len(self.nb.cells) - 1

    async def run(self) -> None:
        last = self.last_cell_to_run()
        try:
            async with self.client.async_setup_kernel():
                self.expose_kernel_to_oom_killer()
                os.write(self.result_fd, STARTED)
                self.started = True
                self.timings["kernel_started"] = time.monotonic()
                for index, cell in enumerate(self.nb.cells[:last + 1]):
                    if cell.cell_type != "code" or not cell.source.strip():
                        continue
                    stop = await self.run_cell(cell, index)
                    self.end_stray_processes(cell, index)
                    if stop:
                        english, japanese = stop
                        self.reasons.append(f"cell {index}: {english}")
                        mark_not_run(self.nb, index + 1, english, japanese, last)
                        break
                self.timings["cells_done"] = time.monotonic()
                await self.stop_kernel()
        finally:
            if self.ready:  # nbclient cleans up only a kernel it started
                await self.ready.discard()
        self.timings["kernel_stopped"] = time.monotonic()

    def expose_kernel_to_oom_killer(self) -> None:  # a forked kernel does this itself (kernel_zygote.py)
        """oom_score_adj 1000 for the kernel (inherited by what it starts): over the cgroup's memory limit the OOM
        killer takes it, not this runner (which may hold more memory than a kernel whose memory is in memfd or
        tmpfs files). Student code can lower it back to 0 at most (what the runner has): then the runner may be
        the one killed, and the grader still reports the notebook out of memory."""
        process = getattr(self.client.km.provisioner, "process", None)
        if process is None or not isinstance(process, subprocess.Popen):
            return
        try:
            with open(f"/proc/{process.pid}/oom_score_adj", "w", encoding="ascii") as handle:
                handle.write("1000")
        except OSError as error:
            print(f"sandbox runner: cannot raise the kernel's oom_score_adj: {error}", file=sys.stderr)

    def end_stray_processes(self, cell, index: int) -> None:
        """A cell left the sandbox near its process limit (a fork bomb): kill all but the kernel and this runner,
        else the next cells (and this runner) could not start a thread."""
        if not self.settings["set_process_limit"] or not in_own_pid_namespace():
            return  # unsandboxed, /proc shows the whole machine: never kill anything there
        tasks = sandbox_tasks()
        if sum(tasks.values()) <= self.settings["max_processes"] // 2:
            return
        process = getattr(self.client.km.provisioner, "process", None)
        keep = runner_processes(self.zygote) | {getattr(process, "pid", None)}
        strays = [pid for pid in tasks if pid not in keep]
        for pid in strays:
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
        self.reasons.append(f"cell {index}: {len(strays)} processes killed after the cell (process limit)")
        cell.outputs.append(nbformat.v4.new_output("stream", name="stdout", text=(
            f"\n[autograde] {len(strays)} processes this cell started were killed: the sandbox was near its limit of "
            f"{self.settings['max_processes']} processes.\n[autograde] このセルが起動した {len(strays)} 個のプロセスを"
            f"終了しました（プロセス数の上限 {self.settings['max_processes']} に近づいたため）。\n")))

    async def stop_kernel(self) -> None:
        """Kill the kernel outright: a kernel that ignores shutdown requests must not hold up grading. Its end is
        awaited here in 5 ms steps (jupyter_client's shutdown polls every 0.1 s), then the shutdown only cleans up."""
        km = self.client.km
        if km is None or not await km.is_alive():
            return
        await km.provisioner.kill()
        deadline = time.monotonic() + KILL_WAIT
        while await km.is_alive() and time.monotonic() < deadline:
            await asyncio.sleep(0.005)
        await km.shutdown_kernel(now=True)

    async def run_cell(self, cell, index: int) -> tuple[str, str] | None:
        """Execute one cell; returns (English, Japanese) reason if the notebook must stop here, else None."""
        kc, km = self.client.kc, self.client.km
        cell.outputs = []
        cell.execution_count = None
        self.oom_before = oom_kills(self.settings) or 0  # a SIGKILL after more OOM kills: out of memory
        self.client.accepting = True
        self.client.clear_before_next_output = False
        msg_id = await ensure_async(kc.execute(cell.source, store_history=True, stop_on_error=False))
        notebook_left = self.deadline - time.monotonic()
        cell_limit = min(self.settings["cell_timeout"], max(notebook_left, 0))
        cell_deadline = time.monotonic() + cell_limit
        while True:
            remaining = cell_deadline - time.monotonic()
            if remaining <= 0:
                return await self.timed_out(cell, msg_id, by_notebook=cell_limit < self.settings["cell_timeout"])
            try:
                msg = await next_message(kc.iopub_channel, min(1.0, remaining))
            except Empty:
                if not await km.is_alive():
                    return self.died(cell)
                continue
            if msg is None or msg["parent_header"].get("msg_id") != msg_id:
                continue
            try:
                self.client.process_message(msg, cell, index)
            except CellExecutionComplete:
                await self.drain_shell_reply(msg_id)
                return None

    async def drain_shell_reply(self, msg_id: str) -> None:
        try:
            while True:
                msg = await next_message(self.client.kc.shell_channel, 5)
                if msg is not None and msg["parent_header"].get("msg_id") == msg_id:
                    return
        except Empty:
            pass

    def died(self, cell) -> tuple[str, str]:
        process = getattr(self.client.km.provisioner, "process", None)
        code = process.poll() if process is not None else None
        english, japanese = describe_exit(code, self.settings, self.oom_before)
        cell.outputs.append(error_output(KERNEL_DIED, english + " while this cell ran.",
                                         japanese + "（このセルの実行中）"))
        return f"kernel died in an earlier cell: {english}", f"前のセルでカーネルが停止しました：{japanese}"

    async def timed_out(self, cell, msg_id: str, by_notebook: bool) -> tuple[str, str] | None:
        """Interrupt the kernel; go on if it becomes idle within the grace time, else stop."""
        self.client.accepting = False
        if by_notebook:
            limit = self.settings["notebook_timeout"]
            english = f"the notebook's time limit of {limit} s was reached while this cell ran"
            japanese = f"ノートブック全体の制限時間 {limit} 秒に達しました（このセルの実行中）"
        else:
            limit = self.settings["cell_timeout"]
            english = f"this cell ran longer than the limit of {limit} s (infinite loop?) and was interrupted"
            japanese = f"このセルが制限時間 {limit} 秒を超えたため中断しました（無限ループ？）"
        cell.outputs.append(error_output(TIMEOUT, english, japanese))
        self.reasons.append(f"cell timeout: {english}")
        if by_notebook:
            return "the notebook's time limit was reached", "ノートブック全体の制限時間に達しました"
        km, kc = self.client.km, self.client.kc
        if not await km.is_alive():
            return self.died(cell)
        await km.interrupt_kernel()
        grace_end = time.monotonic() + min(INTERRUPT_GRACE, max(self.deadline - time.monotonic(), 0))
        while time.monotonic() < grace_end:
            try:
                msg = await next_message(kc.iopub_channel, 0.5)
            except Empty:
                if not await km.is_alive():
                    return self.died(cell)
                continue
            if (msg is not None and msg["parent_header"].get("msg_id") == msg_id and msg["msg_type"] == "status"
                    and msg["content"]["execution_state"] == "idle"):
                await self.drain_shell_reply(msg_id)
                return None
        return ("the kernel did not stop after a cell timed out",
                "制限時間を超えたセルを中断できなかったため、カーネルを停止しました")


def prompt_client_class():
    """jupyter_client's AsyncKernelClient whose wait_for_ready does not end with 0.2 s of silence on IOPub (its way of
    dropping the start's messages; the runner reads only messages whose parent is the request it sent): 0.2 s of
    every notebook's start. The rest is jupyter_client's: kernel_info until a reply, and IOPub seen connected."""
    from jupyter_client.asynchronous import AsyncKernelClient

    class PromptClient(AsyncKernelClient):
        async def wait_for_ready(self, timeout: float | None = None) -> None:
            deadline = time.monotonic() + (60.0 if timeout is None else timeout)
            while True:
                self.kernel_info()
                try:
                    reply = await self.shell_channel.get_msg(timeout=1)
                except Empty:
                    reply = None
                if reply is not None and reply["msg_type"] == "kernel_info_reply":
                    try:
                        await self.iopub_channel.get_msg(timeout=0.2)  # IOPub connected: the reply's status messages
                    except Empty:
                        pass
                    else:
                        self._handle_kernel_info_reply(reply)
                        return
                if not await self._async_is_alive():
                    raise RuntimeError("Kernel died before replying to kernel_info")
                if time.monotonic() > deadline:
                    raise RuntimeError(f"Kernel didn't respond in {timeout} seconds")

    return PromptClient


def kernel_manager_class(zygote: Zygote | None):
    """An AsyncKernelManager with the prompt client; with a zygote, its kernels are forked by the zygote
    (kernel_zygote.ForkedProvisioner)."""
    import uuid

    from jupyter_client.manager import AsyncKernelManager

    client = prompt_client_class()
    if zygote is None:
        return type("PromptKernelManager", (AsyncKernelManager,), {"client_factory": client})
    provisioner = type("SessionProvisioner", (provisioner_class(),), {"zygote": zygote})

    class ForkedKernelManager(AsyncKernelManager):
        client_factory = client

        async def _async_pre_start_kernel(self, **kw):
            self.kernel_id = self.kernel_id or kw.pop("kernel_id", str(uuid.uuid4()))
            if self.provisioner is None:
                self.provisioner = provisioner(kernel_id=self.kernel_id, kernel_spec=self.kernel_spec, parent=self)
            return await super()._async_pre_start_kernel(**kw)

    return ForkedKernelManager


def runner_processes(zygote: Zygote | None) -> set[int]:
    """What no clean-up kills: the sandbox's init (bwrap), this runner and its kernel zygote."""
    return {1, os.getpid()} | ({zygote.process.pid} if zygote is not None else set())


def kill_strays(keep: set[int]) -> bool:
    """Kill every process of the sandbox's PID namespace but `keep`; True once none is left."""
    for _ in range(SWEEP_ROUNDS):
        strays = [pid for pid in sandbox_tasks() if pid not in keep]
        if not strays:
            return True
        for pid in strays:
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
        time.sleep(0.05)
    return not [pid for pid in sandbox_tasks() if pid not in keep]


def mount_points() -> set[str]:
    """Where something is mounted in this sandbox (the fifth field of /proc/self/mountinfo)."""
    try:
        with open("/proc/self/mountinfo", encoding="utf-8", errors="replace") as handle:
            return {fields[4] for line in handle if len(fields := line.split()) > 4}
    except OSError:
        return set()


def empty_folder(folder: str, mounts: set[str] | None = None) -> bool:
    """Remove what is in `folder` (not mount points: data/ and matplotlib's font list are bound read-only, and
    the folders holding them are emptied around them; not the working folder, emptied on its own); True if
    nothing else is left."""
    clean = True
    work = os.getcwd()
    mounts = mount_points() if mounts is None else mounts
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return not os.path.isdir(folder)
    for entry in entries:
        if os.path.ismount(entry.path) or entry.path in mounts or entry.path == work:
            continue
        try:
            if entry.is_dir(follow_symlinks=False) and any(mount.startswith(entry.path + "/") for mount in mounts):
                clean = empty_folder(entry.path, mounts) and clean
            elif entry.is_dir(follow_symlinks=False):
                for root, dirs, _ in os.walk(entry.path):
                    for name in dirs:  # a folder the notebook made unreadable is still its own
                        os.chmod(os.path.join(root, name), 0o700)
                os.chmod(entry.path, 0o700)
                shutil.rmtree(entry.path)
            else:
                os.unlink(entry.path)
        except OSError:
            clean = False
    return clean


def sweep(keep: set[int]) -> bool:
    """After a notebook of a session: the next notebook starts as in a fresh sandbox, or this returns False."""
    clean = kill_strays(keep)
    home = os.environ.get("HOME", "")
    mounts = mount_points()
    for folder in ("/tmp", "/dev/shm", home, os.getcwd()):
        if folder:
            clean = empty_folder(folder, mounts) and clean
    return clean


def read_frame(stream) -> dict | None:
    """The next `<length>\n<JSON>` frame of stdin, or None at its end."""
    header = stream.readline(MAX_FRAME_HEADER)
    if not header:
        return None
    payload = stream.read(int(header))
    return json.loads(payload)


def write_result(result_fd: int, result: dict) -> None:
    payload = json.dumps(result, ensure_ascii=False).encode("utf-8", "replace")
    data = RESULT + b" %d\n" % len(payload) + payload
    while data:
        data = data[os.write(result_fd, data):]


def redirect_own_output() -> tuple[int, StreamTail]:
    """Private copies of stdout (the result) and stderr; fds 1 and 2 then lead to a StreamTail, so what the kernel
    (which inherits them) or this runner writes there is bounded before it reaches the grader."""
    result_fd = os.dup(1)  # os.dup: not inherited by the kernel
    read_end, write_end = os.pipe()
    os.set_inheritable(read_end, False)
    os.dup2(write_end, 1)
    os.dup2(write_end, 2)
    os.close(write_end)
    tail = StreamTail(read_end)
    tail.start()
    return result_fd, tail


def grade_notebook(nb, settings: dict, result_fd: int, own_output: StreamTail, zygote: Zygote | None,
                   loop: asyncio.AbstractEventLoop, ready: ReadyKernel | None = None) -> dict:
    """Run one notebook in a fresh kernel (`ready`, if started in advance); the result to send (the notebook, why
    cells failed, timings)."""
    if ready is not None and ready.kernel_name != settings["kernel_name"]:  # started for another kernel: not used
        loop.run_until_complete(ready.discard())
        ready = None
    runner = Runner(nb, settings, result_fd, zygote, ready)
    try:
        loop.run_until_complete(runner.run())
    except Exception as error:  # kernel failed to start, or the channels broke: say so in every unrun cell
        english = f"the kernel could not run this notebook ({type(error).__name__}: {str(error)[:500]})"
        japanese = f"カーネルがこのノートブックを実行できませんでした（{type(error).__name__}）"
        runner.reasons.append(english)
        pending = [index for index, cell in enumerate(nb.cells)
                   if cell.cell_type == "code" and cell.source.strip() and cell.execution_count is None
                   and not cell.outputs]
        for index in pending:
            mark_not_run(nb, index, english, japanese, index)
    reasons = runner.reasons[:MAX_REASONS]
    if len(runner.reasons) > MAX_REASONS:
        reasons.append(f"... and {len(runner.reasons) - MAX_REASONS} more")
    sys.stdout.flush()
    sys.stderr.flush()
    return {"notebook": nb, "reasons": reasons, "started": runner.started, "output": own_output.text(),
            "timings": runner.timings}


def valid_settings(settings) -> bool:
    if isinstance(settings, dict) and set(settings) == SETTINGS:
        return True
    given = set(settings) if isinstance(settings, dict) else set()
    print(f"sandbox runner: settings must be exactly {sorted(SETTINGS)}; missing {sorted(SETTINGS - given)}, "
          f"unknown {sorted(given - SETTINGS)}", file=sys.stderr)
    return False


def main() -> int:
    if len(sys.argv) != 2:
        print("usage: runner.py '<settings JSON>' < frames of {settings, notebook}", file=sys.stderr)
        return 2
    settings = json.loads(sys.argv[1])
    if not valid_settings(settings):
        return 2
    if settings["run_as"]:  # root's sandbox (autograde/sandbox/bwrap.py): an unprivileged uid drops every capability
        uid, gid = settings["run_as"]
        os.setgroups([])
        os.setgid(gid)
        os.setuid(uid)
    make_undumpable()
    result_fd, own_output = redirect_own_output()
    stdin = sys.stdin.buffer
    apply_limits(settings, processes=settings["set_process_limit"])
    os.environ["NBGRADER_EXECUTION"] = "autograde"
    zygote = None
    if settings["session"]:
        zygote = Zygote(sys.executable, dict(os.environ), ZYGOTE_START_SECONDS)
    loop = asyncio.new_event_loop()  # one loop for the session: a kernel started in advance keeps its channels
    asyncio.set_event_loop(loop)
    ready, clean = None, True
    try:
        while True:
            if zygote is not None and clean:  # the next notebook's kernel starts while the grader judges this one
                ready = prestart(loop, settings["kernel_name"], zygote)
            if (frame := read_frame(stdin)) is None:
                break
            if not valid_settings(frame["settings"]):
                return 2
            nb = nbformat.from_dict(frame["notebook"])
            result = grade_notebook(nb, frame["settings"], result_fd, own_output, zygote, loop, ready)
            ready = None
            if zygote is not None:
                result["clean"] = clean = sweep(runner_processes(zygote)) and zygote.answers()
            write_result(result_fd, result)
            if not settings["session"]:
                break
    finally:
        if ready is not None:
            loop.run_until_complete(ready.discard())
        if zygote is not None:
            zygote.close()
    return 0


def prestart(loop: asyncio.AbstractEventLoop, kernel_name: str, zygote: Zygote) -> ReadyKernel | None:
    """A kernel for the next notebook, or None if it did not start (the notebook then starts its own and reports
    why that failed)."""
    try:
        return loop.run_until_complete(start_ready_kernel(kernel_name, zygote))
    except Exception as error:  # noqa: BLE001 - reported when the notebook's own start fails
        print(f"sandbox runner: a kernel started in advance failed: {error}", file=sys.stderr)
        return None


if __name__ == "__main__":
    sys.exit(main())
