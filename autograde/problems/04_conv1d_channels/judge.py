"""Judges of notebook 04_conv1d_channels (the grader's half; cases: autograde/problems/04_conv1d_channels/probe.py).

The oracle is the definition written out with loops (autograde/problems/oracles.py, padding 0, stride 1),
independent of solutions/:
    A[o, i] = sum_c sum_s X[c, i+s] W[o, c, s] + B[o],  dW[o, c, s] = sum_i dA[o, i] X[c, i+s],
    dX[c, j] = sum_o sum_s dA[o, j-s] W[o, c, s],  dB[o] = sum_i dA[o, i].
"""

from autograde.grade.expect import expect_close, expect_optimizer_step, expect_raises, value
from autograde.problems.oracles import backward, forward


def _shapes(X, W):
    return f"X {X.shape}, W {W.shape}"


def test_forward_shape(key, got, *, X, W, B):
    A = value(got, f"forward with {_shapes(X, W)}")
    want = (W.shape[0], X.shape[1] - W.shape[2] + 1)
    if A.shape != want:
        raise AssertionError(f"forward with {_shapes(X, W)} returned shape {A.shape}, expected {want} "
                             f"/ 形状が {A.shape} です（正しくは {want}）")


def test_forward_values(key, got, *, X, W, B):
    what = f"forward with {_shapes(X, W)}, random W and B"
    expect_close(what, value(got, what), forward(X, W, B), "A[o, i] = sum_c sum_s X[c, i+s] W[o, c, s] + B[o]")


def test_backward_dB(key, got, *, X, W, B, dA):
    what = f"dB with C_out={W.shape[0]}, N_out={dA.shape[1]}"
    expect_close(what, value(got, what), backward(X, W, dA)["dB"], "dB = dA.sum over positions")


def test_backward_dW(key, got, *, X, W, B, dA):
    what = f"dW with {_shapes(X, W)}, random dA"
    expect_close(what, value(got, what), backward(X, W, dA)["dW"], "dW[o, c, s] = sum_i dA[o, i] X[c, i+s]")


def test_backward_dX(key, got, *, X, W, B, dA):
    what = f"dX with {_shapes(X, W)}, random W and dA"
    expect_close(what, value(got, what), backward(X, W, dA)["dX"], "dX[c, j] = sum_o sum_s dA[o, j-s] W[o, c, s]")


def test_optimizer(key, got, *, X, W, B, dA, lr):
    expected = backward(X, W, dA)
    expect_optimizer_step(f"{_shapes(X, W)}, lr={lr:.3f}", got, W=W, B=B, lr=lr, **expected)


def test_errors(key, got, *, W, B, X):
    if W.ndim != 3:
        expect_raises(f"Conv1d with a {W.ndim}-D W of shape {W.shape}", got, ValueError,
                      "W must be 3-D: (C_out, C_in, F). / W は3次元 (C_out, C_in, F) です。")
    elif B.shape != (W.shape[0],):
        expect_raises(f"Conv1d with W {W.shape} and B {B.shape}", got, ValueError,
                      f"B is (C_out,) = ({W.shape[0]},) / B の形状は (C_out,) = ({W.shape[0]},) です。")
    elif X.shape[0] != W.shape[1]:
        expect_raises(f"forward with X of shape {X.shape}", got, ValueError,
                      f"W expects C_in = {W.shape[1]} / W の C_in は {W.shape[1]} です。")
    else:
        what = f"forward with a valid X {X.shape} and W {W.shape}"
        A, want = value(got, what), (W.shape[0], X.shape[1] - W.shape[2] + 1)
        if A.shape != want:
            raise AssertionError(f"{what} returned shape {A.shape}, expected {want} "
                                 f"/ 形状が {A.shape} です（正しくは {want}）")
