"""`make time-limits`: measure the reference solution in the sandbox and derive the grading time limits from it.

    python -m autograde.grade.time_limits [--runs N] [--write] [--course-dir DIR]

Each source notebook (the reference solution with the hidden tests: exactly what a correct student's kernel runs at
autograde) is run in the autograde sandbox with a marker cell before every code cell, `--runs` times; the slowest
run counts. Measured per notebook: the sandbox's wall time from start to the end of the last grade cell (sandbox and
kernel start included) and its slowest cell. Derived, with these stated factors:

    cell_timeout      = max(CELL_FLOOR, LIMIT_FACTOR x slowest reference cell), rounded up to ROUND s
    notebook_timeout  = max(NOTEBOOK_FLOOR, LIMIT_FACTOR x reference notebook time), rounded up to ROUND s
    (notebook 8: NOTEBOOK_FLOORS instead of the two floors)
    student budget    = max(BUDGET_FLOOR, BUDGET_FACTOR x the reference's notebooks together), rounded up to ROUND s

--write saves them to autograde/time_limits.json, which autograde/settings.py reads (sandbox_limits per notebook,
student_limits), and rewrites the table in docs/instructor.md between its time-limits markers. Without --write the
table is only printed. Measure on the grading machine, idle; run again after changing a notebook or the hidden tests.
"""

import argparse
import hashlib
import json
import math
import os
import platform
import re
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import nbformat

from autograde.build import source as build_source
from autograde.course import NOTEBOOKS_DIR, PROBLEMS_DIR, REPO, SOLUTIONS_DIR, Course
from autograde.sandbox.execute import execute_in_sandbox
from autograde.settings import TIME_LIMITS_FILE, SandboxLimits

LIMIT_FACTOR = 20  # a correct solution 20x slower than the reference (plain loops, a busy machine) still passes
BUDGET_FACTOR = 5  # one student's notebooks together may take 5x the reference's
CELL_FLOOR, NOTEBOOK_FLOOR, BUDGET_FLOOR = 30, 60, 300
# Notebook 8's hidden test trains the student's own network (test_learns), the cell whose time depends most on how a
# student wrote their layers. Its limit was 60 s while the reference's slowest cell (loading MNIST with the kernel's
# first imports) measured ~3 s; kernels forked from a pre-imported zygote made that cell 1.3 s, which would have
# halved the limit without any student code getting faster. So its limits then (60 s a cell, 110 s the notebook) stay
# its floors.
NOTEBOOK_FLOORS = {"08_mnist_classifier": {"cell_timeout": 60, "notebook_timeout": 110}}
ROUND = 10
MARK = "autograde-time-mark"
DOCS = REPO / "docs" / "instructor.md"
DOCS_BLOCK = re.compile(r"(<!-- time-limits:begin -->\n).*?(<!-- time-limits:end -->)", re.DOTALL)


