"""`make report`: where the class struggles, as one offline HTML page with its figures embedded, and as CSV.

    python -m autograde.report.class_report [--course-dir DIR]

Writes course/report/ (Course.report_dir):
    index.html            the page: every figure (PNG, embedded) with its numbers; no script, no external file
    scores.csv            per notebook: students, points, mean, median, min, max, full marks, zero
    grade_cells.csv       per grade cell (property): students, passed, pass rate; worst first
    named_mistakes.csv    per mistake the diagnosis named (autograde/grade/diagnosis.py): students, grade cells
    named_by_student.csv  student, notebook, grade cell, mistake, lost points or a note
    flagged.csv           the static scan's flags (autograde/scan/): student, notebook, cell, line, rule, code
    grading_times.csv     per student: the last grading run's seconds, split into the sandbox run of the notebooks,
                          judging with the diagnosis, and nbgrader's own steps

Sources: the gradebook (scores), flags/ (the scan), diagnosis/<student>/<notebook>.json (named mistakes and times;
a record counts only if its run seed is the one in the student's autograded notebook, i.e. it is from the grading
that gave the scores), logs/grading-times.csv (autograde/grade/pool.py). The report gives the numbers and the
pictures; the instructor draws the conclusion.
"""

import argparse
import base64
import csv
import html
import json
import statistics
import sys
from datetime import datetime
from pathlib import Path

from autograde.course import Course
from autograde.grade.pool import GRADING_TIMES
from autograde.grade.probe import SEED_NAME
from autograde.report import figures
from autograde.report.grades import flag_rows, read_scores
from autograde.scan.flags import read_flags
from autograde.settings import ASSIGNMENT

PAGE = "index.html"
COLUMNS = {
    "scores.csv": ["notebook", "students", "max_score", "mean", "median", "min", "max", "full_marks", "zero"],
    "grade_cells.csv": ["notebook", "grade_id", "points", "students", "passed", "pass_rate"],
    "named_mistakes.csv": ["notebook", "mistake", "students", "lost_points", "grade_cells"],
    "named_by_student.csv": ["student", "notebook", "grade_id", "mistake", "lost_points"],
    "flagged.csv": ["student", "notebook", "cell", "line", "rule", "explanation", "text"],
    "grading_times.csv": ["student", "seconds", "executed_seconds", "judged_seconds", "diagnosis_seconds",
                          "notebooks"],
}


def _number(value: float) -> str:
    return f"{value:.4g}" if isinstance(value, float) else str(value)


# ---- the numbers ---------------------------------------------------------------------------------------------------

def score_rows(scores) -> list[dict]:
    per_notebook: dict[str, list[tuple[float, float]]] = {}
    for notebooks in scores.values():
        for notebook, tests in notebooks.items():
            per_notebook.setdefault(notebook, []).append((sum(t.score for t in tests), sum(t.points for t in tests)))
    rows = []
    for notebook in sorted(per_notebook):
        values = [score for score, _ in per_notebook[notebook]]
        top = max(points for _, points in per_notebook[notebook])
        rows.append({"notebook": notebook, "students": len(values), "max_score": _number(top),
                     "mean": f"{statistics.fmean(values):.2f}", "median": _number(statistics.median(values)),
                     "min": _number(min(values)), "max": _number(max(values)),
                     "full_marks": sum(value >= top for value in values), "zero": sum(value == 0 for value in values)})
    return rows


def grade_cell_rows(scores) -> list[dict]:
    """One row per grade cell, the lowest pass rate first (then in notebook order); passed = full points."""
    cells: dict[tuple[str, str], dict] = {}
    order: dict[tuple[str, str], int] = {}
    for notebooks in scores.values():
        for notebook, tests in notebooks.items():
            for index, test in enumerate(tests):
                row = cells.setdefault((notebook, test.grade_id), {"notebook": notebook, "grade_id": test.grade_id,
                                                                  "points": _number(test.points), "students": 0,
                                                                  "passed": 0})
                order.setdefault((notebook, test.grade_id), index)
                row["students"] += 1
                row["passed"] += test.score >= test.points
    for row in cells.values():
        row["pass_rate"] = f"{row['passed'] / row['students']:.3f}"
    return sorted(cells.values(), key=lambda r: (float(r["pass_rate"]), r["notebook"], order[r["notebook"],
                                                                                               r["grade_id"]]))


