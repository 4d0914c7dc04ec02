"""Judges of notebooks 01 (SimpleConv1d), 02 (output_size) and 04 (Conv1d channels), run in-process
(autograde.judge.simulate, no kernel).

The reference passes every grade cell. Each mutant (the partial demo student's bug, then typical student mistakes)
is the reference source with a few edits, or a student's own class; it must fail exactly the grade cells its
mistake touches, no others.
"""

import importlib
import inspect

import numpy as np
import pytest

import solutions
import solutions.p1_simple_conv1d
import solutions.p2_output_size
import solutions.p4_conv1d
from autograde.demo_class.partial_bugs import BUGS
from autograde.judge import simulate

NOTEBOOKS = {1: "01_simple_conv1d", 2: "02_output_size", 4: "04_conv1d_channels"}
OUTPUT_SIZE_SOURCE = inspect.getsource(solutions.p2_output_size)
# in a notebook Conv1d calls the student's own output_size: the mutant's, not the reference's
CONV1D_SOURCE = inspect.getsource(solutions.p4_conv1d).replace("from solutions.p2_output_size import output_size\n", "")
SOURCES = {
    "01_simple_conv1d": [inspect.getsource(solutions.p1_simple_conv1d)],
    "02_output_size": [OUTPUT_SIZE_SOURCE],
    "04_conv1d_channels": [OUTPUT_SIZE_SOURCE, CONV1D_SOURCE],
}


def student(notebook: str, edits=(), **overrides) -> dict:
    """A student's kernel names: the notebook's reference source with `edits` applied, each (reference text,
    student's text) found exactly once in the sources; then `overrides` (a student's own function or class)."""
    sources = SOURCES[notebook]
    for old, new in edits:
        counts = [source.count(old) for source in sources]
        assert sum(counts) == 1, f"edit {old!r} must match the reference exactly once, matched {counts}"
        sources = [source.replace(old, new) for source in sources]
    namespace = {"__name__": "student"}
    for source in sources:
        exec(compile(source, "<student>", "exec"), namespace)  # noqa: S102 - the reference, edited by this test
    return {**namespace, **overrides}


def failing(notebook: str, namespace: dict) -> set[str]:
    return {grade_id for grade_id, failures in simulate(notebook, namespace).items() if failures}


def partial_bug(notebook: str):
    (bug,) = [bug for bug in BUGS if bug.notebook == notebook]
    return bug.edits


class LoopSimpleConv1d:
    """A student's SimpleConv1d: right loops, no input checks at all."""

    def __init__(self, W, B, optimizer=None):
        self.W, self.B = np.asarray(W, dtype=float), np.asarray(B, dtype=float).reshape(-1)
        self.optimizer = optimizer

    def forward(self, X):
        self.X, F = np.asarray(X, dtype=float), len(self.W)
        return np.array([np.sum(self.X[i : i + F] * self.W) + self.B[0] for i in range(len(self.X) - F + 1)])

    def backward(self, dA):
        F = len(self.W)
        self.dB = np.array([np.sum(dA)])
        self.dW = np.array([sum(dA[i] * self.X[i + s] for i in range(len(dA))) for s in range(F)])
        dX = np.zeros(len(self.X))
        for i in range(len(dA)):
            for s in range(F):
                dX[i + s] += dA[i] * self.W[s]
        if self.optimizer is not None:
            self.optimizer.update(self)
        return dX


class LoopConv1d:
    """A student's Conv1d: right loops, no input checks at all."""

    def __init__(self, W, B, optimizer=None):
        self.W, self.B, self.optimizer = np.asarray(W, dtype=float), np.asarray(B, dtype=float), optimizer

    def forward(self, X):
        self.X = np.asarray(X, dtype=float)
        c_out, _, F = self.W.shape
        return np.array([[np.sum(self.X[:, i : i + F] * self.W[o]) + self.B[o]
                          for i in range(self.X.shape[1] - F + 1)] for o in range(c_out)])

    def backward(self, dA):
        c_out, _, F = self.W.shape
        self.dB, self.dW, dX = dA.sum(axis=1), np.zeros_like(self.W), np.zeros_like(self.X)
        for o in range(c_out):
            for i in range(dA.shape[1]):
                self.dW[o] += dA[o, i] * self.X[:, i : i + F]
                dX[:, i : i + F] += dA[o, i] * self.W[o]
        if self.optimizer is not None:
            self.optimizer.update(self)
        return dX


