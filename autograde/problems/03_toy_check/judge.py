"""Judges of notebook 03_toy_check (the grader's half; cases: autograde/problems/03_toy_check/probe.py).

The oracle is the definition written out with loops (autograde/problems/oracles.py), independent of solutions/.
"""


from autograde.grade.expect import expect_close, named, value
from autograde.problems.oracles import simple_dW, simple_dX, simple_forward


def _what(name, x, w):
    return f'toy_check(x, w, b, dA)["{name}"] with F={len(w)}, N_in={len(x)}'


def test_toy_a(key, got, *, x, w, b, dA):
    expect_close(_what("a", x, w), value(got, 'toy_check(...)["a"]'), simple_forward(x, w, b),
                 "toy_check must compute with its arguments / toy_check は引数の配列で計算します")


def test_toy_dB(key, got, *, x, w, b, dA):
    expect_close(_what("dB", x, w), value(got, 'toy_check(...)["dB"]'), [dA.sum()],
                 "dB = sum of dA over positions / dB は dA の総和")


def test_toy_dW(key, got, *, x, w, b, dA):
    expect_close(_what("dW", x, w), value(got, 'toy_check(...)["dW"]'), simple_dW(x, w, dA),
                 "dW[s] = sum_i dA[i] x[i+s]")


def test_toy_dX(key, got, *, x, w, b, dA):
    expect_close(_what("dX", x, w), value(got, 'toy_check(...)["dX"]'), simple_dX(x, w, dA),
                 "dX[j] = sum_s dA[j-s] w[s] (each output position sends dA back to the F inputs it read)")


def test_gradient_check(key, got, *, x, w, b, dA):
    results = named(got, "SimpleConv1d", ["forward", "dX", "dW", "dB"])
    where = f"SimpleConv1d with F={len(w)}, N_in={len(x)}"
    expect_close(f"{where}: forward", results["forward"], simple_forward(x, w, b))
    expect_close(f"{where}: dX", results["dX"], simple_dX(x, w, dA))
    expect_close(f"{where}: dW", results["dW"], simple_dW(x, w, dA))
    expect_close(f"{where}: dB", results["dB"].reshape(-1), [dA.sum()])
