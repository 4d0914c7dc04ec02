"""A student's kernel without a kernel, for the judge tests: the names a notebook's cells define when the student
wrote the reference solution, or the reference with one of the problem's mistakes (autograde/problems/*/mistakes.py).

The cells are the built source notebook's given and solution cells (the reference bodies the build fills in), run
in one namespace as a kernel would. `simulate` (autograde/grade/judging.py) then runs the hidden probes on that
namespace and judges them.
"""

from functools import cache

from autograde.build.source import build_one
from autograde.course import notebook_named
from autograde.grade.judging import simulate
from autograde.problems.mistake import Mistake, apply_edits


@cache
def reference_cells(notebook: str) -> tuple[tuple[str, str, bool], ...]:
    """(label, source, is a solution cell) of the notebook's given and solution cells, in order, as built."""
    _, source, report = build_one(notebook_named(notebook))
    assert source is not None and not report.errors, report.errors
    cells = []
    for cell in source.cells:
        meta = cell.metadata.get("nbgrader", {})
        if cell.cell_type == "code" and not meta.get("grade") and (meta.get("solution") or meta.get("locked")):
            cells.append((f"{notebook} {meta.get('grade_id')}", cell.source, bool(meta.get("solution"))))
    return tuple(cells)


def student(notebook: str, mistake: Mistake | None = None) -> dict:
    """The namespace of a student who wrote the reference, or made `mistake` (edits of their solution cells, then
    the names it replaces, which the probes see but the student's other code does not)."""
    cells = reference_cells(notebook)
    sources = [source for _, source, _ in cells]
    if mistake is not None and mistake.edits:
        solution_indices = [index for index, (_, _, solution) in enumerate(cells) if solution]
        edited = apply_edits([sources[index] for index in solution_indices], mistake.edits,
                             f"{notebook}: {mistake.title}")
        for index, text in zip(solution_indices, edited, strict=True):
            sources[index] = text
    namespace = {"__name__": "student"}
    for (label, _, _), source in zip(cells, sources, strict=True):
        exec(compile(source, f"<{label}>", "exec"), namespace)  # noqa: S102 - the reference, maybe edited by a test
    if mistake is not None and mistake.replaces:
        own = dict(namespace)
        exec(compile(mistake.replaces, f"<{notebook}: {mistake.title}>", "exec"), own)  # noqa: S102
        namespace = {**namespace, **{name: value for name, value in own.items() if namespace.get(name) is not value}}
    return namespace


def failing(notebook: str, namespace: dict) -> set[str]:
    """The grade cells whose hidden cases the judge fails for this namespace."""
    return {grade_id for grade_id, failures in simulate(notebook, namespace).items() if failures}
