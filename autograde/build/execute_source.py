"""Run the source notebooks in place (nbclient) so they hold the outputs nbval compares against.

    python -m autograde.build.execute_source [01_simple_conv1d ...]

A cell whose output changes from run to run (timings, progress bars, training curves) has the tag
`nbval-ignore-output`; a notebook that raises here is a broken reference solution, reported by notebook and cell.
Check cells carry the tag `raises-exception` (so Run All goes on past a failing check): nbclient then records
their errors instead of stopping, so every error output is looked for after the run.
"""

import argparse
import copy
import os
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

from autograde.course import Course

CELL_TIMEOUT = 600  # seconds; generous: the reference must never be cut short, the tests' budgets are in the cells


def execute(path: Path) -> float:
    """Execute one notebook in its own folder and save it with outputs; the seconds it took."""
    notebook = nbformat.read(path, as_version=4)
    metadata = copy.deepcopy(notebook.metadata)
    # no timing metadata or widget state: the source must stay the notebook plus outputs, since the release is
    # generated from it and must equal notebooks/
    client = NotebookClient(notebook, timeout=CELL_TIMEOUT, kernel_name="python3", record_timing=False,
                            store_widget_state=False, coalesce_streams=True,
                            resources={"metadata": {"path": str(path.parent)}})
    start = time.perf_counter()
    try:
        client.execute()
    finally:
        notebook.metadata = metadata  # the kernel rewrites language_info
        nbformat.write(notebook, path)  # keep the outputs up to the failure for inspection
    errors = error_outputs(notebook)
    if errors:
        raise CellExecutionError("\n".join(errors), "", "")
    return time.perf_counter() - start


def error_outputs(notebook) -> list[str]:
    """'cell 12 (test_x): Name: message' for every error output of an executed notebook."""
    found = []
    for index, cell in enumerate(notebook.cells):
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
                where = f"cell {index}" + (f" ({grade_id})" if grade_id else "")
                found.append(f"{where}: {output.get('ename')}: {output.get('evalue')}")
    return found


def main(argv=None) -> int:
    # one BLAS thread, as the Makefile and nbgrader_run set it: on 2 shared cores a threaded BLAS made notebook 8's
    # training cell take 625 s instead of 55 s
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--course-dir", type=Path, default=Course().root)
    parser.add_argument("notebooks", nargs="*", help="names like 01_simple_conv1d (default: all in source/)")
    args = parser.parse_args(argv)
    paths = sorted(Course(args.course_dir).source_dir.glob("*.ipynb"))
    paths = [p for p in paths if not args.notebooks or p.stem in args.notebooks]
    if not paths:
        print("execute_source: no source notebooks; run `python -m autograde.build.source` first", file=sys.stderr)
        return 1
    failed = 0
    for path in paths:
        try:
            seconds = execute(path)
            print(f"{path.name}: executed in {seconds:.1f} s", flush=True)
        except CellExecutionError as error:
            failed += 1
            print(f"error: {path.name}: the reference solution fails:\n{error}", file=sys.stderr, flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
