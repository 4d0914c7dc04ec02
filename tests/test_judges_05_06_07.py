"""Judges of notebooks 05 (padding), 06 (mini-batch) and 07 (stride), run in-process (autograde.judge.simulate).

The reference passes every grade cell. Each mutant (the partial demo student's bug, then typical student mistakes)
is the reference source with a few edits; it must fail exactly the grade cells its mistake touches, no others.
"""

import importlib
import inspect
from unittest import mock

import numpy as np
import pytest

import solutions
import solutions.p2_output_size
import solutions.p4_conv1d
from autograde.build_source import build_one
from autograde.course import course_notebooks
from autograde.demo_class.partial_bugs import BUGS
from autograde.hidden_sections import BEGIN_HIDDEN, END_HIDDEN
from autograde.judge import simulate

NOTEBOOKS = {5: "05_padding", 6: "06_minibatch", 7: "07_stride"}
OUTPUT_SIZE_SOURCE = inspect.getsource(solutions.p2_output_size)
# in a notebook Conv1d calls the student's own output_size: the mutant's, not the reference's
CONV1D_SOURCE = inspect.getsource(solutions.p4_conv1d).replace("from solutions.p2_output_size import output_size\n", "")


def student(edits=(), **overrides) -> dict:
    """A student's kernel names: output_size and Conv1d from the reference source with `edits` applied, each
    (reference text, student's text) found exactly once in the two sources; then `overrides`, which the probes
    see but Conv1d does not (it keeps the output_size it was defined with): one function's judge tested alone."""
    sources = [OUTPUT_SIZE_SOURCE, CONV1D_SOURCE]
    for old, new in edits:
        counts = [source.count(old) for source in sources]
        assert sum(counts) == 1, f"edit {old!r} must match the reference exactly once, matched {counts}"
        sources = [source.replace(old, new) for source in sources]
    namespace = {"__name__": "student"}
    for source in sources:
        exec(compile(source, "<student>", "exec"), namespace)  # noqa: S102 - the reference, edited by this test
    return {**namespace, **overrides}  # a copy: Conv1d keeps calling the output_size it was defined with


def failing(notebook: str, namespace: dict) -> set[str]:
    return {grade_id for grade_id, failures in simulate(notebook, namespace).items() if failures}


def partial_bug(notebook: str):
    (bug,) = [bug for bug in BUGS if bug.notebook == notebook]
    return bug.edits


def hard_coded_output_size(n_in, filter_size, padding=0, stride=1):
    """Passes notebook 05's visible test by returning its numbers."""
    return {(4, 3, 1): 4, (4, 3, 2): 6, (28, 5, 2): 28, (2, 5, 2): 2}.get((n_in, filter_size, padding), 1)


@pytest.mark.parametrize("number", sorted(NOTEBOOKS))
def test_reference_passes_every_grade_cell(number):
    reference = vars(importlib.import_module(solutions.NOTEBOOK_MODULES[number]))
    verdicts = simulate(NOTEBOOKS[number], reference)
    assert verdicts and all(failures == [] for failures in verdicts.values()), verdicts


@pytest.mark.parametrize("number", sorted(NOTEBOOKS))
def test_unedited_student_passes(number):
    """The mutant builder itself changes nothing: failures below come from the edits."""
    assert failing(NOTEBOOKS[number], student()) == set()


