"""Runs one student notebook inside the autograde sandbox (autograde/sandbox/execute.py starts it under bubblewrap).

    python runner.py '<settings JSON>'  < notebook.json  > {"notebook": ..., "reasons": [...]}

Standalone on purpose (stdlib + nbformat + nbclient + jupyter_client): the sandbox hides the repository, so this
file must not import autograde/ or solutions/, and it has no defaults: every setting (SETTINGS below) comes from the
grader (autograde/sandbox/execute.py: runner_settings), which takes them from autograde/settings.py. The notebook,
hidden tests included, arrives on stdin and never exists as a file the student's code could open; the result goes
out on a private copy of stdout that the kernel does not inherit, so student code cannot forge it. This process
makes itself non-dumpable so the kernel (same uid) cannot read the notebook out of its memory through /proc.

Limits: a per-cell timeout (interrupt; if the kernel does not go idle, stop), a notebook wall-clock deadline, a cap
on the bytes of output kept, rlimits set here before the kernel starts (memory, processes, file size, CPU), and
kernel death (os._exit, segfault, a limit's signal) reported in the cell that was running. Every code cell that did
not run gets an error output "not run: <reason>", so nbgrader scores its grade cell 0 and the feedback says why.
Cells after the last grade cell can be skipped (settings skip_after_last_grade): they change no score."""

import asyncio
import ctypes
import json
import os
import resource
import signal
import sys
import time
from queue import Empty

# nbformat imports jsonschema, which builds an IRI grammar at import when rfc3987_syntax is installed: ~2 s per
# notebook graded, for a format notebooks never use. Without the module jsonschema skips that format check.
sys.modules.setdefault("rfc3987_syntax", None)

import nbformat  # noqa: E402
from nbclient import NotebookClient  # noqa: E402
from nbclient.exceptions import CellExecutionComplete  # noqa: E402
from nbclient.util import ensure_async  # noqa: E402

NOT_RUN = "NotRun"
TIMEOUT = "CellTimeoutError"
KERNEL_DIED = "KernelDied"
INTERRUPT_GRACE = 10.0  # seconds the kernel gets to go idle after an interrupt
KEPT_ERROR_CHARS = 4000  # an error output past the output cap keeps this much of its text
# every setting the grader must pass (limits in seconds and bytes; run_as: [uid, gid] or null)
SETTINGS = {"cell_timeout", "notebook_timeout", "memory_bytes", "max_processes", "max_output_bytes", "max_file_bytes",
            "cpu_seconds", "skip_after_last_grade", "kernel_name", "probe_mime", "set_process_limit", "run_as"}


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


def describe_exit(code: int | None, settings: dict) -> tuple[str, str]:
    """Why the kernel process ended, in English and Japanese."""
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
    if processes:
        cap(resource.RLIMIT_NPROC, settings["max_processes"])