@pytest.mark.parametrize("number", sorted(NOTEBOOKS))
def test_reference_passes_every_grade_cell(number):
    reference = vars(importlib.import_module(solutions.NOTEBOOK_MODULES[number]))
    verdicts = simulate(NOTEBOOKS[number], reference)
    assert verdicts and all(failures == [] for failures in verdicts.values()), verdicts


@pytest.mark.parametrize("notebook", NOTEBOOKS.values())
def test_unedited_student_passes(notebook):
    """The mutant builder itself changes nothing: failures below come from the edits."""
    assert failing(notebook, student(notebook)) == set()


UPDATE_CALL = "            self.optimizer.update(self)"
DX_01 = 'dX = np.convolve(dA, self.W, mode="full")'
MUTANTS = [
    # notebook 01: SimpleConv1d
    ("01_simple_conv1d", "partial demo student: forward forgets the bias", partial_bug("01_simple_conv1d"), {},
     {"test_forward_values"}),
    ("01_simple_conv1d", "forward flips the filter",
     [("return windows @ self.W + self.B[0]", "return windows @ self.W[::-1] + self.B[0]")], {},
     {"test_forward_values"}),
    ("01_simple_conv1d", "forward drops the last window (N_out = N_in - F)",
     [("return windows @ self.W + self.B[0]", "return windows[:-1] @ self.W + self.B[0]")], {},
     {"test_forward_shape", "test_forward_values"}),
    ("01_simple_conv1d", "forward returns the visible example's numbers",
     [("return windows @ self.W + self.B[0]", "return np.array([35.0, 50.0])")], {},
     {"test_forward_shape", "test_forward_values"}),
    ("01_simple_conv1d", "dX without flipping the filter", [(DX_01, 'dX = np.convolve(dA, self.W[::-1], mode="full")')],
     {}, {"test_backward_dX", "test_optimizer"}),
    ("01_simple_conv1d", "the optimizer updates W before dX is computed",
     [(f"{DX_01}\n        if self.optimizer is not None:\n{UPDATE_CALL}",
       f"if self.optimizer is not None:\n{UPDATE_CALL}\n        {DX_01}")], {}, {"test_optimizer"}),
    ("01_simple_conv1d", "backward never calls the optimizer", [(UPDATE_CALL, "            pass")], {},
     {"test_optimizer"}),
    ("01_simple_conv1d", "right loops, no input checks", [], {"SimpleConv1d": LoopSimpleConv1d}, {"test_errors"}),
    # notebook 02: output_size
    ("02_output_size", "partial demo student: output_size forgets the stride", partial_bug("02_output_size"), {},
     {"test_output_size_stride", "test_output_size_not_integer"}),
    ("02_output_size", "pads one side only (P instead of 2P)",
     [("padded = n_in + 2 * padding", "padded = n_in + padding")], {},
     {"test_output_size_padding", "test_output_size_stride", "test_output_size_invalid",
      "test_output_size_not_integer"}),
    ("02_output_size", "divides with / (returns a float)",
     [("return (padded - filter_size) // stride + 1", "return (padded - filter_size) / stride + 1")], {},
     {"test_output_size_stride"}),
    ("02_output_size", "no input checks at all",
     [("    n_in = check_int(", "    return (n_in + 2 * padding - filter_size) // stride + 1\n    n_in = check_int(")],
     {}, {"test_output_size_invalid", "test_output_size_not_integer", "test_output_size_message"}),
    ("02_output_size", "the message does not name the numbers",
     [('f"filter_size={filter_size} is longer than the padded input "', '"the filter is too long"'),
      ('f"n_in + 2*padding = {n_in} + 2*{padding} = {padded}"', '""')], {}, {"test_output_size_message"}),
    # notebook 04: Conv1d with channels
    ("04_conv1d_channels", "partial demo student: dB sums over the output channels",
     partial_bug("04_conv1d_channels"), {}, {"test_backward_dB", "test_optimizer"}),
    ("04_conv1d_channels", "forward flips the filter",
     [("@ self.W.reshape(c_out, -1).T", "@ self.W[:, :, ::-1].reshape(c_out, -1).T")], {}, {"test_forward_values"}),
    ("04_conv1d_channels", "forward forgets the bias",
     [("A = np.add(A, self.B, out=A) if np.result_type(A, self.B) == A.dtype else A + self.B", "A = A + 0.0")], {},
     {"test_forward_values"}),
    ("04_conv1d_channels", "forward returns the visible example's numbers",
     [("return A[0] if self.single else A", "return np.array([[16.0, 22.0], [17.0, 23.0], [18.0, 24.0]])")], {},
     {"test_forward_shape", "test_forward_values", "test_errors"}),
    ("04_conv1d_channels", "dW with the C_in and F axes swapped",
     [("self.dW = (dA2.T @ self.cols.reshape(", "self.dW = (dA2.T @ self.cols.transpose(0, 1, 3, 2).reshape(")], {},
     {"test_backward_dW", "test_optimizer"}),
    ("04_conv1d_channels", "backward never calls the optimizer", [(UPDATE_CALL, "            pass")], {},
     {"test_optimizer"}),
    ("04_conv1d_channels", "B is only checked to be 1-D",
     [("if self.B.shape != (self.W.shape[0],):", "if self.B.ndim != 1:")], {}, {"test_errors"}),
    ("04_conv1d_channels", "right loops, no input checks", [], {"Conv1d": LoopConv1d}, {"test_errors"}),
]


