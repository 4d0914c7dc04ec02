"""Grades out of the gradebook: autograde/grades.csv and a per-student, per-problem table on the terminal.

    python -m autograde.report.grades [--course-dir DIR] [--details]

grades.csv has one row per student and notebook (long format, easy to pivot):
    student, notebook, problem, score, max_score, passed_tests, total_tests, failed_tests, flags
failed_tests lists the grade cells (grade_id) that scored less than their points, separated by spaces; flags is how
many static-scan flags (autograde/scan/, written to flags/<student>.json by the autograde run) that
notebook has. Flags change no score: they ask the instructor to look at the code.

flags.csv (next to grades.csv) has one row per flag: student, notebook, cell, line, rule, explanation, text.

The table: one row per student, one column per problem (score/points), then the total; --details adds, per student,
the grade cells that lost points ("every test 0" when a notebook scored nothing). A section "flagged for review"
follows whenever a student has flags: student, notebook, cell, line, rule and the line of code (trimmed).
"""

import argparse
import csv
import sys
from dataclasses import dataclass
from pathlib import Path

import nbformat
from nbgrader.api import Gradebook, MissingEntry

from autograde.course import Course
from autograde.scan.flags import Flag, read_flags
from autograde.scan.rules import RULES
from autograde.settings import ASSIGNMENT, COURSE_ID

CSV_COLUMNS = ["student", "notebook", "problem", "score", "max_score", "passed_tests", "total_tests", "failed_tests",
               "flags"]
FLAG_COLUMNS = ["student", "notebook", "cell", "line", "rule", "explanation", "text"]
FLAG_TEXT_WIDTH = 70  # the line of code in the terminal table


@dataclass(frozen=True)
class TestScore:
    grade_id: str
    score: float
    points: float


def grade_cell_order(course: Course) -> dict[tuple[str, str], int]:
    """(notebook, grade_id) -> position in the released notebook, so tables list tests top to bottom."""
    order = {}
    for path in sorted(course.release_dir.glob("*.ipynb")):
        for index, cell in enumerate(nbformat.read(path, as_version=4).cells):
            grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
            if grade_id:
                order[path.stem, grade_id] = index
    return order


def read_scores(course: Course) -> dict[str, dict[str, list[TestScore]]]:
    """student -> notebook name -> the score of every grade cell, from the gradebook (graded students only)."""
    order = grade_cell_order(course)
    scores: dict[str, dict[str, list[TestScore]]] = {}
    with Gradebook(f"sqlite:///{course.gradebook}", COURSE_ID) as gradebook:
        for student in sorted(gradebook.students, key=lambda s: s.id):
            try:
                submission = gradebook.find_submission(ASSIGNMENT, student.id)
            except MissingEntry:
                continue
            scores[student.id] = {}
            for notebook in sorted(submission.notebooks, key=lambda n: n.name):
                grades = sorted(notebook.grades, key=lambda g: (order.get((notebook.name, g.name), 999), g.name))
                scores[student.id][notebook.name] = [
                    TestScore(grade.name, float(grade.score), float(grade.max_score)) for grade in grades]
    return scores


def problem_number(notebook: str) -> int:
    return int(notebook.split("_", 1)[0])


def csv_rows(scores, flags: dict[str, list[Flag]] | None = None) -> list[dict]:
    flags = flags or {}
    rows = []
    for student, notebooks in scores.items():
        for notebook, tests in notebooks.items():
            failed = [t.grade_id for t in tests if t.score < t.points]
            rows.append({"student": student, "notebook": notebook, "problem": problem_number(notebook),
                         "score": f"{sum(t.score for t in tests):g}", "max_score": f"{sum(t.points for t in tests):g}",
                         "passed_tests": len(tests) - len(failed), "total_tests": len(tests),
                         "failed_tests": " ".join(failed),
                         "flags": sum(flag.notebook == notebook for flag in flags.get(student, []))})
    return rows


def flag_rows(flags: dict[str, list[Flag]]) -> list[dict]:
    return [{"student": student, "notebook": flag.notebook, "cell": flag.cell, "line": flag.line, "rule": flag.rule,
             "explanation": RULES.get(flag.rule, ""), "text": flag.text}
            for student, found in sorted(flags.items()) for flag in found]


