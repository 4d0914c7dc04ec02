"""Notebook 02's judge messages (the catalogue itself is tested in test_mistakes.py)."""

from autograde.course import notebook_named
from autograde.grade.judging import simulate
from autograde.problems.mistake import mistakes_of
from tests.judges.student import student

NOTEBOOK = "02_output_size"


def mistake(title: str):
    (found,) = [m for m in mistakes_of(notebook_named(NOTEBOOK)) if m.title == title]
    return found


def test_message_judge_reads_the_raised_message():
    failures = simulate(NOTEBOOK, student(NOTEBOOK, mistake("the message does not name the numbers")))
    message = failures["test_output_size_message"][0]
    assert "'the filter is too long'" in message and "N_in, F, P" in message


def test_stride_judge_says_a_float_is_not_an_int():
    failures = simulate(NOTEBOOK, student(NOTEBOOK, mistake("returns a float of the right value")))
    assert "did not return an int" in failures["test_output_size_stride"][0]
