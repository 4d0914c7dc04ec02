"""Kernels forked from a pre-imported image, inside the sandbox: each notebook still gets a fresh kernel process.

Standalone on purpose (stdlib + what the kernel imports anyway), like runner.py: the sandbox binds this file beside
the runner. The runner (autograde/sandbox/runner.py) starts one zygote per sandbox session:

    python kernel_zygote.py REQUEST_FD REPLY_FD

The zygote imports ipykernel, numpy and matplotlib once (about 2 s of every notebook's start otherwise: the
interpreter, ipykernel and its dependencies, the course's own imports, matplotlib's font cache in a fresh HOME),
then waits. For each notebook the runner writes one JSON line {"argv": [...], "env": {...}, "cwd": "..."}: the
kernel command jupyter_client would have run (`python -m ipykernel_launcher -f <connection file> ...`). The zygote
forks; the child becomes that kernel (new session, its own environment and working folder, numpy's global random
state drawn afresh, the OOM killer's first choice) and never returns to the zygote's loop. The zygote answers
{"pid": N} (or {"error": "..."}), and {"exit": N, "code": C} once that child has ended (C as Popen.returncode:
negative for a signal); {"ping": true} gets {"pong": true}. It runs no student code: a kernel is a child, never the
zygote itself, and the zygote is non-dumpable (a kernel of the same uid cannot read or write its memory through
/proc) and ends when the runner closes the request pipe. A kernel can still signal it (same uid): after each
notebook the runner checks that it answers, and the sandbox is not reused otherwise.

ZygoteKernel stands in for the kernel's subprocess.Popen in the runner (poll, wait, kill, send_signal), and
ForkedProvisioner is jupyter_client's LocalProvisioner launching through the zygote.
"""

import gc
import json
import os
import select
import signal
import sys
import time

# what a kernel imports while it starts (pdb: 0.2 s alone; the debugger) and what the course's notebooks import.
# Not matplotlib_inline.backend_inline: its import, in a kernel, hooks the figures' display into the shell.
PREIMPORTED = ("ipykernel.kernelapp", "ipykernel.ipkernel", "ipykernel.zmqshell", "ipykernel.debugger", "pdb",
               "IPython.core.completer", "IPython.core.debugger", "IPython.core.history", "IPython.core.pylabtools",
               "psutil", "sqlite3", "tornado.queues", "numpy", "matplotlib", "matplotlib.pyplot", "PIL.Image",
               "PIL.PngImagePlugin")
INLINE_BACKEND = "module://matplotlib_inline.backend_inline"  # what ipykernel sets when MPLBACKEND is unset
LAUNCHER = ["-m", "ipykernel_launcher"]


def exit_code(status: int) -> int:
    return os.waitstatus_to_exitcode(status)


def write_line(fd: int, message: dict) -> None:
    data = (json.dumps(message) + "\n").encode()
    while data:
        data = data[os.write(fd, data):]


def drain(fd: int) -> None:
    try:
        while os.read(fd, 4096):
            pass
    except BlockingIOError:
        pass


def become_kernel(request: dict, close_fds: tuple[int, ...]) -> None:
    """In the forked child: turn into `python -m ipykernel_launcher <args>` as jupyter_client would start it."""
    code = 1
    try:
        for fd in close_fds:
            os.close(fd)
        os.setsid()  # jupyter_client starts kernels in a new session: interrupts go to its process group
        try:
            with open("/proc/self/oom_score_adj", "w", encoding="ascii") as handle:
                handle.write("1000")  # over the memory limit the OOM killer takes the kernel, not the runner
        except OSError:
            pass
        argv = request["argv"]
        if argv[1:3] != LAUNCHER:
            raise ValueError(f"not an ipykernel command: {argv!r}")
        os.environ.clear()
        os.environ.update(request["env"])
        os.chdir(request["cwd"])
        sys.path[0] = os.getcwd()  # as `python -m` has it: the kernel's folder, not this file's
        sys.argv = ["ipykernel_launcher", *argv[3:]]
        import numpy

        numpy.random.seed()  # noqa: NPY002 - the legacy global generator, drawn afresh as in a new interpreter
        from ipykernel import kernelapp

        kernelapp.launch_new_instance()
        code = 0
    except SystemExit as done:
        code = done.code if isinstance(done.code, int) else 0
    except BaseException:  # noqa: BLE001 - whatever broke, this child must never return to the zygote's loop
        import traceback

        traceback.print_exc()
    finally:
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        finally:
            os._exit(code)