def write_csv(rows: list[dict], path: Path, columns: list[str] = CSV_COLUMNS) -> None:
    with path.open("w", newline="", encoding="utf-8") as file:
        writer = csv.DictWriter(file, fieldnames=columns)
        writer.writeheader()
        writer.writerows(rows)


def flags_table(flags: dict[str, list[Flag]]) -> str:
    """The "flagged for review" section: one line per flag, the code trimmed to FLAG_TEXT_WIDTH; '' if none."""
    rows = flag_rows(flags)
    if not rows:
        return ""
    widths = {key: max(len(key), *(len(str(row[key])) for row in rows)) for key in ("student", "notebook", "rule")}
    lines = [f"flagged for review ({len(rows)} flag{'s' if len(rows) != 1 else ''}; the scores are unchanged, "
             "autograde/scan/rules.py explains each rule):",
             f"{'student':<{widths['student']}}  {'notebook':<{widths['notebook']}}  {'cell':>4}  {'line':>4}  "
             f"{'rule':<{widths['rule']}}  code"]
    for row in rows:
        text = row["text"] if len(row["text"]) <= FLAG_TEXT_WIDTH else row["text"][: FLAG_TEXT_WIDTH - 3] + "..."
        lines.append(f"{row['student']:<{widths['student']}}  {row['notebook']:<{widths['notebook']}}  "
                     f"{row['cell']:>4}  {row['line']:>4}  {row['rule']:<{widths['rule']}}  {text}")
    return "\n".join(lines)


def score_table(scores, details: bool = False) -> str:
    """The terminal table: students x problems, 'score/points' per cell, totals at the right."""
    notebooks = sorted({name for per_student in scores.values() for name in per_student})
    width = max([len("student")] + [len(s) for s in scores])
    header = f"{'student':<{width}}  " + "  ".join(f"{'P' + str(problem_number(n)):>6}" for n in notebooks)
    lines = [header + f"  {'total':>8}", "-" * (len(header) + 10)]
    for student, per_notebook in scores.items():
        cells, total, points = [], 0.0, 0.0
        for name in notebooks:
            tests = per_notebook.get(name, [])
            score, maximum = sum(t.score for t in tests), sum(t.points for t in tests)
            total, points = total + score, points + maximum
            cells.append(f"{score:g}/{maximum:g}" if tests else "-")
        lines.append(f"{student:<{width}}  " + "  ".join(f"{c:>6}" for c in cells) + f"  {f'{total:g}/{points:g}':>8}")
        if details:
            for name in notebooks:
                tests = per_notebook.get(name, [])
                lost = [f"{t.grade_id} {t.score:g}/{t.points:g}" for t in tests if t.score < t.points]
                if lost and all(t.score == 0 for t in tests):
                    lines.append(f"{'':<{width}}    {name}: every test 0 ({len(tests)} grade cells)")
                elif lost:
                    lines.append(f"{'':<{width}}    {name}: " + ", ".join(lost))
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--course-dir", type=Path, default=Course().root)
    parser.add_argument("--details", action="store_true", help="list the grade cells that lost points")
    args = parser.parse_args(argv)
    course = Course(args.course_dir.resolve())
    if not course.gradebook.is_file():
        print("grades: no gradebook yet: run `make release` and `make autograde` first", file=sys.stderr)
        return 1
    scores = read_scores(course)
    try:
        flags = read_flags(course)  # all of them: a student whose grading failed still has theirs listed
    except ValueError as error:
        print(f"grades: {error}; grading the flags again rewrites it (make autograde)", file=sys.stderr)
        return 1
    rows = csv_rows(scores, flags)
    write_csv(rows, course.grades_csv)
    flags_csv = course.root / "flags.csv"
    write_csv(flag_rows(flags), flags_csv, FLAG_COLUMNS)
    print(score_table(scores, details=args.details))
    review = flags_table(flags)
    if review:
        print("\n" + review)
    count = sum(map(len, flags.values()))
    print(f"\n{len(rows)} rows (student x notebook) written to {course.grades_csv}; "
          f"{count} flag{'s' if count != 1 else ''} to {flags_csv}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
