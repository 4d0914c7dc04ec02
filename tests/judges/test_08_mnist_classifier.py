"""Notebook 08's judge messages (the catalogue itself is tested in test_mistakes.py)."""

import importlib

from autograde.course import notebook_named
from autograde.grade.judging import simulate
from autograde.problems.mistake import mistakes_of
from tests.judges.student import student

NOTEBOOK = "08_mnist_classifier"
MIN_MNIST_ACCURACY = importlib.import_module(notebook_named(NOTEBOOK).judge_module).MIN_MNIST_ACCURACY


def test_untrained_model_is_told_its_accuracy():
    (untrained,) = [m for m in mistakes_of(notebook_named(NOTEBOOK)) if m.title.startswith("fit never runs backward")]
    (failure,) = simulate(NOTEBOOK, student(NOTEBOOK, untrained))["test_learns"]
    assert "test accuracy 0." in failure and f"< {MIN_MNIST_ACCURACY:.2f}" in failure
    assert "guessing gives 0.10" in failure
    assert "shifted by a pixel" in failure
    assert "正解率" in failure
