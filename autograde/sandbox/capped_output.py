"""Every byte a kernel emits, bounded before anyone holds it: the sandbox runner's notebook client and its kernel's
stdout/stderr (autograde/sandbox/runner.py uses this inside the sandbox).

Standalone on purpose (stdlib + nbformat + nbclient), like the runner: the sandbox binds this file beside it.

What a kernel can send, and the bound on each:

* outputs on IOPub (stream, display_data, execute_result, error, rich data such as images and HTML): charged by
  their size to the cell (max_cell_output_bytes) and to the notebook (max_output_bytes), each output at least
  OUTPUT_OVERHEAD bytes so that a flood of tiny outputs is bounded too. Past a limit the output is dropped and the
  cell gets one bilingual "output truncated" note;
* display updates (update_display_data, or a display_data reusing a display_id): nbclient would replace earlier
  outputs with the new data before any check; here the growth is charged like new output and an update that does
  not fit is not applied;
* errors: within the limits they are kept like other output; past them each cell keeps at most one short error
  (within ERROR_RESERVE_BYTES), and a grade cell always keeps a minimal one: a grade cell whose error was dropped
  would look passed;
* hidden-test results (PROBE_MIME outputs of grade cells): the score depends on them, so they have their own budget
  (max_probe_bytes per notebook); forged ones in other cells are ordinary output;
* comm messages (widgets): never kept (nothing in grading reads widget state);
* the kernel's own stdout/stderr file descriptors (ipykernel keeps the original fd 2; os.write(2, ...) reaches it):
  a pipe read by StreamTail, which keeps the first and last TAIL_BYTES and counts the rest.
"""

import os
import threading

import nbformat
from nbclient import NotebookClient

OUTPUT_OVERHEAD = 200  # bytes charged per output besides its content: the JSON and object around it
KEPT_ERROR_CHARS = 1000  # an error past the limits keeps this much of its message and traceback
ERROR_RESERVE_BYTES = 256 << 10  # short errors past the limits, all cells together
TAIL_BYTES = 8 << 10  # StreamTail keeps this much of the start and of the end


def payload_size(value, limit: int) -> int:
    """Bytes `value` (a message content of dicts, lists, strings, numbers) takes as UTF-8 JSON, roughly; counting
    stops once past `limit` (a 1 GiB message costs no second copy to measure)."""
    total = 0
    stack = [value]
    while stack and total <= limit:
        item = stack.pop()
        if isinstance(item, str):
            total += (len(item) if item.isascii() else len(item.encode("utf-8", "replace"))) + 3
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, (list, tuple)):
            total += len(item) + 2
            stack.extend(item)
        else:
            total += 24
    return total


def truncation_note(english: str, japanese: str) -> nbformat.NotebookNode:
    # stdout, not stderr: nbgrader scores a grade cell with any stderr 0, and printing a lot is not an error
    return nbformat.v4.new_output("stream", name="stdout", text=f"\n[autograde] {english}\n[autograde] {japanese}\n")


def short_error(content: dict, chars: int = KEPT_ERROR_CHARS) -> nbformat.NotebookNode:
    """The error, cut to `chars` of message and of traceback (the last lines: where it was raised)."""
    evalue = str(content.get("evalue", ""))
    traceback = content.get("traceback", [])
    tail = "\n".join(str(line) for line in traceback[-20:]) if isinstance(traceback, list) else str(traceback)
    return nbformat.v4.new_output("error", ename=str(content.get("ename", "Error"))[:200], evalue=evalue[:chars],
                                  traceback=[tail[-chars:]])