def fresh_record(course: Course, student: str, notebook: str) -> dict | None:
    """The diagnosis record of the grading that produced the student's autograded notebook (None if absent, stale
    or unreadable)."""
    path = course.diagnosis_dir / student / f"{notebook}.json"
    autograded = course.autograded_dir / student / ASSIGNMENT / f"{notebook}.ipynb"
    if not path.is_file() or not autograded.is_file():
        return None
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    seed = record.get("seed") if isinstance(record, dict) else None
    if not isinstance(seed, int) or f"{SEED_NAME} = {seed}" not in autograded.read_text(encoding="utf-8",
                                                                                        errors="replace"):
        return None
    return record


def read_records(course: Course, scores) -> dict[tuple[str, str], dict]:
    return {(student, notebook): record for student, notebooks in scores.items() for notebook in notebooks
            if (record := fresh_record(course, student, notebook)) is not None}


def named_rows(records) -> tuple[list[dict], list[dict]]:
    """(per mistake: how many students, most first; per student and mistake)."""
    mistakes: dict[tuple[str, str], dict] = {}
    by_student: dict[tuple[str, str, str], dict] = {}
    for (student, notebook), record in sorted(records.items()):
        for named in record.get("named", []):
            title, grade_id, lost = str(named.get("title")), str(named.get("grade_id")), bool(named.get("lost_points"))
            row = mistakes.setdefault((notebook, title), {"notebook": notebook, "mistake": title, "students": set(),
                                                          "lost": False, "cells": set()})
            row["students"].add(student)
            row["lost"] |= lost
            row["cells"].add(grade_id)
            mine = by_student.setdefault((student, notebook, title), {"student": student, "notebook": notebook,
                                                                      "grade_id": [], "mistake": title,
                                                                      "lost_points": "no"})
            mine["grade_id"].append(grade_id)
            mine["lost_points"] = "yes" if lost or mine["lost_points"] == "yes" else "no"
    per_mistake = [{"notebook": row["notebook"], "mistake": row["mistake"], "students": len(row["students"]),
                    "lost_points": "yes" if row["lost"] else "no", "grade_cells": " ".join(sorted(row["cells"]))}
                   for row in mistakes.values()]
    per_mistake.sort(key=lambda row: (-row["students"], row["notebook"], row["mistake"]))
    per_student = [{**row, "grade_id": " ".join(row["grade_id"])} for row in by_student.values()]
    return per_mistake, per_student


def read_times(course: Course) -> dict[str, float]:
    """student -> seconds of their last graded nbgrader call (logs/grading-times.csv)."""
    path = course.logs_dir / GRADING_TIMES
    times: dict[str, float] = {}
    if not path.is_file():
        return times
    with path.open(newline="", encoding="utf-8") as file:
        for row in csv.DictReader(file):
            try:
                if row.get("graded") == "1":
                    times[row["student"]] = float(row["seconds"])
            except (KeyError, TypeError, ValueError):
                continue
    return times


def time_rows(scores, records, times: dict[str, float]) -> list[dict]:
    rows = []
    for student in scores:
        mine = [record for (who, _), record in records.items() if who == student]

        def total(key, mine=mine):
            values = [record.get(key) for record in mine if isinstance(record.get(key), int | float)]
            return f"{sum(values):.2f}" if values else ""

        rows.append({"student": student, "seconds": f"{times[student]:.2f}" if student in times else "",
                     "executed_seconds": total("executed_seconds"), "judged_seconds": total("judged_seconds"),
                     "diagnosis_seconds": total("diagnosis_seconds"), "notebooks": len(mine)})
    return sorted(rows, key=lambda row: (-(float(row["seconds"]) if row["seconds"] else -1), row["student"]))


# ---- the files -----------------------------------------------------------------------------------------------------

def write_csv(path: Path, rows: list[dict]) -> None:
    with path.open("w", newline="", encoding="utf-8") as file:
        writer = csv.DictWriter(file, fieldnames=COLUMNS[path.name], extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)


def table(rows: list[dict], columns: list[str], limit: int | None = None) -> str:
    """An HTML table of rows (every value escaped: student ids and flagged code come from submissions)."""
    shown = rows if limit is None else rows[:limit]
    head = "".join(f"<th>{html.escape(column)}</th>" for column in columns)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(str(row.get(column, '')))}</td>" for column in columns)
                   + "</tr>" for row in shown)
    more = f"<p class='more'>{len(rows) - len(shown)} more rows in the CSV</p>" if len(rows) > len(shown) else ""
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>{more}"


STYLE = """body{font-family:system-ui,sans-serif;margin:2em auto;max-width:960px;color:#222}
h1{font-size:1.5em}h2{font-size:1.2em;margin-top:2em;border-bottom:1px solid #ccc}
table{border-collapse:collapse;font-size:.8em;margin:.5em 0}td,th{border:1px solid #ddd;padding:2px 6px;
text-align:left;vertical-align:top}th{background:#f3f3f3}img{max-width:100%}.more,.meta{color:#666;font-size:.85em}
code{font-size:.9em}"""


