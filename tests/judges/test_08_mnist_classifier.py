"""Notebook 08's judge messages (the catalogue itself is tested in test_mistakes.py)."""

from autograde.course import notebook_named
from autograde.grade.judging import simulate
from autograde.problems.mistake import mistakes_of
from tests.judges.student import student

NOTEBOOK = "08_mnist_classifier"


def test_untrained_model_is_told_its_accuracy():
    (untrained,) = [m for m in mistakes_of(notebook_named(NOTEBOOK)) if m.title.startswith("fit never runs backward")]
    (failure,) = simulate(NOTEBOOK, student(NOTEBOOK, untrained))["test_learns"]
    assert "test accuracy 0." in failure and "< 0.80" in failure and "guessing gives 0.10" in failure
    assert "正解率" in failure
