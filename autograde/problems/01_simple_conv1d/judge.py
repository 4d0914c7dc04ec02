"""Judges of notebook 01_simple_conv1d (the grader's half; cases: autograde/problems/01_simple_conv1d/probe.py).

The oracle is the definition written out with loops (autograde/problems/oracles.py), independent of solutions/:
    a[i] = sum_s x[i+s] w[s] + b,  dW[s] = sum_i dA[i] x[i+s],  dX[j] = sum_s dA[j-s] w[s],  dB = [sum_i dA[i]].
"""


from autograde.grade.expect import expect_close, expect_optimizer_step, expect_raises, value
from autograde.problems.oracles import simple_dW, simple_dX, simple_forward


def _where(x, w):
    return f"F={len(w)}, N_in={len(x)}"


def test_forward_shape(key, got, *, x, w, b):
    n_in, F = len(x), len(w)
    a = value(got, f"forward with {_where(x, w)}")
    if a.shape != (n_in - F + 1,):
        raise AssertionError(
            f"forward with F={F}, N_in={n_in} returned shape {a.shape}, expected ({n_in - F + 1},) = N_in - F + 1 "
            f"/ F={F}, N_in={n_in} での forward の形状が {a.shape} です（正しくは ({n_in - F + 1},)）")


def test_forward_values(key, got, *, x, w, b):
    what = f"forward with {_where(x, w)}, random x, W, B"
    expect_close(what, value(got, what), simple_forward(x, w, b),
                 "a[i] = sum_s x[i+s] W[s] + B / ランダムな x, W, B での forward が違います")


def test_backward_dB(key, got, *, x, w, b, dA):
    what = f"dB with {_where(x, w)}"
    expect_close(what, value(got, what), [dA.sum()], "dB = [sum(dA)] / ランダムな dA での dB が違います")


def test_backward_dW(key, got, *, x, w, b, dA):
    what = f"dW with {_where(x, w)}, random x, W, dA"
    expect_close(what, value(got, what), simple_dW(x, w, dA),
                 "dW[s] = sum_i dA[i] x[i+s] / ランダムな値での dW が違います")


def test_backward_dX(key, got, *, x, w, b, dA):
    what = f"dX with {_where(x, w)}, random x, W, dA"
    expect_close(what, value(got, what), simple_dX(x, w, dA),
                 "dX[j] = sum_s dA[j-s] W[s] / ランダムな値での dX が違います")


def test_optimizer(key, got, *, x, w, b, dA, lr):
    expect_optimizer_step(f"{_where(x, w)}, lr={lr:.3f}", got, W=w, B=b, lr=lr, dX=simple_dX(x, w, dA),
                          dW=simple_dW(x, w, dA), dB=[dA.sum()])


def test_errors(key, got, *, w, b, x, dA=None):
    F = len(w)
    if dA is not None:
        n_out = len(x) - F + 1
        expect_raises(f"backward with dA of shape {dA.shape} after a forward output of shape ({n_out},)", got,
                      ValueError, "dA の形状が違うときは ValueError")
    elif x.ndim != 1:
        expect_raises(f"forward with x of shape {x.shape}", got, ValueError, "2次元の x には ValueError")
    elif len(x) < F:
        expect_raises(f"forward with N_in={len(x)} < F={F}", got, ValueError, "N_in < F なら ValueError")
    else:
        value(got, f"forward with a valid x of shape {x.shape} (F={F})")