def fingerprint() -> str:
    """sha256 of what the reference's time depends on: the notebooks, the solutions, the hidden tests' probes."""
    digest = hashlib.sha256()
    for path in sorted([*NOTEBOOKS_DIR.glob("*.ipynb"), *SOLUTIONS_DIR.glob("*.py"), *PROBLEMS_DIR.rglob("*probe.py")]):
        digest.update(path.relative_to(REPO).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def stale_warning(limits: dict) -> str | None:
    """A warning when autograde/time_limits.json was measured on other notebooks or hidden tests, else None."""
    if not limits:
        return (f"time limits: {TIME_LIMITS_FILE.name} does not exist: the defaults of SandboxLimits apply; "
                "run `make time-limits` on the grading machine")
    if limits.get("fingerprint") != fingerprint():
        return (f"time limits: {TIME_LIMITS_FILE.name} was measured on other notebooks, solutions or hidden tests "
                f"({limits.get('measured', {}).get('date', '?')}); run `make time-limits` again")
    return None


def rounded_up(seconds: float, floor: int) -> int:
    return max(floor, int(math.ceil(seconds / ROUND)) * ROUND)


def derive(reference: dict[str, dict[str, float]]) -> dict:
    """Limits from the reference's measured times: {notebook: {notebook_seconds, slowest_cell_seconds}}."""
    notebooks = {name: {"reference": times, "limits": {
        "cell_timeout": rounded_up(LIMIT_FACTOR * times["slowest_cell_seconds"],
                                   NOTEBOOK_FLOORS.get(name, {}).get("cell_timeout", CELL_FLOOR)),
        "notebook_timeout": rounded_up(LIMIT_FACTOR * times["notebook_seconds"],
                                       NOTEBOOK_FLOORS.get(name, {}).get("notebook_timeout", NOTEBOOK_FLOOR))}}
        for name, times in sorted(reference.items())}
    total = sum(times["notebook_seconds"] for times in reference.values())
    return {"factors": {"limit": LIMIT_FACTOR, "budget": BUDGET_FACTOR, "cell_floor": CELL_FLOOR,
                        "notebook_floor": NOTEBOOK_FLOOR, "notebook_floors": NOTEBOOK_FLOORS,
                        "budget_floor": BUDGET_FLOOR, "round": ROUND},
            "notebooks": notebooks, "reference_total_seconds": round(total, 1),
            "student_budget": rounded_up(BUDGET_FACTOR * total, BUDGET_FLOOR)}


def marker():
    return nbformat.v4.new_code_cell(f"print('{MARK}', __import__('time').time())")


def with_marks(notebook) -> tuple[object, int]:
    """The notebook with a marker cell before every code cell and one after the last grade cell (where grading
    stops: SandboxLimits.skip_after_last_grade); (notebook, the number of that last marker among the markers)."""
    last_grade = max(index for index, cell in enumerate(notebook.cells)
                     if cell.metadata.get("nbgrader", {}).get("grade"))
    cells, marks, last_mark = [], 0, 0
    for index, cell in enumerate(notebook.cells):
        if cell.cell_type == "code":
            cells.append(marker())
            marks += 1
        cells.append(cell)
        if index == last_grade:
            cells.append(marker())
            last_mark, marks = marks, marks + 1
    notebook.cells = cells
    return notebook, last_mark


def measure_once(path: Path) -> dict[str, float]:
    """Run a source notebook once in the sandbox; its times."""
    notebook, last_mark = with_marks(nbformat.read(path, as_version=4))
    limits = SandboxLimits(skip_after_last_grade=False)
    start = time.time()
    executed, reasons = execute_in_sandbox(notebook, limits)
    errors = [f"{output.get('ename')}: {str(output.get('evalue'))[:200]}" for cell in executed.cells
              if cell.cell_type == "code" for output in cell.get("outputs", []) if output.output_type == "error"]
    if reasons or errors:
        raise RuntimeError(f"{path.name}: the reference did not run cleanly: {(reasons + errors)[:3]}")
    streams = "".join(output.text for cell in executed.cells for output in cell.get("outputs", [])
                      if output.output_type == "stream")
    marks = [float(value) for value in re.findall(rf"{MARK} ([0-9.]+)", streams)]
    graded = marks[:last_mark + 1]  # the cells after the last grade cell are not run at autograde
    return {"notebook_seconds": round(graded[-1] - start, 2),
            "slowest_cell_seconds": round(max(b - a for a, b in zip(graded, graded[1:], strict=False)), 2)}


def measure(course: Course, runs: int) -> dict[str, dict[str, float]]:
    reference = {}
    for path in sorted(course.source_dir.glob("*.ipynb")):
        times = [measure_once(path) for _ in range(runs)]
        reference[path.stem] = {key: max(t[key] for t in times) for key in times[0]}
        print(f"  {path.stem}: {reference[path.stem]}", flush=True)
    return reference


def table(limits: dict) -> str:
    lines = ["| notebook | reference: notebook / slowest cell | `notebook_timeout` | `cell_timeout` |",
             "| --- | --- | --- | --- |"]
    for name, entry in limits["notebooks"].items():
        ref, lim = entry["reference"], entry["limits"]
        lines.append(f"| {name} | {ref['notebook_seconds']:.1f} s / {ref['slowest_cell_seconds']:.1f} s | "
                     f"{lim['notebook_timeout']} s | {lim['cell_timeout']} s |")
    lines.append(f"| **one student** (budget) | {limits['reference_total_seconds']:.1f} s together | "
                 f"**{limits['student_budget']} s** | |")
    measured = limits.get("measured", {})
    lines.append(f"\nMeasured {measured.get('date', '?')} on {measured.get('machine', '?')} (load average "
                 f"{measured.get('load', '?')}, {measured.get('runs', '?')} run(s), the slowest kept).")
    return "\n".join(lines)


def write_docs(limits: dict, docs: Path = DOCS) -> None:
    text = docs.read_text(encoding="utf-8")
    if not DOCS_BLOCK.search(text):
        raise SystemExit(f"time_limits: no <!-- time-limits:begin/end --> block in {docs}")
    docs.write_text(DOCS_BLOCK.sub(lambda m: m[1] + table(limits) + "\n" + m[2], text), encoding="utf-8")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=1, help="runs per notebook; the slowest counts")
    parser.add_argument("--write", action="store_true", help=f"write {TIME_LIMITS_FILE.name} and the docs table")
    parser.add_argument("--course-dir", type=Path, help="a course whose source is built (default: build one)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="time-limits-") as scratch:
        course = Course(args.course_dir.resolve()) if args.course_dir else Course(Path(scratch) / "course")
        if not args.course_dir and not build_source.build(course):
            print("time_limits: the source does not build", file=sys.stderr)
            return 1
        print(f"measuring the reference in the sandbox ({args.runs} run(s) per notebook)", flush=True)
        reference = measure(course, args.runs)
    limits = derive(reference)
    limits["fingerprint"] = fingerprint()
    limits["measured"] = {"date": f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC", "runs": args.runs,
                          "machine": f"{platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}",
                          "load": " ".join(f"{value:.1f}" for value in os.getloadavg())}
    print(table(limits))
    if args.write:
        TIME_LIMITS_FILE.write_text(json.dumps(limits, indent=1) + "\n", encoding="utf-8")
        write_docs(limits)
        print(f"written to {TIME_LIMITS_FILE} and {DOCS}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