def warm_figures() -> None:
    """Draw one figure with text off-screen (Agg, no pyplot state): the font file is loaded and Agg's caches are
    filled once here, not in every kernel's first figure (~0.1 s each)."""
    try:
        import io

        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure

        figure = Figure(figsize=(2, 1))
        FigureCanvasAgg(figure)
        axes = figure.subplots()
        axes.plot([0, 1], [0, 1], label="$N_{out}$")  # math text: its parser is built on first use
        axes.set_title("warm", fontsize="large")
        axes.set_xlabel("$x_i$")
        axes.text(0.5, 0.5, "w", fontfamily="monospace", fontweight="bold")
        axes.legend()
        figure.savefig(io.BytesIO(), format="png", bbox_inches="tight")
    except Exception:  # noqa: BLE001 - only a head start: a kernel draws its figures either way
        pass


def serve(request_fd: int, reply_fd: int) -> None:
    """The zygote's loop: fork a kernel per request, report each child's end; return when the runner hangs up."""
    os.environ.setdefault("MPLBACKEND", INLINE_BACKEND)  # matplotlib reads it at import, as in a kernel
    os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")  # as jupyter_client starts kernels
    for module in PREIMPORTED:
        try:
            __import__(module)
        except ImportError:  # an optional part (the debugger): the kernel imports what it has
            pass
    warm_figures()
    gc.freeze()  # what was imported stays out of every kernel's collections (and their copy-on-write faults)
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(4, 0, 0, 0, 0)  # PR_SET_DUMPABLE 0
    except (OSError, AttributeError):
        pass
    # a child's end wakes the loop at once (SIGCHLD through a wakeup pipe): the runner waits for it after each notebook
    wake_read, wake_write = os.pipe()
    for fd in (wake_read, wake_write):
        os.set_blocking(fd, False)
    signal.signal(signal.SIGCHLD, lambda *_: None)
    signal.set_wakeup_fd(wake_write)
    write_line(reply_fd, {"ready": True})
    buffer = b""
    children: set[int] = set()
    while True:
        readable, _, _ = select.select([request_fd, wake_read], [], [], 1.0)
        if wake_read in readable:
            drain(wake_read)
        for pid in list(children):
            done, status = os.waitpid(pid, os.WNOHANG)
            if done:
                children.discard(pid)
                write_line(reply_fd, {"exit": pid, "code": exit_code(status)})
        if request_fd not in readable:
            continue
        chunk = os.read(request_fd, 1 << 16)
        if not chunk:
            for pid in children:  # the runner is gone: so are its kernels
                try:
                    os.kill(pid, signal.SIGKILL)
                except OSError:
                    pass
            return
        buffer += chunk
        while b"\n" in buffer:
            line, buffer = buffer.split(b"\n", 1)
            try:
                request = json.loads(line)
            except ValueError as error:
                write_line(reply_fd, {"error": f"bad request: {error}"})
                continue
            if request.get("ping"):
                write_line(reply_fd, {"pong": True})
                continue
            pid = os.fork()
            if pid == 0:
                signal.set_wakeup_fd(-1)
                signal.signal(signal.SIGCHLD, signal.SIG_DFL)
                become_kernel(request, (request_fd, reply_fd, wake_read, wake_write))
            children.add(pid)
            write_line(reply_fd, {"pid": pid})


class ZygoteError(RuntimeError):
    pass


