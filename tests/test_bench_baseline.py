"""The naive loops tests/bench_conv1d.py times against Conv1d are right: the benchmark's baseline is a real conv."""

import importlib.util
from pathlib import Path

import numpy as np
import pytest

from solutions.p4_conv1d import Conv1d


def load_bench():
    """Import tests/bench_conv1d.py by path (it is a script, not a package module; any pytest import mode)."""
    spec = importlib.util.spec_from_file_location("bench_conv1d", Path(__file__).with_name("bench_conv1d.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


bench = load_bench()


@pytest.mark.parametrize("batch, c_in, c_out, F, n_in, stride, padding", [
    (2, 3, 4, 3, 7, 1, 1),  # 'same', like the benchmark
    (1, 1, 1, 3, 4, 1, 0),
    (3, 2, 5, 4, 9, 2, 2),
    (2, 4, 3, 1, 5, 3, 0),
])
def test_naive_loops_match_conv1d(batch, c_in, c_out, F, n_in, stride, padding):
    rng = np.random.default_rng(batch * 1000 + F * 10 + stride)
    X, W = rng.standard_normal((batch, c_in, n_in)), rng.standard_normal((c_out, c_in, F))
    B = rng.standard_normal(c_out)
    layer = Conv1d(W.copy(), B.copy(), stride=stride, padding=padding)
    A = bench.naive_conv1d_forward(X, W, B, stride=stride, padding=padding)
    np.testing.assert_allclose(A, layer.forward(X), rtol=1e-12, atol=1e-12)
    dA = rng.standard_normal(A.shape)
    dX, dW, dB = bench.naive_conv1d_backward(X, W, dA, stride=stride, padding=padding)
    np.testing.assert_allclose(dX, layer.backward(dA), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(dW, layer.dW, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(dB, layer.dB, rtol=1e-12, atol=1e-12)


def test_naive_loops_on_the_sprint_example():
    X = np.array([[[1.0, 2, 3, 4], [2, 3, 4, 5]]])
    A = bench.naive_conv1d_forward(X, np.ones((3, 2, 3)), np.array([1.0, 2, 3]))
    np.testing.assert_array_equal(A, [[[16, 22], [17, 23], [18, 24]]])
    dX, _, dB = bench.naive_conv1d_backward(X, np.ones((3, 2, 3)), np.array([[[52.0, 56], [32, 35], [9, 11]]]))
    np.testing.assert_array_equal(dX, [[[93, 195, 195, 102]] * 2])
    np.testing.assert_array_equal(dB, [108, 67, 20])


def test_bench_runs_end_to_end_on_a_tiny_shape(monkeypatch, capsys):
    monkeypatch.setitem(bench.SHAPE, "batch", 2)
    monkeypatch.setitem(bench.SHAPE, "c_out", 4)
    monkeypatch.setattr(bench, "GOAL", 0.0)  # a tiny shape says nothing about speed
    assert bench.main(["--repeats", "2"]) == 0
    out = capsys.readouterr().out
    assert "float32" in out and "float64" in out and "OK" in out
