"""A feedback page stays under the size limit (autograde/report/page_size.py): notebooks that are each under the
autograded-notebook limit but render many times larger, rendered with nbgrader's own feedback template."""

from pathlib import Path

import nbformat
import nbgrader
import pytest
from nbconvert.exporters import HTMLExporter
from nbconvert.preprocessors import CSSHTMLHeaderPreprocessor
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output
from traitlets.config import Config

from autograde.report.page_size import CapFeedbackSize
from autograde.sandbox.graded_size import fit_to_size
from autograde.settings import PROBE_MIME, SandboxLimits

LIMIT = SandboxLimits().max_graded_bytes


def render(nb) -> str:
    config = Config()
    config.HTMLExporter.template_name = "feedback"
    config.HTMLExporter.extra_template_basedirs = [
        str(Path(nbgrader.__file__).parent / "server_extensions" / "formgrader" / "templates")]
    config.HTMLExporter.extra_template_paths = [
        str(Path(nbgrader.__file__).parent / "server_extensions" / "formgrader" / "static" / "node_modules"
            / "bootstrap" / "dist" / "css")]
    exporter = HTMLExporter(config=config)
    for preprocessor in (CapFeedbackSize(), CSSHTMLHeaderPreprocessor()):
        exporter.register_preprocessor(preprocessor, enabled=True)
    grades = {"notebook": "x", "score": 0, "max_score": 10, "late_penalty": 0}
    body, _ = exporter.from_notebook_node(nb, resources={"nbgrader": grades})
    return body


def grade_cell(source: str, error: str | None = None):
    cell = new_code_cell(source)
    cell.metadata["nbgrader"] = {"grade": True, "grade_id": "test_it", "points": 2, "locked": True,
                                 "solution": False, "schema_version": 3, "score": 0}
    if error:
        cell.outputs = [new_output("error", ename="AssertionError", evalue=error, traceback=[error])]
    return cell


def scan_bomb():
    return new_notebook(cells=[new_code_cell("_table = [" + "0.5, " * 1_500_000 + "]"),
                               grade_cell("assert False", "the answer differs")])


def one_line_cells():
    return new_notebook(cells=[new_code_cell(f"x{n} = {n}") for n in range(5_000)]
                        + [grade_cell("assert False", "the answer differs")])


def escaped_output():
    cell = new_code_cell("print('<&>' * 3_000_000)")
    cell.outputs = [new_output("stream", name="stdout", text="<&\"" * 900_000 + "\n") for _ in range(3)]
    return new_notebook(cells=[cell, grade_cell("assert False", "the answer differs")])


def rich_outputs_and_markdown():
    cell = new_code_cell("show()")
    cell.outputs = [new_output("display_data", data={"text/html": "<b>" + "h" * 500_000 + "</b>",
                                                     "image/png": "iVBORw0KGgo" * 30_000}) for _ in range(8)]
    text = new_markdown_cell("**bold** " * 300_000)
    return new_notebook(cells=[cell, text, grade_cell("assert False", "the answer differs")])


@pytest.mark.parametrize("make", [scan_bomb, one_line_cells, escaped_output, rich_outputs_and_markdown])
def test_feedback_page_stays_under_the_limit(make):
    nb = make()
    fit_to_size(nb, LIMIT, PROBE_MIME)  # the autograded notebook, as grading leaves it
    assert len(nbformat.writes(nb).encode()) <= LIMIT
    page = render(nb)
    size = len(page.encode())
    print(f"\n    {make.__name__}: feedback page {size / 1e6:.2f} MB (limit {LIMIT / 1e6:.2f} MB)")
    assert size <= LIMIT
    assert "the answer differs" in page  # the grade cell's failure is still shown
    assert "not shown on this page" in page or size < LIMIT // 2


def test_an_honest_notebook_is_shown_whole():
    nb = new_notebook(cells=[new_code_cell("def forward(X):\n    return X @ W\n" * 20),
                             grade_cell("assert forward(X).shape == (2,)")])
    nb.cells[0].outputs = [new_output("stream", name="stdout", text="loss 0.1\n" * 100)]
    before = nbformat.writes(nb)
    CapFeedbackSize().preprocess(nb, {})
    assert nbformat.writes(nb) == before