def section(anchor: str, title: str, image: bytes, csv_name: str, body: str, note: str = "") -> str:
    encoded = base64.b64encode(image).decode("ascii")
    return (f"<h2 id='{anchor}'>{html.escape(title)}</h2>" + (f"<p>{note}</p>" if note else "")
            + f"<img alt='{html.escape(title)}' src='data:image/png;base64,{encoded}'>"
            + f"<p class='meta'>CSV: <a href='{csv_name}'>{csv_name}</a></p>{body}")


def write_report(course: Course) -> Path:
    """Write course/report/ (the page and its CSVs) from the gradebook and the run's records; returns the page."""
    scores = read_scores(course)
    records = read_records(course, scores)
    flags = read_flags(course)
    tables = {"scores.csv": score_rows(scores), "grade_cells.csv": grade_cell_rows(scores),
              "flagged.csv": flag_rows({student: found for student, found in flags.items() if student in scores}),
              "grading_times.csv": time_rows(scores, records, read_times(course))}
    tables["named_mistakes.csv"], tables["named_by_student.csv"] = named_rows(records)
    folder = course.report_dir
    folder.mkdir(parents=True, exist_ok=True)
    for name, rows in tables.items():
        write_csv(folder / name, rows)

    per_notebook = {row["notebook"]: [] for row in tables["scores.csv"]}
    for notebooks in scores.values():
        for notebook, tests in notebooks.items():
            per_notebook[notebook].append(sum(t.score for t in tests))
    maxima = {row["notebook"]: float(row["max_score"]) for row in tables["scores.csv"]}
    flagged = {(row["student"], row["notebook"]) for row in tables["flagged.csv"]}
    diagnosed = len(records)
    sections = [
        section("scores", "Score distribution per notebook", figures.score_distribution(per_notebook, maxima),
                "scores.csv", table(tables["scores.csv"], COLUMNS["scores.csv"])),
        section("cells", "Pass rate of every grade cell, worst first", figures.pass_rates(tables["grade_cells.csv"]),
                "grade_cells.csv", table(tables["grade_cells.csv"], COLUMNS["grade_cells.csv"])),
        section("mistakes", "Named mistakes across the class", figures.named_mistakes(tables["named_mistakes.csv"]),
                "named_mistakes.csv", table(tables["named_mistakes.csv"], COLUMNS["named_mistakes.csv"])
                + "<p class='meta'>Per student: <a href='named_by_student.csv'>named_by_student.csv</a></p>",
                f"A mistake is named when a student's hidden-test results equal those of the course's reference "
                f"with that mistake made, or when a failing visible check got that mistake's answer (diagnosis "
                f"records of {diagnosed} graded notebooks)."),
        section("flags", f"Flagged submissions ({len(flagged)})", figures.flags_per_rule(tables["flagged.csv"]),
                "flagged.csv", table(tables["flagged.csv"], ["student", "notebook", "cell", "line", "rule", "text"]),
                "The static scan's flags change no score: they ask you to read the code."),
        section("times", "Grading time per student", figures.grading_times(tables["grading_times.csv"],
                                                                          sorted(per_notebook)),
                "grading_times.csv", table(tables["grading_times.csv"], COLUMNS["grading_times.csv"])),
    ]
    contents = " · ".join(f"<a href='#{anchor}'>{name}</a>" for anchor, name in
                          [("scores", "scores"), ("cells", "grade cells"), ("mistakes", "named mistakes"),
                           ("flags", "flagged"), ("times", "grading time")])
    page = (f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>Class report: {ASSIGNMENT}</title>"
            f"<style>{STYLE}</style></head><body><h1>Class report: {html.escape(ASSIGNMENT)}</h1>"
            f"<p class='meta'>{len(scores)} students graded, {len(per_notebook)} notebooks; written "
            f"{datetime.now():%Y-%m-%d %H:%M} from {html.escape(str(course.root))}</p><p>{contents}</p>"
            + "".join(sections) + "</body></html>")
    path = folder / PAGE
    partial = path.with_suffix(".html.partial")
    partial.write_text(page, encoding="utf-8")
    partial.replace(path)
    return path


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--course-dir", type=Path, default=Course().root)
    args = parser.parse_args(argv)
    course = Course(args.course_dir.resolve())
    if not course.gradebook.is_file():
        print("report: no gradebook yet: run `make release` and `make autograde` first", file=sys.stderr)
        return 1
    try:
        path = write_report(course)
    except ValueError as error:  # e.g. an unreadable flags file
        print(f"report: {error}", file=sys.stderr)
        return 1
    print(f"class report: {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
