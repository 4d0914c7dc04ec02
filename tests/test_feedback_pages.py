"""Feedback pages: nothing from a submission runs in them, math is MathML (offline, no script), each page lists its
checks by grade id, and every student gets a summary page with the notebooks not submitted."""

from pathlib import Path

import nbgrader
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output, new_raw_cell
from traitlets.config import Config

from autograde.course import course_notebooks
from autograde.report.feedback_html import FeedbackExporter, exporter_config, protect_math, to_mathml
from autograde.report.grades import TestScore as Score  # not "Test*": pytest would collect it
from autograde.report.hide_hidden_tests import HideHiddenTests
from autograde.report.sanitize import SanitizeStudentOutputs
from autograde.report.summary_page import COURSE_BOX, NotebookResult, course_box, render

BOOTSTRAP = Path(nbgrader.__file__).parent / "server_extensions/formgrader/static/node_modules/bootstrap/dist/css"
ACTIVE = ("<script", "javascript:", "onerror", "onclick", "<iframe", "<img", "<svg")


def hostile_notebook():
    markdown = new_markdown_cell("## A note\n<script>alert(1)</script><img src=x onerror=alert(2)>\n"
                                 "[link](javascript:alert(3)) and $x < y$ and $\\text{<img src=x onerror=alert(4)>}$")
    html = ('<b onclick="alert(6)">bold</b><script>alert(7)</script><a href="javascript:alert(8)">x</a>'
            "<table><tr><td>1</td></tr></table>")
    outputs = [new_output("display_data", data={"application/javascript": "alert(5)", "text/plain": "<JS>"}),
               new_output("display_data", data={"text/html": html}),
               new_output("display_data", data={"image/svg+xml": "<svg><script>alert(9)</script></svg>"})]
    check = new_code_cell("check_array('a', a, [35, 50])", outputs=[new_output(
        "error", ename="CheckFailed", evalue="a differs at 2 of 2 positions",
        traceback=["CheckFailed: a differs at 2 of 2 positions"])],
        metadata={"nbgrader": {"grade": True, "grade_id": "test_values", "points": 2, "score": 0.0,
                               "locked": True, "solution": False}})
    statement = new_markdown_cell("$$a_i = \\sum_{s=0}^{F-1} x_{(i+s)}\\, w_s + b$$ with `$not math$` in code")
    return new_notebook(cells=[statement, markdown, new_code_cell("show()", outputs=outputs), check,
                               new_raw_cell("<script>alert(10)</script>")])


def render_page(notebook) -> str:
    exporter = FeedbackExporter(config=Config(HTMLExporter={**exporter_config(), "extra_template_paths": [
        str(BOOTSTRAP)]}))
    for preprocessor in (SanitizeStudentOutputs, HideHiddenTests):
        exporter.register_preprocessor(preprocessor(), enabled=True)
    resources = {"nbgrader": {"notebook": "01_pilot", "student": "s1", "score": 0.0, "max_score": 2.0,
                              "late_penalty": 0}}
    page, _ = exporter.from_notebook_node(notebook, resources=resources)
    return page


def test_nothing_a_submission_holds_can_run_in_its_feedback_page():
    page = render_page(hostile_notebook())
    body = page.split("</head>", 1)[1]  # the head is the course's own CSS (bootstrap mentions javascript: links)
    assert [word for word in ACTIVE if word in body] == []
    assert "<table>" in page and "bold" in page  # harmless HTML stays
    assert "not shown in feedback" in page  # the dropped JavaScript / SVG outputs are named


def test_the_page_has_no_script_and_loads_nothing_from_the_network():
    page = render_page(hostile_notebook())
    assert "<script" not in page and "MathJax" not in page
    assert "src=\"http" not in page and "href=\"http" not in page


def test_math_is_mathml_and_code_spans_keep_their_dollars():
    page = render_page(hostile_notebook())
    assert '<math display="block" xmlns="http://www.w3.org/1998/Math/MathML">' in page
    assert "\\sum" not in page and "$$" not in page
    assert "$not math$" in page
    text, formulas = protect_math("see $j - s &lt; N$ and ``$x$``")
    assert list(formulas.values()) == [to_mathml("j - s < N", display=False)] and "``$x$``" in text


def test_each_page_lists_its_checks_by_grade_id_with_the_message_wrapped():
    page = render_page(hostile_notebook())
    toc = page.split('id="toc"')[1].split("</table>")[0]
    assert 'href="#test_values"' in toc and "<code>test_values</code>" in toc
    assert "CheckFailed: a differs at 2 of 2 positions" in toc
    assert 'href="index.html"' in page
    assert "white-space: pre-wrap" in page


def test_the_summary_page_has_the_total_each_check_and_the_notebooks_not_submitted():
    first, second = course_notebooks()[:2]
    results = [NotebookResult(first, True, True, [Score("test_a", 1.0, 1.0), Score("test_b", 0.0, 2.0)],
                              {"test_b": "CheckFailed: <script>alert(1)</script> differs"}),
               NotebookResult(second, False, False, [Score("test_c", 0.0, 3.0)])]
    page = render("s<1>", results)
    assert "Total / 合計: 1 / 6 points" in page
    assert f"Not submitted / 未提出: {second.name}" in page
    assert f'<a href="{first.name}.html#test_b"><code>test_b</code></a>' in page
    assert "&lt;script&gt;" in page and "<script" not in page and "s&lt;1&gt;" in page
    assert f'href="{second.name}.html"' not in page  # no page to link to


def test_each_notebook_page_shows_the_course_total_where_the_exchange_returns_no_summary_page():
    first, second = course_notebooks()[:2]
    results = [NotebookResult(first, True, True, [Score("test_a", 1.0, 1.0), Score("test_b", 0.0, 2.0)]),
               NotebookResult(second, False, False, [Score("test_c", 0.0, 3.0)])]
    page = render_page(hostile_notebook())
    assert len(COURSE_BOX.findall(page)) == 1  # the template's placeholder, replaced by make feedback
    page = COURSE_BOX.sub(lambda _: course_box(results), page, count=1)
    box = page.split('<div id="course-summary">')[1].split("</div>")[0]
    assert "Total / 合計: 1 / 6" in box and 'href="index.html"' in box
    assert f'<a href="{first.name}.html">{first.name}</a></td><td>1 / 3</td>' in box
    assert f"<td>{second.name}</td><td>not submitted / 未提出</td>" in box