class CappedClient(NotebookClient):
    """NotebookClient whose kept output is bounded per cell and per notebook (see the module docstring). The runner
    drives execution itself (run_cell) and sets `accepting` False once a cell timed out."""

    def __init__(self, nb, settings: dict, **kwargs):
        super().__init__(nb, **kwargs)
        self.max_notebook = settings["max_output_bytes"]
        self.max_cell = settings["max_cell_output_bytes"]
        self.max_probe = settings["max_probe_bytes"]
        self.probe_mime = settings["probe_mime"]
        self.kept = 0  # output bytes charged to the notebook
        self.cell_kept: dict[int, int] = {}
        self.probe_kept = 0
        self.error_reserve = ERROR_RESERVE_BYTES
        self.noted: set[tuple[int, str]] = set()  # (cell, which limit) already told in that cell
        self.notebook_full = False  # an output did not fit the notebook's limit: later ones are not kept either
        self.full_cells: set[int] = set()  # cells whose output reached the cell's limit
        self.short_errors: set[int] = set()  # cells holding their one error kept past the limits
        self.accepting = True
        self.current_cell = -1

    # -- which limit an output is charged to --

    def is_grade_cell(self, index: int) -> bool:
        cell = self.nb.cells[index] if 0 <= index < len(self.nb.cells) else None
        return cell is not None and bool(cell.get("metadata", {}).get("nbgrader", {}).get("grade"))

    def fits(self, index: int, size: int) -> bool:
        return (not self.notebook_full and index not in self.full_cells and self.kept + size <= self.max_notebook
                and self.cell_kept.get(index, 0) + size <= self.max_cell)

    def charge(self, index: int, size: int) -> None:
        self.kept += size
        self.cell_kept[index] = self.cell_kept.get(index, 0) + size

    def note_truncation(self, outs, index: int, size: int) -> None:
        """An output of `size` bytes did not fit: from now on the notebook (or this cell) keeps no more output, and
        says so once, in this cell."""
        if self.notebook_full or index in self.full_cells:
            return
        if self.kept + size > self.max_notebook:
            self.notebook_full = True
            limit = self.max_notebook
            outs.append(truncation_note(
                f"output truncated: this notebook reached its output limit of {limit} bytes; later output of the "
                "notebook is not kept.",
                f"出力を切り詰めました：このノートブックの出力が上限 {limit} バイトに達したため、"
                "以降の出力は保存されません。"))
            return
        self.full_cells.add(index)
        self.kept += 2 * OUTPUT_OVERHEAD  # the note is output too: charged, so notes in many cells stay bounded
        limit = self.max_cell
        outs.append(truncation_note(
            f"output truncated: this cell reached its output limit of {limit} bytes; later output of the cell is not "
            "kept.", f"出力を切り詰めました：このセルの出力が上限 {limit} バイトに達したため、"
                     "以降の出力は保存されません。"))

    # -- nbclient hooks --

    def process_message(self, msg, cell, cell_index):
        self.current_cell = cell_index
        return super().process_message(msg, cell, cell_index)

    def handle_comm_msg(self, outs, msg, cell_index):
        return None  # widget state is never kept: grading reads none of it, and it would be unbounded

    def output(self, outs, msg, display_id, cell_index):
        if not self.accepting:  # output of a cell after its timeout: nobody will look at it
            return None
        msg_type = msg["msg_type"]
        content = msg.get("content") or {}
        if msg_type == "error":
            return self.keep_error(outs, msg, display_id, cell_index)
        is_probe = (msg_type in ("display_data", "execute_result") and isinstance(content.get("data"), dict)
                    and self.probe_mime in content["data"] and self.is_grade_cell(cell_index))
        if is_probe:
            size = payload_size(content, self.max_probe) + OUTPUT_OVERHEAD
            if self.probe_kept + size > self.max_probe:
                if (cell_index, "probe") not in self.noted:
                    self.noted.add((cell_index, "probe"))
                    limit = self.max_probe
                    outs.append(truncation_note(
                        f"hidden-test results truncated: their limit of {limit} bytes per notebook was reached.",
                        f"隠しテストの結果が上限 {limit} バイトに達したため、保存されませんでした。"))
                return None
            self.probe_kept += size
            return super().output(outs, msg, display_id, cell_index)
        size = payload_size(content, self.max_notebook) + OUTPUT_OVERHEAD
        if not self.fits(cell_index, size):
            self.note_truncation(outs, cell_index, size)
            return None
        self.charge(cell_index, size)
        return super().output(outs, msg, display_id, cell_index)

    def keep_error(self, outs, msg, display_id, cell_index):
        content = msg.get("content") or {}
        size = payload_size(content, self.max_notebook) + OUTPUT_OVERHEAD
        if self.fits(cell_index, size):
            self.charge(cell_index, size)
            return super().output(outs, msg, display_id, cell_index)
        self.note_truncation(outs, cell_index, size)
        if cell_index in self.short_errors:
            return None  # this cell already shows an error: it fails either way
        error = short_error(content)
        size = payload_size(error, KEPT_ERROR_CHARS * 4) + OUTPUT_OVERHEAD
        if size > self.error_reserve:
            if not self.is_grade_cell(cell_index):
                return None
            error = short_error(content, 100)  # a grade cell must still fail: the smallest error that says why
        else:
            self.error_reserve -= size
        self.short_errors.add(cell_index)
        outs.append(error)
        return error

    def _update_display_id(self, display_id, msg):
        """An update replaces the data of every earlier output with this display_id: the growth is charged to the
        cells it lands in, and an update that does not fit is not applied (the earlier data stays)."""
        places = self._display_id_map.get(display_id, {})
        content = msg.get("content") or {}
        new_size = payload_size({"data": content.get("data"), "metadata": content.get("metadata")},
                                self.max_notebook)
        growth: dict[int, int] = {}
        for cell_index, output_indices in places.items():
            outputs = self.nb.cells[cell_index].get("outputs", [])
            for output_index in output_indices:
                if output_index < len(outputs):
                    old = outputs[output_index]
                    old_size = payload_size({"data": old.get("data"), "metadata": old.get("metadata")},
                                            self.max_notebook)
                    growth[cell_index] = growth.get(cell_index, 0) + max(new_size - old_size, 0)
        total = sum(growth.values())
        if not self.accepting or self.kept + total > self.max_notebook or any(
                self.cell_kept.get(index, 0) + extra > self.max_cell for index, extra in growth.items()):
            if self.accepting and 0 <= self.current_cell < len(self.nb.cells):
                self.note_truncation(self.nb.cells[self.current_cell].outputs, self.current_cell, total)
            return None
        for index, extra in growth.items():
            self.charge(index, extra)
        return super()._update_display_id(display_id, msg)