@pytest.mark.parametrize(("notebook", "mistake", "edits", "overrides", "expected"), MUTANTS,
                         ids=[f"{m[0]}: {m[1]}" for m in MUTANTS])
def test_mutant_fails_only_its_grade_cells(notebook, mistake, edits, overrides, expected):
    assert failing(notebook, student(notebook, edits, **overrides)) == expected, mistake


def test_failure_message_names_the_case_and_gives_the_bilingual_hint():
    failures = simulate("01_simple_conv1d", student("01_simple_conv1d", partial_bug("01_simple_conv1d")))
    message = failures["test_forward_values"][0]
    assert "forward with F=" in message and "expected" in message
    assert "a[i] = sum_s x[i+s] W[s] + B" in message and "ランダムな x, W, B" in message


def test_not_raising_is_reported_as_such():
    failures = simulate("04_conv1d_channels", student("04_conv1d_channels", Conv1d=LoopConv1d))["test_errors"]
    assert failures and all("expected ValueError" in failure and "returned normally" in failure
                            for failure in failures[:3])


def test_message_judge_reads_the_raised_message():
    edits = [('f"filter_size={filter_size} is longer than the padded input "', '"the filter is too long"'),
             ('f"n_in + 2*padding = {n_in} + 2*{padding} = {padded}"', '""')]
    failures = simulate("02_output_size", student("02_output_size", edits))["test_output_size_message"]
    assert failures and "'the filter is too long'" in failures[0] and "N_in, F, P" in failures[0]


def test_stride_judge_rejects_a_float_of_the_right_value():
    edits = [("return (padded - filter_size) // stride + 1", "return float((padded - filter_size) // stride + 1)")]
    failures = simulate("02_output_size", student("02_output_size", edits))
    assert {grade_id for grade_id, found in failures.items() if found} == {"test_output_size_stride"}
    assert "did not return an int" in failures["test_output_size_stride"][0]
