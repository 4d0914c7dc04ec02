"""A feedback page stays under SandboxLimits.max_graded_bytes, whatever the autograded notebook holds.

The autograded notebook is already under that size (autograde/sandbox/graded_size.py), but rendering multiplies
it: syntax highlighting turns each token of source into a <span> (a list literal of numbers: 13 bytes of HTML per
byte of source, single-character tokens up to 24), escaping turns `<` or `&` into 4-5 bytes, and every cell gets
its own wrapper of divs (50,000 one-line cells gave a 28 MB page). CapFeedbackSize, an nbconvert preprocessor run by
generate_feedback before rendering, therefore shows at most:

* SHOWN_SOURCE_CHARS of one cell's source, and SOURCE_SHARE of the page for all sources at the worst expansion;
* OUTPUT_SHARE of the page for outputs and markdown attachments, at their worst expansion (text x6, images and
  HTML as they are);
* MAX_SHOWN_CELLS cells: grade and locked cells always; the student's own cells past that are replaced by one note.

What is cut says so on the page ("not shown on this page"). Scores and grade cells are never cut; a grade cell's
error output is shortened, never dropped (it is why the cell lost its points). `oversized_pages` then checks every
rendered page, so a template change cannot let one through unnoticed.
"""

import json
from pathlib import Path

import nbformat
from nbconvert.preprocessors import Preprocessor
from traitlets import Bool

from autograde.settings import sandbox_limits

SHOWN_SOURCE_CHARS = 20_000
MAX_SHOWN_CELLS = 500
PAGE_BASE_BYTES = 400_000  # the template, its CSS (about 125 KB) and the score boxes
CELL_WRAPPER_BYTES = 1500  # the divs around one cell
SOURCE_EXPANSION = 26  # HTML bytes per source character at worst (a highlighted one-character token)
TEXT_EXPANSION = 6  # HTML bytes per byte of plain-text output at worst ('"' -> '&quot;')
SOURCE_SHARE = 0.4
OUTPUT_SHARE = 0.3  # the rest: the base, MAX_SHOWN_CELLS wrappers and notes, errors kept past the share
NOT_SHOWN = "not shown on this page: the page reached its size limit / ページのサイズ上限のため表示していません"


def kept_whole(cell) -> bool:
    meta = cell.get("metadata", {}).get("nbgrader", {})
    return bool(meta.get("grade") or meta.get("locked"))


def output_weight(output) -> int:
    """HTML bytes an output can take, at most."""
    if output.get("output_type") in ("stream", "error"):
        text = output.get("text", "") + output.get("evalue", "") + "".join(output.get("traceback", []))
        return TEXT_EXPANSION * len(text.encode("utf-8", "replace")) + CELL_WRAPPER_BYTES
    return int(1.1 * len(json.dumps(output.get("data", {}), ensure_ascii=False))) + CELL_WRAPPER_BYTES


def note_output() -> nbformat.NotebookNode:
    return nbformat.v4.new_output("stream", name="stdout", text=f"[autograde] output {NOT_SHOWN}\n")


class CapFeedbackSize(Preprocessor):
    enabled = Bool(True)  # nbconvert registers preprocessors disabled unless they say otherwise

    def preprocess(self, nb, resources):
        page = sandbox_limits().max_graded_bytes
        self.limit_cells(nb)
        self.limit_sources(nb, int(page * SOURCE_SHARE / SOURCE_EXPANSION))
        self.limit_outputs(nb, int(page * OUTPUT_SHARE))
        return nb, resources

    @staticmethod
    def limit_cells(nb) -> None:
        room = MAX_SHOWN_CELLS - sum(kept_whole(cell) for cell in nb.cells)
        shown, hidden = [], 0
        for cell in nb.cells:
            if kept_whole(cell) or room > 0:
                room -= not kept_whole(cell)
                shown.append(cell)
            else:
                hidden += 1
        if hidden:
            shown.append(nbformat.v4.new_markdown_cell(f"[autograde] {hidden} more cells {NOT_SHOWN}"))
            nb.cells = shown

    @staticmethod
    def limit_sources(nb, chars: int) -> None:
        for cell in nb.cells:
            source = cell.source if kept_whole(cell) else cell.source[:SHOWN_SOURCE_CHARS]
            if len(source) > chars and not kept_whole(cell):
                source = source[:max(chars, 0)]
            if source != cell.source:
                marker = "# " if cell.cell_type == "code" else ""
                cell.source = f"{source}\n{marker}[autograde] {len(cell.source) - len(source)} characters {NOT_SHOWN}"
            chars -= len(cell.source)

    @staticmethod
    def limit_outputs(nb, budget: int) -> None:
        for cell in nb.cells:
            attachments = cell.get("attachments")
            if attachments:
                weight = output_weight({"data": attachments})
                if weight <= budget:
                    budget -= weight
                else:
                    del cell["attachments"]
            kept, cut = [], False
            for output in cell.get("outputs", []):
                weight = output_weight(output)
                if weight <= budget:
                    budget -= weight
                    kept.append(output)
                elif output.get("output_type") == "stream" and budget > 2 * CELL_WRAPPER_BYTES:
                    output.text = output.text[:(budget - CELL_WRAPPER_BYTES) // (4 * TEXT_EXPANSION)]
                    budget -= output_weight(output)
                    kept.append(output)
                    cut = True
                elif output.get("output_type") == "error" and kept_whole(cell):  # why the grade cell lost points
                    output.traceback = [f"{output.get('ename', 'Error')}: {str(output.get('evalue', ''))[:200]}"]
                    output.evalue = str(output.get("evalue", ""))[:200]
                    kept.append(output)
                else:
                    cut = True
            if cut:
                kept.append(note_output())
            if "outputs" in cell:
                cell.outputs = kept


def oversized_pages(pages: list[Path], limit: int) -> list[Path]:
    """Pages over the limit (should be none: CapFeedbackSize keeps them under it)."""
    return [page for page in pages if page.stat().st_size > limit]
