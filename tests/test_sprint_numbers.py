"""The sprint's worked examples, number for number (problems 1-4), and output_size's examples and formula."""

import numpy as np
import pytest

from solutions.p1_simple_conv1d import SimpleConv1d
from solutions.p2_output_size import output_size
from solutions.p3_toy_check import toy_check
from solutions.p4_conv1d import Conv1d

# ---- problems 1 and 3: one channel -----------------------------------------------------------------------------
TOY_X = np.array([1.0, 2.0, 3.0, 4.0])
TOY_W = np.array([3.0, 5.0, 7.0])
TOY_B = np.array([1.0])
TOY_DA = np.array([10.0, 20.0])


def test_simple_conv1d_sprint_example():
    layer = SimpleConv1d(TOY_W.copy(), TOY_B.copy())
    a = layer.forward(TOY_X)
    np.testing.assert_array_equal(a, [35, 50])
    dX = layer.backward(TOY_DA)
    np.testing.assert_array_equal(layer.dB, [30])
    np.testing.assert_array_equal(layer.dW, [50, 80, 110])
    np.testing.assert_array_equal(dX, [30, 110, 170, 140])
    assert a.shape == (2,) and layer.dB.shape == (1,) and layer.dW.shape == (3,) and dX.shape == (4,)


def test_simple_conv1d_accepts_int_lists_and_a_scalar_bias():
    layer = SimpleConv1d([3, 5, 7], 1)
    np.testing.assert_array_equal(layer.forward([1, 2, 3, 4]), [35, 50])
    np.testing.assert_array_equal(layer.backward([10, 20]), [30, 110, 170, 140])


def test_toy_check_defaults_are_the_sprint_numbers():
    result = toy_check()
    np.testing.assert_array_equal(result["a"], [35, 50])
    np.testing.assert_array_equal(result["dB"], [30])
    np.testing.assert_array_equal(result["dW"], [50, 80, 110])
    np.testing.assert_array_equal(result["dX"], [30, 110, 170, 140])


def test_toy_check_on_other_arrays_matches_the_definition():
    rng = np.random.default_rng(3)
    x, w, b, dA = rng.standard_normal(9), rng.standard_normal(4), rng.standard_normal(1), rng.standard_normal(6)
    result = toy_check(x, w, b, dA)
    a = np.array([sum(x[i + s] * w[s] for s in range(4)) + b[0] for i in range(6)])
    dW = np.array([sum(dA[i] * x[i + s] for i in range(6)) for s in range(4)])
    dX = np.zeros(9)
    for i in range(6):
        for s in range(4):
            dX[i + s] += dA[i] * w[s]
    np.testing.assert_allclose(result["a"], a, rtol=0, atol=1e-12)
    np.testing.assert_allclose(result["dB"], [dA.sum()], rtol=0, atol=1e-12)
    np.testing.assert_allclose(result["dW"], dW, rtol=0, atol=1e-12)
    np.testing.assert_allclose(result["dX"], dX, rtol=0, atol=1e-12)


# ---- problem 4: several channels --------------------------------------------------------------------------------
CONV_X = np.array([[1.0, 2, 3, 4], [2, 3, 4, 5]])
CONV_W = np.ones((3, 2, 3))
CONV_B = np.array([1.0, 2, 3])
CONV_DA = np.array([[52.0, 56], [32, 35], [9, 11]])


def by_hand_dW_dB(dA, x, F):
    """dW[o, c, s] = sum_i dA[o, i] * x[c, i + s], dB[o] = sum_i dA[o, i], with explicit loops."""
    c_out, n_out = dA.shape
    c_in = x.shape[0]
    dW = np.zeros((c_out, c_in, F))
    dB = np.zeros(c_out)
    for o in range(c_out):
        for i in range(n_out):
            dB[o] += dA[o, i]
            for c in range(c_in):
                for s in range(F):
                    dW[o, c, s] += dA[o, i] * x[c, i + s]
    return dW, dB


def test_conv1d_sprint_example_forward():
    layer = Conv1d(CONV_W.copy(), CONV_B.copy())
    np.testing.assert_array_equal(layer.forward(CONV_X), [[16, 22], [17, 23], [18, 24]])


def test_conv1d_sprint_example_backward():
    layer = Conv1d(CONV_W.copy(), CONV_B.copy())
    layer.forward(CONV_X)
    dX = layer.backward(CONV_DA)
    np.testing.assert_array_equal(dX, [[93, 195, 195, 102], [93, 195, 195, 102]])
    dW, dB = by_hand_dW_dB(CONV_DA, CONV_X, 3)
    # the numbers themselves, so a reader sees them: every channel of x is read at the same taps by all filters
    np.testing.assert_array_equal(dB, [108, 67, 20])
    np.testing.assert_array_equal(dW[0], [[164, 272, 380], [272, 380, 488]])
    np.testing.assert_array_equal(layer.dW, dW)
    np.testing.assert_array_equal(layer.dB, dB)


def test_conv1d_sprint_example_as_a_batch_of_one_and_of_two():
    layer = Conv1d(CONV_W.copy(), CONV_B.copy())
    batch = np.stack([CONV_X, 2 * CONV_X])
    A = layer.forward(batch)
    assert A.shape == (2, 3, 2)
    np.testing.assert_array_equal(A[0], [[16, 22], [17, 23], [18, 24]])
    np.testing.assert_array_equal(A[1], [[31, 43], [32, 44], [33, 45]])
    dX = layer.backward(np.stack([CONV_DA, CONV_DA]))
    np.testing.assert_array_equal(dX, [[[93, 195, 195, 102]] * 2] * 2)
    dW1, dB1 = by_hand_dW_dB(CONV_DA, CONV_X, 3)
    dW2, dB2 = by_hand_dW_dB(CONV_DA, 2 * CONV_X, 3)
    np.testing.assert_array_equal(layer.dW, dW1 + dW2)  # summed over the batch, not averaged
    np.testing.assert_array_equal(layer.dB, dB1 + dB2)


# ---- problem 2: output_size -----------------------------------------------------------------------------------
@pytest.mark.parametrize("args, expected", [
    ((4, 3), 2),
    ((28, 3, 1, 1), 28),
    ((10, 3, 0, 2), 4),
    ((10, 4, 1, 3), 3),
    ((28, 3), 26),
    ((5, 5), 1),
    ((1, 3, 1), 1),
    ((7, 3, 0, 3), 2),
    ((100, 1, 0, 100), 1),
])
def test_output_size_examples(args, expected):
    assert output_size(*args) == expected


def test_output_size_keywords_and_return_type():
    got = output_size(n_in=10, filter_size=4, padding=1, stride=3)
    assert got == 3 and type(got) is int
    assert type(output_size(np.int64(10), np.int32(3))) is int  # numpy integers are integers


def test_output_size_counts_the_filter_positions():
    """N_out is the number of starts 0, S, 2S, ... at which the filter still fits in the padded input."""
    for n in range(1, 13):
        for f in range(1, 7):
            for p in range(4):
                for s in range(1, 5):
                    if f > n + 2 * p:
                        continue
                    starts = [i for i in range(0, n + 2 * p, s) if i + f <= n + 2 * p]
                    assert output_size(n, f, p, s) == len(starts), (n, f, p, s)
