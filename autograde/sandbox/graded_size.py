"""An autograded notebook stays under a fixed size (SandboxLimits.max_graded_bytes), whatever the submission.

The runner already bounds the outputs (autograde/sandbox/capped_output.py); what is left is the submission itself:
a student's own cells can hold megabytes of source (a 50 MB notebook passes intake). After the run, the grader cuts
the executed notebook down to the cap in this order, stopping as soon as it fits:

1. outputs other than errors and hidden-test results, largest first (the cell gets one "output truncated" note);
2. error tracebacks, to their last lines (the error itself stays: a grade cell with an error must still fail);
3. the source of the student's own cells (not grade cells, not locked cells), longest first, to their first
   KEPT_SOURCE_CHARS characters and a note; the submission in submitted/ keeps them whole;
4. the student's own cells past the cap, from the end (one markdown note says how many).

Grade cells, locked cells and hidden-test results (PROBE_MIME, removed by the judge right after) are never cut, so
grading is unchanged. Honest notebooks are about 0.2 MB: none of this happens to them.
"""

import json

import nbformat
from nbformat import NotebookNode

KEPT_SOURCE_CHARS = 20_000
KEPT_TRACEBACK_CHARS = 1000
INDENT_BYTES = 12  # newline and indentation nbformat's indent=1 adds per line, key or object, at most (depth < 12)


def truncated_note() -> NotebookNode:
    return nbformat.v4.new_output("stream", name="stdout", text=(
        "\n[autograde] output truncated: the graded notebook reached its size limit.\n"
        "[autograde] 出力を切り詰めました：採点済みノートブックのサイズ上限に達しました。\n"))


def is_kept_whole(cell) -> bool:
    """Grade and locked cells: restored from the release, graded, never cut."""
    meta = cell.get("metadata", {}).get("nbgrader", {})
    return bool(meta.get("grade") or meta.get("locked"))


def json_size(value) -> int:
    """Bytes `value` takes in a file nbformat writes, at most: compact JSON (C speed; nbformat's indented JSON goes
    through the pure-Python encoder, seconds for 10 MB) plus INDENT_BYTES for every line of every string (written
    as a list of lines), every key and every object."""
    compact = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return (len(compact.encode("utf-8", "replace"))
            + INDENT_BYTES * (compact.count("\\n") + compact.count('":') + compact.count("{")))


def notebook_size(nb: NotebookNode, probe_mime: str) -> int:
    """Bytes of the notebook as nbgrader will write it (at most), without the hidden-test results the judge
    removes."""
    outputs = [output for cell in nb.cells for output in cell.get("outputs", [])
               if probe_mime in output.get("data", {})]
    return json_size(nb) - sum(json_size(output) for output in outputs)


def drop_outputs(nb: NotebookNode, excess: int, probe_mime: str) -> int:
    """Step 1; returns the bytes still over."""
    sized = [(json_size(output), index, output) for index, cell in enumerate(nb.cells)
             for output in cell.get("outputs", [])
             if output.get("output_type") != "error" and probe_mime not in output.get("data", {})
             and output != truncated_note()]
    dropped: dict[int, list] = {}
    for size, index, output in sorted(sized, key=lambda item: -item[0]):
        if excess <= 0:
            break
        dropped.setdefault(index, []).append(output)
        excess -= size
    for index, outputs in dropped.items():
        cell = nb.cells[index]
        gone = {id(output) for output in outputs}
        cell.outputs = [output for output in cell.outputs if id(output) not in gone] + [truncated_note()]
        excess += json_size(truncated_note())
    return excess


def shorten_errors(nb: NotebookNode, excess: int) -> int:
    """Step 2."""
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            if excess <= 0:
                return excess
            if output.get("output_type") == "error":
                before = json_size(output)
                text = "\n".join(str(line) for line in output.get("traceback", []))
                output.traceback = [text[-KEPT_TRACEBACK_CHARS:]]
                output.evalue = str(output.get("evalue", ""))[:KEPT_TRACEBACK_CHARS]
                excess -= before - json_size(output)
    return excess


def cut_sources(nb: NotebookNode, excess: int) -> int:
    """Step 3."""
    long_cells = sorted((cell for cell in nb.cells if not is_kept_whole(cell)
                         and len(cell.source) > KEPT_SOURCE_CHARS), key=lambda cell: -len(cell.source))
    for cell in long_cells:
        if excess <= 0:
            break
        length = len(cell.source)
        marker = "#" if cell.cell_type == "code" else ""
        note = (f"\n{marker} [autograde] this cell's {length} characters are cut here in the graded copy (the "
                f"submission keeps them all) / 採点済みのコピーではこのセルの {length} 文字をここで省略しています")
        before = len(cell.source.encode("utf-8", "replace"))
        cell.source = cell.source[:KEPT_SOURCE_CHARS] + note
        excess -= before - len(cell.source.encode("utf-8", "replace"))
    return excess


def drop_cells(nb: NotebookNode, excess: int) -> int:
    """Step 4."""
    removed = 0
    for index in range(len(nb.cells) - 1, -1, -1):
        if excess <= 0:
            break
        cell = nb.cells[index]
        if not is_kept_whole(cell):
            excess -= json_size(cell)
            del nb.cells[index]
            removed += 1
    if removed:
        nb.cells.append(nbformat.v4.new_markdown_cell(
            f"[autograde] {removed} of the student's cells are not kept in the graded copy: the notebook reached its "
            f"size limit. / 採点済みノートブックのサイズ上限に達したため、{removed} 個のセルを省略しました。"))
    return excess


def fit_to_size(nb: NotebookNode, max_bytes: int, probe_mime: str) -> list[str]:
    """Cut the executed notebook (in place) to max_bytes as described above; returns what was cut, for the log."""
    done = []
    for step in (drop_outputs, shorten_errors, cut_sources, drop_cells):
        for _ in range(2):  # the sizes above leave out nbformat's indentation: a second pass if that was too little
            size = notebook_size(nb, probe_mime)
            if size <= max_bytes:
                return done
            excess = size - max_bytes + max_bytes // 20
            if step is drop_outputs:
                step(nb, excess, probe_mime)
            else:
                step(nb, excess)
            done.append(f"{step.__name__.replace('_', ' ')} ({size} bytes, limit {max_bytes})")
    return done
