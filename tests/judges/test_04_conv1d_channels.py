"""Notebook 04's judge messages (the catalogue itself is tested in test_mistakes.py)."""

from autograde.course import notebook_named
from autograde.grade.judging import simulate
from autograde.problems.mistake import mistakes_of
from tests.judges.student import student

NOTEBOOK = "04_conv1d_channels"


def test_not_raising_is_reported_as_such():
    (loops,) = [m for m in mistakes_of(notebook_named(NOTEBOOK)) if m.title == "right loops, no input checks"]
    failures = simulate(NOTEBOOK, student(NOTEBOOK, loops))["test_errors"]
    assert failures and all("expected ValueError" in failure and "returned normally" in failure
                            for failure in failures[:3])
