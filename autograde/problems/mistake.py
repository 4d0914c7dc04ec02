"""A typical mistake of a problem, written once in the problem's mistakes.py and used by everything that needs it:
the judge tests (each mistake must fail exactly the grade cells it says), the demo class's partial student (who makes
the mistakes marked `demo`) and the hostile students built on them.

A mistake is the reference solution with a few edits, each (text of the reference, what the student wrote instead)
found exactly once in the notebook's solution cells as the reference fills them; or a name the student defined
their own way (`replaces`: code run after the notebook's cells, whose names the tests see while the student's
other code keeps calling what it was defined with).

Each mistake also says, in English and Japanese, what the student did (`why`, a clause that completes "your dW
equals what you get when ...") and how to fix it (`fix`). The grader names it in a student's feedback when the
student's result on a hidden case equals the mutant's, the reference with the mistake made, on the same case
(autograde/grade/diagnosis.py); the notebook's RESULTS (grade_id -> what that property's result is called) give the
"your dW" part. A mistake that costs no points (`fails` empty) can still be named, as a note, when its mutant's
results in the grade cells `shows_in` differ from the reference's and the student's equal them.
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
    why: tuple[str, str] = ("", "")  # (English, Japanese): "your dW equals what you get when <why>"
    fix: tuple[str, str] = ("", "")  # (English, Japanese): how to fix it
    shows_in: frozenset[str] = frozenset()  # grade cells it passes whose hidden results still differ

    def __post_init__(self):
        object.__setattr__(self, "fails", frozenset(self.fails))
        object.__setattr__(self, "shows_in", frozenset(self.shows_in))
        if not self.edits and not self.replaces:
            raise ValueError(f"mistake {self.title!r}: no edits and nothing replaced: it would be the reference")


# the same mistake of a layer with an optimizer, in several notebooks: said once (Mistake(..., **OPTIMIZER_BEFORE_DX))
# the grade cells notebooks 1 and 4 share (one layer's forward, backward, optimizer and errors): what each looks
# at, for "your <result> equals what you get when <Mistake.why>"
LAYER_RESULTS = {
    "test_forward_shape": ("forward output's shape", "forward の出力の形状"),
    "test_forward_values": ("forward output", "forward の出力"),
    "test_backward_dB": ("dB", "dB"),
    "test_backward_dW": ("dW", "dW"),
    "test_backward_dX": ("dX (what backward returns)", "dX（backward の戻り値）"),
    "test_optimizer": ("backward with an optimizer (dX, then W and B updated)",
                       "optimizer つきの backward（dX と更新後の W, B）"),
    "test_errors": ("answer to invalid input", "不正な入力への反応"),
}

OPTIMIZER_BEFORE_DX = {"why": ("the optimizer updates W before dX is computed (dX then uses the new W)",
                               "dX を求める前に optimizer が W を更新した（dX が更新後の W を使う）"),
                       "fix": ("compute dB, dW and dX first, and call self.optimizer.update(self) last.",
                               "dB, dW, dX を先に求め、最後に self.optimizer.update(self) を呼びます。")}
OPTIMIZER_NEVER_CALLED = {"why": ("backward does not call the optimizer (W and B stay as they were)",
                                  "backward が optimizer を呼ばなかった（W と B が変わらない）"),
                          "fix": ("end backward with: if self.optimizer is not None: self.optimizer.update(self)",
                                  "backward の最後で if self.optimizer is not None: self.optimizer.update(self) "
                                  "を呼びます。")}


def _catalogue(item: CourseNotebook):
    """The notebook's autograde/problems/NN_slug/mistakes.py module, or None if it has none."""
    try:
        return importlib.import_module(item.mistakes_module)
    except ModuleNotFoundError as error:
        if error.name != item.mistakes_module:
            raise
        return None


def mistakes_of(item: CourseNotebook) -> tuple[Mistake, ...]:
    """The MISTAKES of a notebook's autograde/problems/NN_slug/mistakes.py (none if it has no such module)."""
    return tuple(getattr(_catalogue(item), "MISTAKES", ()))


def result_names(item: CourseNotebook) -> dict[str, tuple[str, str]]:
    """grade_id -> (English, Japanese) name of what that grade cell's hidden test looks at, e.g. ("dW", "dW"): the
    RESULTS of the notebook's mistakes.py."""
    return dict(getattr(_catalogue(item), "RESULTS", {}))


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