def chunks(fd: int, size: int = 1 << 16):
    """What a file descriptor gives until EOF (or an error: the other end is gone)."""
    while True:
        try:
            chunk = os.read(fd, size)
        except OSError:
            return
        if not chunk:
            return
        yield chunk


class StreamTail(threading.Thread):
    """Reads a file descriptor until EOF and keeps its first and last TAIL_BYTES: what a kernel writes to its own
    stdout/stderr (not IOPub) can be any size, and nobody downstream may hold more than this of it."""

    def __init__(self, fd: int):
        super().__init__(daemon=True, name="stream-tail")
        self.fd = fd
        self.head = b""
        self.tail = b""
        self.total = 0
        self.lock = threading.Lock()

    def run(self) -> None:
        for chunk in chunks(self.fd):
            with self.lock:
                self.total += len(chunk)
                room = TAIL_BYTES - len(self.head)
                if room > 0:
                    self.head += chunk[:room]
                    chunk = chunk[room:]
                if chunk:
                    self.tail = (self.tail + chunk)[-TAIL_BYTES:]

    def text(self) -> str:
        with self.lock:
            dropped = self.total - len(self.head) - len(self.tail)
            middle = f"\n[... {dropped} bytes not kept ...]\n".encode() if dropped > 0 else b""
            return (self.head + middle + self.tail).decode("utf-8", "replace")