MUTANTS = [
    # notebook 05: padding
    ("05_padding", "partial demo student: output_size pads one side only", partial_bug("05_padding"), {},
     {"test_output_size", "test_forward_shape", "test_forward_values", "test_same", "test_backward_dX",
      "test_backward_dW", "test_backward_dB"}),
    ("05_padding", "forward puts all 2P zeros on the left",
     [("Xp[:, P : P + n_in] = X3", "Xp[:, 2 * P : 2 * P + n_in] = X3")], {},
     {"test_forward_values", "test_same", "test_backward_dW"}),
    ("05_padding", "backward cuts 2P values off the start of dX instead of P off each end",
     [("dXp[:, self.padding : self.padded_length - self.padding]", "dXp[:, 2 * self.padding :]")], {},
     {"test_backward_dX"}),
    ("05_padding", "'same' is taken as no padding", [("padding = (F - 1) // 2", "padding = 0")], {}, {"test_same"}),
    ("05_padding", "negative or fractional padding is not rejected",
     [('self.padding = check_int("padding", padding, 0)', "self.padding = max(int(padding), 0)")], {},
     {"test_errors"}),
    ("05_padding", "output_size returns the visible example's numbers", [],
     {"output_size": hard_coded_output_size}, {"test_output_size"}),
    # notebook 06: mini-batch
    ("06_minibatch", "partial demo student: dB is a mean over the batch", partial_bug("06_minibatch"), {},
     {"test_batch_backward_dB"}),
    ("06_minibatch", "dW is the mean over the batch, not the sum",
     [(".reshape(self.W.shape)\n", ".reshape(self.W.shape) / batch\n")], {}, {"test_batch_backward_dW"}),
    ("06_minibatch", "one sample comes back as a batch of one", [("return A[0] if self.single else A", "return A")],
     {}, {"test_single_sample"}),
    ("06_minibatch", "a wrong ndim raises TypeError, not ValueError",
     [("raise ValueError(f\"X must have shape", "raise TypeError(f\"X must have shape")], {}, {"test_errors"}),
    ("06_minibatch", "output_size forgets the stride (the visible test uses stride 1)",
     [("return (padded - filter_size) // stride + 1", "return padded - filter_size + 1")], {},
     {"test_output_size"}),
    # notebook 07: stride
    ("07_stride", "partial demo student: backward ignores the stride", partial_bug("07_stride"), {},
     {"test_stride_backward_dX", "test_combined_backward"}),
    ("07_stride", "forward takes consecutive windows (stride ignored), output length right",
     [("Xp[:, s : s + last : S]", "Xp[:, s : s + n_out]")], {},
     {"test_stride_forward_values", "test_stride_backward_dW", "test_combined_forward", "test_combined_backward"}),
    ("07_stride", "'same' with a stride > 1 is not rejected",
     [("if self.stride != 1 or F % 2 == 0:", "if F % 2 == 0:")], {}, {"test_errors"}),
    ("07_stride", "output_size accepts stride 0 and negative strides",
     [('    stride = check_int("stride", stride, 1)', "    stride = max(int(stride), 1)")], {},
     {"test_output_size"}),
]


@pytest.mark.parametrize(("notebook", "mistake", "edits", "overrides", "expected"), MUTANTS,
                         ids=[f"{m[0]}: {m[1]}" for m in MUTANTS])
def test_mutant_fails_only_its_grade_cells(notebook, mistake, edits, overrides, expected):
    assert failing(notebook, student(edits, **overrides)) == expected, mistake


def test_failure_message_names_the_case_and_gives_the_bilingual_hint():
    failures = simulate("05_padding", student(partial_bug("05_padding")))["test_forward_shape"]
    assert failures and "padding=" in failures[0] and "expected" in failures[0]
    assert "N_out = N_in + 2P - F + 1" in failures[0] and "両端" in failures[0]


def test_not_raising_is_reported_as_such():
    edits = [('self.padding = check_int("padding", padding, 0)', "self.padding = max(int(padding), 0)")]
    failures = simulate("05_padding", student(edits))["test_errors"]
    assert failures and all("expected ValueError" in failure and "returned normally" in failure
                            for failure in failures)


def test_probe_results_are_only_numbers():
    """What the judge sees of a student's result is float64 arrays: a forged object cannot compare equal."""
    class AlwaysEqual(np.ndarray):
        def __eq__(self, other):
            return True

    def forged_output_size(n_in, filter_size, padding=0, stride=1):
        return np.zeros(()).view(AlwaysEqual)

    assert failing("05_padding", student(output_size=forged_output_size)) == {"test_output_size"}


def test_each_hidden_region_runs_on_its_own():
    """A visible test that fails stops its cell before the hidden part: the next cells' hidden parts must still
    define `_probe` themselves (they run in a kernel where no earlier hidden part did)."""
    (item,) = [item for item in course_notebooks() if item.name == "05_padding"]
    _, source, report = build_one(item)
    assert not report.errors, report.errors
    regions = [cell.source.split(BEGIN_HIDDEN, 1)[1].split(END_HIDDEN, 1)[0]
               for cell in source.cells if BEGIN_HIDDEN in cell.source]
    assert len(regions) == len(report.hidden) == 8
    displayed = []
    for region in regions:
        with mock.patch("IPython.display.display", lambda data, raw=False: displayed.append(data)):
            exec(compile(region, "<hidden region>", "exec"), student())  # noqa: S102 - no _probe defined before
    assert len(displayed) == len(regions)
