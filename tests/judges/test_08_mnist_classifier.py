"""Notebook 08's judge messages (the catalogue itself is tested in test_mistakes.py)."""

import importlib

import nbformat

from autograde.course import REPO, notebook_named
from autograde.grade.judging import simulate
from autograde.problems.mistake import mistakes_of
from tests.judges.student import student

NOTEBOOK = "08_mnist_classifier"
JUDGE = importlib.import_module(notebook_named(NOTEBOOK).judge_module)
MIN_MNIST_ACCURACY = JUDGE.MIN_MNIST_ACCURACY


def test_the_notebook_tells_students_the_hidden_mnist_run_as_the_judge_does_it():
    notebook = nbformat.read(REPO / "notebooks" / f"{NOTEBOOK}.ipynb", 4)
    told = [cell.source for cell in notebook.cells if "idden test" in cell.source and "5000" in cell.source]
    assert told, "notebook 8 no longer describes its hidden MNIST test"
    for text in told:
        assert f"{MIN_MNIST_ACCURACY:.2f}" in text and f"{JUDGE.GRADER_IMAGES}" in text, text
        assert "clf.layers" in text, text


def test_untrained_model_is_told_its_accuracy():
    (untrained,) = [m for m in mistakes_of(notebook_named(NOTEBOOK)) if m.title.startswith("fit never runs backward")]
    (failure,) = simulate(NOTEBOOK, student(NOTEBOOK, untrained))["test_learns"]
    assert "test accuracy 0." in failure and f"< {MIN_MNIST_ACCURACY:.2f}" in failure
    assert "guessing gives 0.10" in failure
    assert "shifted by a pixel" in failure
    assert "正解率" in failure
