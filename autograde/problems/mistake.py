"""A typical mistake of a problem, written once in the problem's mistakes.py and used by everything that needs it:
the judge tests (each mistake must fail exactly the grade cells it says), the demo class's partial student (who makes
the mistakes marked `demo`) and the hostile students built on them.

A mistake is the reference solution with a few edits, each (text of the reference, what the student wrote instead)
found exactly once in the notebook's solution cells as the reference fills them; or a name the student defined
their own way (`replaces`: code run after the notebook's cells, whose names the tests see while the student's
other code keeps calling what it was defined with).
"""

import importlib
from dataclasses import dataclass

import nbformat

from autograde.course import CourseNotebook


@dataclass(frozen=True)
class Mistake:
    title: str  # what the student did wrong, in words
    fails: frozenset[str]  # the grade cells (grade_id) it must fail; every other grade cell keeps its points
    edits: tuple[tuple[str, str], ...] = ()  # (reference text, the student's text)
    replaces: str = ""  # code defining names that replace the student's, e.g. their own class
    demo: bool = False  # the demo class's partial student makes this mistake

    def __post_init__(self):
        object.__setattr__(self, "fails", frozenset(self.fails))
        if not self.edits and not self.replaces:
            raise ValueError(f"mistake {self.title!r}: no edits and nothing replaced: it would be the reference")


def mistakes_of(item: CourseNotebook) -> tuple[Mistake, ...]:
    """The MISTAKES of a notebook's autograde/problems/NN_slug/mistakes.py (none if it has no such module)."""
    try:
        module = importlib.import_module(item.mistakes_module)
    except ModuleNotFoundError as error:
        if error.name != item.mistakes_module:
            raise
        return ()
    return tuple(module.MISTAKES)


def demo_mistakes(item: CourseNotebook) -> tuple[Mistake, ...]:
    return tuple(mistake for mistake in mistakes_of(item) if mistake.demo)


def grade_cell_points(item: CourseNotebook) -> dict[str, float]:
    """grade_id -> points of every grade cell of the notebook (its nbgrader metadata)."""
    notebook = nbformat.read(item.student_path, as_version=4)
    return {cell.metadata["nbgrader"]["grade_id"]: cell.metadata["nbgrader"].get("points", 0)
            for cell in notebook.cells if cell.metadata.get("nbgrader", {}).get("grade")}


def points_lost(item: CourseNotebook, mistakes) -> dict[str, float]:
    """grade_id -> points lost by a student who makes all of `mistakes` in this notebook."""
    points = grade_cell_points(item)
    failed = set().union(*(mistake.fails for mistake in mistakes))
    unknown = failed - set(points)
    if unknown:
        raise ValueError(f"{item.name}: mistakes name grade cells the notebook does not have: {sorted(unknown)}")
    return {grade_id: points[grade_id] for grade_id in sorted(failed)}


def demo_points_lost(item: CourseNotebook) -> dict[str, float]:
    """grade_id -> points the demo partial student loses in this notebook (every demo mistake made at once)."""
    return points_lost(item, demo_mistakes(item))


def apply_edits(sources: list[str], edits, where: str) -> list[str]:
    """The sources with every (old, new) edit applied; each old text must occur exactly once in all of them."""
    for old, new in edits:
        counts = [source.count(old) for source in sources]
        if sum(counts) != 1:
            raise ValueError(f"{where}: the edit of {old!r} must match the reference exactly once, matched "
                             f"{sum(counts)} times")
        sources = [source.replace(old, new) for source in sources]
    return sources
