"""Notebook 01's judge messages (the catalogue itself is tested in test_mistakes.py)."""

from autograde.course import notebook_named
from autograde.grade.judging import simulate
from autograde.problems.mistake import demo_mistakes
from tests.judges.student import student

NOTEBOOK = "01_simple_conv1d"


def test_failure_message_names_the_case_and_gives_the_bilingual_hint():
    (bug,) = demo_mistakes(notebook_named(NOTEBOOK))
    message = simulate(NOTEBOOK, student(NOTEBOOK, bug))["test_forward_values"][0]
    assert "forward with F=" in message and "expected" in message
    assert "a[i] = sum_s x[i+s] W[s] + B" in message and "ランダムな x, W, B" in message
