"""The HTML exporter of the feedback pages: math rendered to MathML when the page is written, so it needs no script;
the HTML of every markdown cell sanitized (sanitize.py).

nbconvert leaves $...$ to MathJax, loaded from a CDN: offline, a student sees raw LaTeX. Here every formula of a
markdown cell becomes MathML (latex2mathml), which browsers draw themselves, offline, with no script at all; a
formula it cannot convert stays as its LaTeX in a code span. Each page stands alone (nbgrader's release_feedback
copies only the .html files), and the template (templates/cnn1d_feedback) loads nothing from the network.
"""

import html
import re
from pathlib import Path

import bleach
import nbgrader
from latex2mathml.converter import convert
from nbconvert.exporters import HTMLExporter

from autograde.report.sanitize import clean_html

TEMPLATES = Path(__file__).resolve().parent / "templates"
TEMPLATE_NAME = "cnn1d_feedback"  # templates/cnn1d_feedback, based on nbgrader's feedback template (found here:)
TEMPLATE_FILE = "feedback_page.html.j2"  # not index.html.j2, so that it can extend nbgrader's index.html.j2
NBGRADER_TEMPLATES = str(Path(nbgrader.__file__).parent / "server_extensions" / "formgrader" / "templates")
# code is left alone: fenced blocks and inline code spans
CODE = re.compile(r"(```.*?```|(?P<ticks>`+)[^`\n].*?(?P=ticks))", re.DOTALL)
# MathML elements and attributes latex2mathml writes; a formula is a student's text too, so its MathML is cleaned
MATHML_TAGS = {"math", "mrow", "mi", "mo", "mn", "ms", "mtext", "mspace", "msub", "msup", "msubsup", "mfrac", "msqrt",
               "mroot", "munder", "mover", "munderover", "mtable", "mtr", "mtd", "mstyle", "mpadded", "mphantom",
               "menclose", "merror", "semantics", "annotation"}
MATHML_ATTRIBUTES = ["xmlns", "display", "stretchy", "fence", "separator", "mathvariant", "accent", "accentunder",
                     "movablelimits", "lspace", "rspace", "width", "height", "depth", "linethickness", "columnalign",
                     "rowspacing", "columnspacing", "displaystyle", "scriptlevel", "notation", "minsize", "maxsize",
                     "symmetric", "form", "largeop", "encoding"]
MATH = re.compile(r"\$\$(?P<block>.+?)\$\$|\\\[(?P<block2>.+?)\\\]|\\\((?P<inline2>.+?)\\\)|"
                  r"(?<![\\$])\$(?P<inline>[^$\n]+?)\$", re.DOTALL)


def to_mathml(tex: str, display: bool) -> str:
    """MathML for a formula (its text may be HTML-escaped by the sanitizer), or the LaTeX as code if it fails."""
    tex = html.unescape(tex).strip()
    try:
        mathml = convert(tex, display="block" if display else "inline")
    except Exception:  # a formula latex2mathml does not know is shown as its source
        return f"<code>{html.escape(tex)}</code>"
    return bleach.clean(mathml, tags=MATHML_TAGS, attributes={"*": MATHML_ATTRIBUTES}, strip=True)


def protect_math(markdown: str) -> tuple[str, dict[str, str]]:
    """The markdown with each formula replaced by a placeholder word, and the MathML of each placeholder."""
    found: dict[str, str] = {}

    def keep(match) -> str:
        display = bool(match["block"] or match["block2"])
        tex = match["block"] or match["block2"] or match["inline2"] or match["inline"]
        token = f"CNNMATHTOKEN{len(found)}X"
        found[token] = to_mathml(tex, display)
        return token

    pieces, start = [], 0
    for code in CODE.finditer(markdown):
        pieces += [MATH.sub(keep, markdown[start:code.start()]), code[0]]
        start = code.end()
    return "".join(pieces) + MATH.sub(keep, markdown[start:]), found


class FeedbackExporter(HTMLExporter):
    """HTMLExporter whose markdown cells carry MathML instead of LaTeX for MathJax."""

    def markdown2html(self, context, source):
        text, formulas = protect_math(source)
        rendered = clean_html(super().markdown2html(context, text))  # a student's markdown may hold anything
        for token, mathml in formulas.items():
            rendered = rendered.replace(token, mathml)
        return rendered

    markdown2html.__dict__.update(HTMLExporter.markdown2html.__dict__)  # keep jinja's pass_context marker


def exporter_config() -> dict:
    """HTMLExporter settings of the feedback pages (nbgrader_config.py sets them; tests render with them)."""
    return {"template_name": TEMPLATE_NAME, "template_file": TEMPLATE_FILE,
            "extra_template_basedirs": [str(TEMPLATES), NBGRADER_TEMPLATES]}
