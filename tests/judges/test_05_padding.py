"""Notebook 05's judge messages and hidden regions (the catalogue itself is tested in test_mistakes.py)."""

from unittest import mock

import numpy as np

from autograde.build.hidden_sections import BEGIN_HIDDEN, END_HIDDEN
from autograde.build.source import build_one
from autograde.course import notebook_named
from autograde.grade.judging import simulate
from autograde.problems.mistake import demo_mistakes, mistakes_of
from tests.judges.student import failing, student

NOTEBOOK = "05_padding"


def test_failure_message_names_the_case_and_gives_the_bilingual_hint():
    (bug,) = demo_mistakes(notebook_named(NOTEBOOK))
    failures = simulate(NOTEBOOK, student(NOTEBOOK, bug))["test_forward_shape"]
    assert failures and "padding=" in failures[0] and "expected" in failures[0]
    assert "N_out = N_in + 2P - F + 1" in failures[0] and "両端" in failures[0]


def test_not_raising_is_reported_as_such():
    (lax,) = [m for m in mistakes_of(notebook_named(NOTEBOOK)) if m.title.startswith("negative or fractional")]
    failures = simulate(NOTEBOOK, student(NOTEBOOK, lax))["test_errors"]
    assert failures and all("expected ValueError" in failure and "returned normally" in failure
                            for failure in failures)


def test_probe_results_are_only_numbers():
    """What the judge sees of a student's result is float64 arrays: a forged object cannot compare equal."""
    class AlwaysEqual(np.ndarray):
        def __eq__(self, other):
            return True

    def forged_output_size(n_in, filter_size, padding=0, stride=1):
        return np.zeros(()).view(AlwaysEqual)

    assert failing(NOTEBOOK, {**student(NOTEBOOK), "output_size": forged_output_size}) == {"test_output_size"}


def test_each_hidden_region_runs_on_its_own():
    """A visible test that fails stops its cell before the hidden part: the next cells' hidden parts must still
    define `_probe` themselves (they run in a kernel where no earlier hidden part did)."""
    _, source, report = build_one(notebook_named(NOTEBOOK))
    assert not report.errors, report.errors
    regions = [cell.source.split(BEGIN_HIDDEN, 1)[1].split(END_HIDDEN, 1)[0]
               for cell in source.cells if BEGIN_HIDDEN in cell.source]
    assert len(regions) == len(report.hidden) == 8
    displayed = []
    for region in regions:
        with mock.patch("IPython.display.display", lambda data, raw=False: displayed.append(data)):
            exec(compile(region, "<hidden region>", "exec"), student(NOTEBOOK))  # noqa: S102 - no _probe before
    assert len(displayed) == len(regions)
