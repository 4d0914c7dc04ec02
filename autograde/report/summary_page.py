"""The per-student summary page, feedback/<student>/cnn1d/index.html: the total, each notebook and each check.

One table per notebook: every grade cell with its points and, when it lost them, the first line of its message (the
same text the notebook's page shows, hidden tests removed). Notebooks not submitted are listed with their points.
Links go to the notebook pages beside it. Plain HTML and CSS: no script, nothing loaded from elsewhere, every text
from a submission escaped.

Each notebook page gets the course at a glance too (course_box: the total and each notebook's points, linked), in
place of its link to this page: nbgrader's exchange returns only the notebook pages (`fetch_feedback` fetches one page
per submitted notebook), so a student on a hub sees the total without index.html.
"""

import html
import re
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from autograde.course import Course, CourseNotebook
from autograde.report.grades import TestScore
from autograde.report.hide_hidden_tests import HideHiddenTests
from autograde.settings import ASSIGNMENT

PAGE = "index.html"
COURSE_BOX = re.compile(r'<p id="course-summary">.*?</p>', re.S)  # the notebook page's placeholder (its template)
STYLE = """body { font-family: sans-serif; font-size: 14px; margin: 1.5em auto; max-width: 60em; padding: 0 1em; }
table { border-collapse: collapse; margin: 0.4em 0 1.2em; width: 100%; }
th, td { border-bottom: 1px solid #ddd; padding: 0.25em 0.6em; text-align: left; vertical-align: top; }
td.points { white-space: nowrap; width: 6em; }
td.message { white-space: pre-wrap; overflow-wrap: anywhere; color: #a94442; }
.ok { color: #3c763d; } .lost { color: #a94442; } .missing { color: #8a6d3b; }"""


@dataclass
class NotebookResult:
    item: CourseNotebook
    submitted: bool
    page: bool  # its feedback page exists beside this one
    tests: list[TestScore] = field(default_factory=list)
    messages: dict[str, str] = field(default_factory=dict)  # grade_id -> first line of the error shown

    @property
    def score(self) -> float:
        return sum(test.score for test in self.tests)

    @property
    def points(self) -> float:
        return sum(test.points for test in self.tests)


def error_messages(autograded: Path) -> dict[str, str]:
    """grade_id -> 'Name: first line of the message' of each grade cell that shows an error, as feedback shows it."""
    if not autograded.is_file():
        return {}
    notebook, _ = HideHiddenTests().preprocess(nbformat.read(autograded, as_version=4), {})
    messages = {}
    for cell in notebook.cells:
        meta = cell.metadata.get("nbgrader", {})
        errors = [o for o in cell.get("outputs", []) if o.get("output_type") == "error"]
        if meta.get("grade") and errors:
            first = str(errors[0].get("evalue", "")).strip().split("\n")[0]
            messages[meta["grade_id"]] = f"{errors[0].get('ename', 'Error')}: {first}"[:400]
    return messages


def collect(course: Course, student: str, scores: dict[str, list[TestScore]], items) -> list[NotebookResult]:
    results = []
    for item in items:
        submitted = (course.submission_dir(student) / item.filename).is_file()
        page = (course.feedback_dir / student / ASSIGNMENT / f"{item.name}.html").is_file()
        autograded = course.autograded_dir / student / ASSIGNMENT / item.filename
        results.append(NotebookResult(item, submitted, page, scores.get(item.name, []),
                                      error_messages(autograded) if submitted else {}))
    return results


def points(value: float) -> str:
    return f"{value:g}"


def render(student: str, results: list[NotebookResult]) -> str:
    e = html.escape
    total = sum(r.score for r in results)
    maximum = sum(r.points for r in results)
    missing = [r for r in results if not r.submitted]
    rows = []
    for r in results:
        name = f'<a href="{e(r.item.name)}.html">{e(r.item.name)}</a>' if r.page else e(r.item.name)
        state = "" if r.submitted else ' <span class="missing">not submitted / 未提出</span>'
        rows.append(f"<tr><td>{name}{state}</td><td class=points>{points(r.score)} / {points(r.points)}</td></tr>")
    parts = [
        "<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
        f"<title>Feedback: {e(student)}</title><style>{STYLE}</style></head><body>",
        f"<h1>Feedback / フィードバック: {e(student)}</h1>",
        f"<p><strong>Total / 合計: {points(total)} / {points(maximum)} points / 点</strong></p>",
    ]
    if missing:
        names = ", ".join(e(r.item.name) for r in missing)
        parts.append(f'<p class="missing">Not submitted / 未提出: {names} (0 points / 0 点)</p>')
    parts += ["<table><tr><th>notebook / ノートブック</th><th>points / 点</th></tr>", *rows, "</table>"]
    for r in results:
        heading = f'<a href="{e(r.item.name)}.html">{e(r.item.name)}</a>' if r.page else e(r.item.name)
        parts.append(f"<h2>{heading}: {points(r.score)} / {points(r.points)}</h2>")
        if not r.submitted:
            parts.append('<p class="missing">not submitted / 未提出</p>')
        if not r.tests:
            continue
        parts.append("<table><tr><th>check / 確認</th><th>points / 点</th><th>result / 結果</th></tr>")
        for test in r.tests:
            link = f'<a href="{e(r.item.name)}.html#{e(test.grade_id)}">' if r.page else "<span>"
            close = "</a>" if r.page else "</span>"
            if test.score >= test.points:
                result = '<td class="ok">ok</td>'
            else:
                text = r.messages.get(test.grade_id, "not submitted / 未提出" if not r.submitted else "failed / 不合格")
                result = f'<td class="message">{e(text)}</td>'
            parts.append(f"<tr><td>{link}<code>{e(test.grade_id)}</code>{close}</td>"
                         f"<td class=points>{points(test.score)} / {points(test.points)}</td>{result}</tr>")
        parts.append("</table>")
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


def course_box(results: list[NotebookResult]) -> str:
    """The total and each notebook's points, linked to its page, for the top of every notebook page."""
    e = html.escape
    total, maximum = sum(r.score for r in results), sum(r.points for r in results)
    cells = []
    for r in results:
        name = f'<a href="{e(r.item.name)}.html">{e(r.item.name)}</a>' if r.page else e(r.item.name)
        score = f"{points(r.score)} / {points(r.points)}" if r.submitted else "not submitted / 未提出"
        cells.append(f"<tr><td>{name}</td><td>{score}</td></tr>")
    return (f'<div id="course-summary"><p><strong>Total / 合計: {points(total)} / {points(maximum)}</strong> '
            f'(<a href="{PAGE}">every check / すべての確認</a>)</p>'
            f'<table class="checks"><tr><th>notebook / ノートブック</th><th>points / 点</th></tr>{"".join(cells)}'
            "</table></div>")


def write_summary(course: Course, student: str, scores: dict[str, list[TestScore]], items) -> Path:
    """Write feedback/<student>/cnn1d/index.html and put the course box into each notebook page; its path."""
    folder = course.feedback_dir / student / ASSIGNMENT
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / PAGE
    results = collect(course, student, scores, items)
    path.write_text(render(student, results), encoding="utf-8")
    box = course_box(results)
    for page in (folder / f"{r.item.name}.html" for r in results if r.page):
        text = page.read_text(encoding="utf-8")
        page.write_text(COURSE_BOX.sub(lambda _: box, text, count=1), encoding="utf-8")
    return path