class Zygote:
    """The runner's handle on its zygote process."""

    def __init__(self, python: str, env: dict[str, str], start_timeout: float):
        import subprocess

        request_read, self.request_fd = os.pipe()
        self.reply_fd, reply_write = os.pipe()
        os.set_inheritable(self.request_fd, False)
        os.set_inheritable(self.reply_fd, False)
        self.process = subprocess.Popen([python, os.path.abspath(__file__), str(request_read), str(reply_write)],
                                        stdin=subprocess.DEVNULL, pass_fds=(request_read, reply_write), env=env,
                                        close_fds=True)
        os.close(request_read)
        os.close(reply_write)
        self.buffer = b""
        self.exits: dict[int, int] = {}
        if not self.next_reply(start_timeout).get("ready"):
            raise ZygoteError("the kernel zygote did not start")

    def next_reply(self, timeout: float | None) -> dict:
        """The next reply that is not a child's exit (exits are recorded on the way)."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            while b"\n" in self.buffer:
                line, self.buffer = self.buffer.split(b"\n", 1)
                reply = json.loads(line)
                if "exit" in reply:
                    self.exits[reply["exit"]] = reply["code"]
                    if timeout == 0:
                        return {}
                    continue
                return reply
            left = None if deadline is None else max(deadline - time.monotonic(), 0)
            readable, _, _ = select.select([self.reply_fd], [], [], left)
            if not readable:
                if timeout == 0:
                    return {}
                raise ZygoteError("the kernel zygote did not answer")
            chunk = os.read(self.reply_fd, 1 << 16)
            if not chunk:
                raise ZygoteError(f"the kernel zygote ended (exit {self.process.wait()})")
            self.buffer += chunk

    def collect_exits(self) -> None:
        try:
            while self.next_reply(0):
                pass
        except ZygoteError:
            pass

    def answers(self, timeout: float = 5.0) -> bool:
        """The zygote is alive and serving (a kernel of the same uid may have stopped or killed it)."""
        try:
            os.kill(self.process.pid, signal.SIGCONT)
            write_line(self.request_fd, {"ping": True})
            return self.next_reply(timeout).get("pong") is True
        except (OSError, ZygoteError, ValueError):
            return False

    def fork_kernel(self, argv: list[str], env: dict[str, str], cwd: str) -> "ZygoteKernel":
        write_line(self.request_fd, {"argv": argv, "env": env, "cwd": cwd})
        reply = self.next_reply(60)
        if "pid" not in reply:
            raise ZygoteError(reply.get("error", f"unexpected reply {reply!r}"))
        return ZygoteKernel(self, reply["pid"])

    def close(self) -> None:
        for fd in (self.request_fd, self.reply_fd):
            try:
                os.close(fd)
            except OSError:
                pass
        try:
            self.process.wait(timeout=5)
        except Exception:  # noqa: BLE001 - a zygote that does not leave is killed
            self.process.kill()
            self.process.wait()


class ZygoteKernel:
    """What jupyter_client's LocalProvisioner needs of a kernel's Popen, for a kernel the zygote forked."""

    stdin = stdout = stderr = None

    def __init__(self, zygote: Zygote, pid: int):
        self.zygote = zygote
        self.pid = pid
        self.returncode: int | None = None

    def poll(self) -> int | None:
        if self.returncode is None:
            self.zygote.collect_exits()
            self.returncode = self.zygote.exits.get(self.pid)
        zygote_gone = self.zygote.process.poll() is not None
        if self.returncode is None and zygote_gone and not os.path.exists(f"/proc/{self.pid}"):
            self.returncode = -signal.SIGKILL  # the zygote was killed: nobody reports this kernel's end but /proc
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        end = None if timeout is None else time.monotonic() + timeout
        while self.poll() is None:
            if end is not None and time.monotonic() > end:
                import subprocess

                raise subprocess.TimeoutExpired(f"kernel {self.pid}", timeout)
            time.sleep(0.02)
        return self.returncode

    def send_signal(self, signum: int) -> None:
        if self.poll() is None:
            os.kill(self.pid, signum)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)


def provisioner_class():
    """ForkedProvisioner: LocalProvisioner whose kernels come from the zygote set as its class attribute."""
    from jupyter_client.provisioning.local_provisioner import LocalProvisioner

    class ForkedProvisioner(LocalProvisioner):
        zygote: Zygote | None = None

        async def launch_kernel(self, cmd, **kwargs):
            env = kwargs.get("env") or dict(os.environ)
            cwd = str(kwargs.get("cwd") or os.getcwd())
            self.process = type(self).zygote.fork_kernel(list(cmd), dict(env), cwd)
            self.pid = self.pgid = self.process.pid
            self.cwd = cwd
            return self.connection_info

    return ForkedProvisioner


if __name__ == "__main__":
    serve(int(sys.argv[1]), int(sys.argv[2]))
