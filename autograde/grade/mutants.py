"""Mutants: the course's reference solution with some of its typical mistakes made (autograde/problems/*/mistakes.py),
run in this process like a student's kernel would run it. Trusted code: the reference and the catalogue's edits,
never a student's.

The cells are a built source notebook's given and solution cells, in order: the reference bodies the build fills in.
The grader takes them from the course's source/ (what was released); the tests build them from the working tree.
A mutant applies each mistake's edits to the solution cells, runs the cells in one namespace as a kernel would, then
the names the mistakes replace (`Mistake.replaces`), which the probes see while the other code keeps calling what it
was defined with.
"""

import contextlib
import io
import warnings
from functools import cache
from pathlib import Path

import nbformat

from autograde.problems.mistake import Mistake, apply_edits


def notebook_cells(source) -> tuple[tuple[str, str, bool], ...]:
    """(label, source, is a solution cell) of a source notebook's given and solution code cells, in order."""
    cells = []
    for cell in source.cells:
        meta = cell.metadata.get("nbgrader", {})
        if cell.cell_type == "code" and not meta.get("grade") and (meta.get("solution") or meta.get("locked")):
            cells.append((f"{meta.get('grade_id')}", cell.source, bool(meta.get("solution"))))
    return tuple(cells)


@cache
def built_cells(notebook: str) -> tuple[tuple[str, str, bool], ...]:
    """The cells of the notebook's source as the working tree builds it (autograde/build/source.py)."""
    from autograde.build.source import build_one  # the build imports the grader's modules: import it when needed
    from autograde.course import notebook_named

    _, source, report = build_one(notebook_named(notebook))
    if source is None or report.errors:
        raise ValueError(f"{notebook}: the source does not build: {report.errors}")
    return notebook_cells(source)


def released_cells(source_notebook: Path) -> tuple[tuple[str, str, bool], ...]:
    """The cells of a course's built source notebook (course/source/cnn1d/NN_slug.ipynb: what was released)."""
    return notebook_cells(nbformat.read(source_notebook, as_version=4))


def mutant_namespace(cells, mistakes: tuple[Mistake, ...] = (), where: str = "") -> dict:
    """The names a kernel holds after running `cells` with every mistake of `mistakes` made (none: the reference).
    ValueError if an edit does not match the cells exactly once (e.g. two mistakes edit the same line)."""
    sources = [source for _, source, _ in cells]
    solution = [index for index, (_, _, is_solution) in enumerate(cells) if is_solution]
    for mistake in mistakes:
        if mistake.edits:
            edited = apply_edits([sources[index] for index in solution], mistake.edits, f"{where}: {mistake.title}")
            for index, text in zip(solution, edited, strict=True):
                sources[index] = text
    namespace = {"__name__": "student"}
    with quiet():
        for (label, _, _), source in zip(cells, sources, strict=True):
            exec(compile(source, f"<{where} {label}>", "exec"), namespace)  # noqa: S102 - the reference, edited
        for mistake in mistakes:
            if mistake.replaces:
                own = dict(namespace)
                exec(compile(mistake.replaces, f"<{where}: {mistake.title}>", "exec"), own)  # noqa: S102
                namespace = {**namespace, **{name: value for name, value in own.items()
                                             if namespace.get(name) is not value}}
    return namespace


@contextlib.contextmanager
def quiet():
    """What a mutant prints or warns goes nowhere (the grader's log is for the grader)."""
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()), \
            warnings.catch_warnings():
        warnings.simplefilter("ignore")
        yield