def make_undumpable() -> None:
    """PR_SET_DUMPABLE 0: the student's kernel (same uid) cannot read this process's memory or fds via /proc."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(4, 0, 0, 0, 0)  # PR_SET_DUMPABLE = 4
    except (OSError, AttributeError):
        pass


class CappedClient(NotebookClient):
    """NotebookClient that keeps at most max_output_bytes of output per notebook, then one note, then drops."""

    def __init__(self, nb, max_output_bytes: int, probe_mime: str, **kwargs):
        super().__init__(nb, **kwargs)
        self.max_output_bytes = max_output_bytes
        self.probe_mime = probe_mime  # hidden-test results: the score depends on them, never dropped early
        self.kept_bytes = 0
        self.cap_noted = False
        self.accepting = True

    def output(self, outs, msg, display_id, cell_index):
        if not self.accepting:  # output of a cell after its timeout: nobody will look at it
            return None
        msg_type = msg["msg_type"]
        content = msg.get("content", {})
        size = len(content.get("text", "")) if msg_type == "stream" else len(json.dumps(content, default=str))
        if not self.cap_noted and self.kept_bytes + size <= self.max_output_bytes:
            self.kept_bytes += size
            return super().output(outs, msg, display_id, cell_index)
        if not self.cap_noted:
            self.cap_noted = True
            limit = self.max_output_bytes
            # stdout, not stderr: nbgrader scores a grade cell with any stderr 0, and printing a lot is not an error
            outs.append(nbformat.v4.new_output("stream", name="stdout", text=(
                f"\n[autograde] output limit of {limit} bytes per notebook reached: further output of this "
                f"notebook is not kept.\n[autograde] このノートブックの出力が上限 {limit} バイトに達したため、"
                "以降の出力は保存されません。\n")))
        if msg_type == "error":  # never drop an error: a grade cell without it would look passed
            content = msg["content"]
            text = "\n".join(content.get("traceback", []))[-KEPT_ERROR_CHARS:]
            outs.append(nbformat.v4.new_output("error", ename=str(content.get("ename", "Error"))[:200],
                                               evalue=str(content.get("evalue", ""))[:KEPT_ERROR_CHARS],
                                               traceback=[text]))
        elif (msg_type in ("display_data", "execute_result") and self.probe_mime in msg["content"].get("data", {})
              and self.kept_bytes + size <= 2 * self.max_output_bytes):
            self.kept_bytes += size  # hidden-test results: the score depends on them
            return super().output(outs, msg, display_id, cell_index)
        return None


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


class Runner:
    def __init__(self, nb, settings: dict):
        self.nb = nb
        self.settings = settings
        self.reasons: list[str] = []
        self.deadline = time.monotonic() + settings["notebook_timeout"]
        self.client = CappedClient(nb, settings["max_output_bytes"], settings["probe_mime"],
                                   kernel_name=settings["kernel_name"], timeout=settings["cell_timeout"],
                                   allow_errors=True, record_timing=False,
                                   extra_arguments=["--HistoryManager.hist_file=:memory:"],
                                   resources={"metadata": {"path": os.getcwd()}})

    def last_cell_to_run(self) -> int:
        if not self.settings["skip_after_last_grade"]:
            return len(self.nb.cells) - 1
        grade_indices = [index for index, cell in enumerate(self.nb.cells) if is_grade_cell(cell)]
        return grade_indices[-1] if grade_indices else len(self.nb.cells) - 1

    async def run(self) -> None:
        last = self.last_cell_to_run()
        async with self.client.async_setup_kernel():
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
            await self.stop_kernel()

    def end_stray_processes(self, cell, index: int) -> None:
        """A cell left the sandbox near its process limit (a fork bomb): kill all but the kernel and this runner,
        else the next cells (and this runner) could not start a thread."""
        if not self.settings["set_process_limit"] or not in_own_pid_namespace():
            return  # unsandboxed, /proc shows the whole machine: never kill anything there
        tasks = sandbox_tasks()
        if sum(tasks.values()) <= self.settings["max_processes"] // 2:
            return
        process = getattr(self.client.km.provisioner, "process", None)
        keep = {1, os.getpid(), getattr(process, "pid", None)}
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
        """Kill the kernel outright: a kernel that ignores shutdown requests must not hold up grading."""
        km = self.client.km
        if km is not None and await km.is_alive():
            await km.shutdown_kernel(now=True)

    async def run_cell(self, cell, index: int) -> tuple[str, str] | None:
        """Execute one cell; returns (English, Japanese) reason if the notebook must stop here, else None."""
        kc, km = self.client.kc, self.client.km
        cell.outputs = []
        cell.execution_count = None
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
        english, japanese = describe_exit(code, self.settings)
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


def main() -> int:
    if len(sys.argv) != 2:
        print("usage: runner.py '<settings JSON>' < notebook.json", file=sys.stderr)
        return 2
    settings = json.loads(sys.argv[1])
    if not isinstance(settings, dict) or set(settings) != SETTINGS:
        given = set(settings) if isinstance(settings, dict) else set()
        print(f"sandbox runner: settings must be exactly {sorted(SETTINGS)}; missing {sorted(SETTINGS - given)}, "
              f"unknown {sorted(given - SETTINGS)}", file=sys.stderr)
        return 2
    if settings["run_as"]:  # root's sandbox (autograde/sandbox/bwrap.py): an unprivileged uid drops every capability
        uid, gid = settings["run_as"]
        os.setgroups([])
        os.setgid(gid)
        os.setuid(uid)
    # the result goes out on a private fd; the kernel inherits a stdout that leads to stderr
    result_fd = os.dup(1)
    os.dup2(2, 1)
    make_undumpable()
    nb = nbformat.reads(sys.stdin.read(), as_version=4)
    sys.stdin.close()
    apply_limits(settings, processes=settings["set_process_limit"])
    os.environ["NBGRADER_EXECUTION"] = "autograde"
    runner = Runner(nb, settings)
    try:
        asyncio.run(runner.run())
    except Exception as error:  # kernel failed to start, or the channels broke: say so in every unrun cell
        english = f"the kernel could not run this notebook ({type(error).__name__}: {error})"
        japanese = f"カーネルがこのノートブックを実行できませんでした（{type(error).__name__}）"
        runner.reasons.append(english)
        pending = [index for index, cell in enumerate(nb.cells)
                   if cell.cell_type == "code" and cell.source.strip() and cell.execution_count is None
                   and not cell.outputs]
        for index in pending:
            mark_not_run(nb, index, english, japanese, index)
    payload = json.dumps({"notebook": nb, "reasons": runner.reasons}).encode()
    with os.fdopen(result_fd, "wb") as out:
        out.write(payload)
    return 0


if __name__ == "__main__":
    sys.exit(main())
