"""Nothing a student's notebook holds may run in a feedback page: an nbconvert preprocessor for generate_feedback.

A submission can carry any output: `display(Javascript(...))`, HTML with <script>, onclick handlers or
javascript: links, SVG with scripts, widget views, raw cells, markdown with raw HTML. The page is opened by the
student, and by the instructor in the formgrader. So before rendering:

- outputs keep only plain text, PNG/JPEG images, LaTeX and sanitized HTML/markdown (bleach: an allow-list of tags and
  attributes, no scripts, no event handlers, no javascript: URLs); every other type is dropped, with one line saying
  so;
- raw cells are dropped;
- markdown cells are sanitized after they are rendered to HTML (feedback_html.py calls `clean_html`): that covers
  raw HTML in the markdown and markdown's own links (`[x](javascript:...)`) alike.
"""

import bleach
from bleach.css_sanitizer import CSSSanitizer
from nbconvert.preprocessors import CoalesceStreamsPreprocessor, Preprocessor
from nbformat.v4 import new_output
from traitlets import Bool

KEPT = {"text/plain", "image/png", "image/jpeg", "text/latex"}
SANITIZED = {"text/html", "text/markdown"}
TAGS = {"a", "abbr", "b", "blockquote", "br", "caption", "code", "col", "colgroup", "dd", "del", "details", "div",
        "dl", "dt", "em", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "kbd", "li", "ol", "p", "pre", "s", "small",
        "span", "strong", "sub", "summary", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "u", "ul"}
ATTRIBUTES = {"*": ["class", "id", "style", "title"], "a": ["href"], "td": ["colspan", "rowspan", "align"],
              "th": ["colspan", "rowspan", "align"]}
PROTOCOLS = {"http", "https", "mailto"}
STYLES = ["text-align", "font-weight", "font-style", "color", "background-color", "border", "padding", "margin",
          "white-space", "vertical-align", "width"]


def clean_html(text: str) -> str:
    """HTML with only the allowed tags and attributes; everything else removed (scripts with their content)."""
    cleaner = bleach.Cleaner(tags=TAGS, attributes=ATTRIBUTES, protocols=PROTOCOLS, strip=True,
                             strip_comments=True, css_sanitizer=CSSSanitizer(allowed_css_properties=STYLES))
    return cleaner.clean(text)


class SanitizeStudentOutputs(Preprocessor):
    enabled = Bool(True)  # nbconvert registers preprocessors disabled unless they say otherwise

    def preprocess(self, nb, resources):
        nb.cells = [cell for cell in nb.cells if cell.cell_type != "raw"]
        return super().preprocess(nb, resources)

    def preprocess_cell(self, cell, resources, index):
        if cell.cell_type == "markdown":
            cell.pop("attachments", None)  # images pasted into markdown: not shown
        elif cell.cell_type == "code":
            cell.outputs = [kept for output in cell.get("outputs", []) for kept in self.clean_output(output)]
        return cell, resources

    def clean_output(self, output) -> list:
        if output.get("output_type") not in ("display_data", "execute_result"):
            return [output]  # streams and errors are text: the template escapes them
        data = output.get("data", {})
        dropped = sorted(set(data) - KEPT - SANITIZED)
        output["data"] = {kind: clean_html(value) if kind in SANITIZED else value
                          for kind, value in data.items() if kind in KEPT | SANITIZED}
        output.get("metadata", {}).pop("jupyter", None)
        note = [new_output("stream", name="stdout", text=f"[output of type {', '.join(dropped)} not shown in "
                                                         "feedback / この形式の出力はフィードバックに表示しません]\n")]
        if not output["data"]:
            return note
        return [output] + (note if dropped and "text/plain" not in output["data"] else [])


class CoalesceStreams(CoalesceStreamsPreprocessor):
    """nbconvert's stream merging, enabled: a progress bar's carriage returns show its last state, not every redraw."""

    enabled = Bool(True)
