"""Every layer's backward against centered-difference numeric gradients (float64, relative error <= 1e-7).

The numeric gradient is computed here, independently of solutions.gradcheck (which is checked at the end).
Each layer is scored on L = sum(forward(X) * G) with a random G, so dX = dL/dX, dW = dL/dW, dB = dL/dB.
"""

import copy

import numpy as np
import pytest

from solutions.fast_conv1d import FastConv1d
from solutions.gradcheck import check_layer_gradients
from solutions.layers import FC, Flatten, MaxPool1d, ReLU, SoftmaxCrossEntropy, softmax
from solutions.optimizers import SGD, AdaGrad, Adam
from solutions.p1_simple_conv1d import SimpleConv1d
from solutions.p4_conv1d import Conv1d

TOLERANCE = 1e-7
EPS = 1e-6


def numeric_gradient(loss, x, eps=EPS):
    """(loss(x + eps e_k) - loss(x - eps e_k)) / 2eps for every element k of x (changed in place, restored)."""
    grad = np.zeros(x.shape)
    flat = x.reshape(-1)  # a view: x must be contiguous
    assert np.shares_memory(flat, x)
    for k in range(flat.size):
        original = flat[k]
        flat[k] = original + eps
        plus = loss()
        flat[k] = original - eps
        minus = loss()
        flat[k] = original
        grad.flat[k] = (plus - minus) / (2 * eps)
    return grad


def rel_error(analytic, numeric):
    """max |a - n| / max(|a| + |n|): a scale-free error, 0 when both are 0."""
    analytic, numeric = np.asarray(analytic, dtype=np.float64), np.asarray(numeric, dtype=np.float64)
    assert analytic.shape == numeric.shape, (analytic.shape, numeric.shape)
    scale = np.max(np.abs(analytic) + np.abs(numeric))
    return 0.0 if scale == 0 else float(np.max(np.abs(analytic - numeric)) / scale)


def check_gradients(layer, X, seed=0, params=("W", "B")):
    """Assert that layer.backward matches numeric gradients of sum(forward(X) * G) for X and each parameter."""
    G = np.random.default_rng(seed + 1000).standard_normal(np.shape(layer.forward(X)))

    def loss():
        return float(np.sum(layer.forward(X) * G))

    layer.forward(X)
    dX = layer.backward(G)
    assert dX.shape == X.shape and dX.dtype == np.float64
    errors = {"dX": rel_error(dX, numeric_gradient(loss, X))}
    for name in params:
        analytic = getattr(layer, "d" + name)
        assert analytic.shape == getattr(layer, name).shape
        errors["d" + name] = rel_error(analytic, numeric_gradient(loss, getattr(layer, name)))
    assert max(errors.values()) <= TOLERANCE, errors
    return errors


def away_from_zero(rng, shape, margin=1e-3):
    """Standard normal numbers, none within margin of 0 (the ReLU kink)."""
    X = rng.standard_normal(shape)
    X[np.abs(X) < margin] += 2 * margin * np.sign(X[np.abs(X) < margin] + 1e-300)
    assert np.all(np.abs(X) >= margin)
    return X


def well_separated(rng, shape, gap=1e-2):
    """Distinct numbers at least gap apart (no two within 1e-3: no MaxPool tie moves under a numeric step)."""
    values = (rng.permutation(int(np.prod(shape))) - np.prod(shape) / 2) * gap
    return values.reshape(shape).astype(np.float64)


# ---- convolutions ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("n_in, F", [(4, 3), (7, 1), (9, 4), (6, 6), (13, 5)])
def test_simple_conv1d_gradients(n_in, F):
    rng = np.random.default_rng(n_in * 10 + F)
    layer = SimpleConv1d(rng.standard_normal(F), rng.standard_normal(1))
    check_gradients(layer, rng.standard_normal(n_in), seed=n_in)


CONV_CASES = [
    # batch (None: one (C_in, N_in) sample), C_in, C_out, F, N_in, stride, padding
    (None, 1, 1, 3, 7, 1, 0),
    (None, 3, 2, 4, 9, 2, 1),
    (None, 2, 3, 3, 8, 1, "same"),
    (1, 1, 4, 2, 5, 1, 0),
    (2, 3, 5, 3, 11, 1, "same"),
    (2, 2, 3, 5, 10, 1, "same"),
    (3, 2, 4, 5, 13, 3, 2),
    (2, 4, 3, 1, 6, 1, 0),
    (4, 1, 2, 7, 7, 1, 0),
    (2, 3, 2, 4, 5, 4, 3),
    (2, 3, 3, 2, 9, 5, 0),
    (3, 5, 2, 3, 12, 2, 1),
]


@pytest.mark.parametrize("batch, c_in, c_out, F, n_in, stride, padding", CONV_CASES)
def test_conv1d_gradients(batch, c_in, c_out, F, n_in, stride, padding):
    rng = np.random.default_rng(CONV_CASES.index((batch, c_in, c_out, F, n_in, stride, padding)))
    layer = Conv1d(rng.standard_normal((c_out, c_in, F)), rng.standard_normal(c_out), stride=stride, padding=padding)
    shape = (c_in, n_in) if batch is None else (batch, c_in, n_in)
    X = rng.standard_normal(shape)
    check_gradients(layer, X, seed=F)
    if padding == "same":
        assert layer.forward(X).shape[-1] == n_in


@pytest.mark.parametrize("batch, c_in, c_out, F, n_in, stride, padding", CONV_CASES)
def test_fast_conv1d_gradients(batch, c_in, c_out, F, n_in, stride, padding):
    """Problem 8's speed-tuned Conv1d (solutions/fast_conv1d.py) passes the same numeric gradient checks."""
    rng = np.random.default_rng(CONV_CASES.index((batch, c_in, c_out, F, n_in, stride, padding)))
    layer = FastConv1d(rng.standard_normal((c_out, c_in, F)), rng.standard_normal(c_out), stride=stride,
                       padding=padding)
    check_gradients(layer, rng.standard_normal((c_in, n_in) if batch is None else (batch, c_in, n_in)), seed=F)


def test_fast_conv1d_without_dX_still_sets_dW_and_dB():
    rng = np.random.default_rng(5)
    W, B, X, G = (rng.standard_normal(s) for s in [(4, 3, 3), (4,), (2, 3, 10), (2, 4, 8)])
    full, first = FastConv1d(W.copy(), B.copy()), FastConv1d(W.copy(), B.copy())
    first.need_dX = False
    full.forward(X), first.forward(X)
    assert full.backward(G) is not None and first.backward(G) is None
    np.testing.assert_array_equal(first.dW, full.dW)
    np.testing.assert_array_equal(first.dB, full.dB)


# ---- the other layers -----------------------------------------------------------------------------------------
@pytest.mark.parametrize("batch, n_in, n_out", [(1, 1, 1), (3, 5, 4), (7, 2, 9)])
def test_fc_gradients(batch, n_in, n_out):
    rng = np.random.default_rng(batch * 100 + n_in * 10 + n_out)
    layer = FC(rng.standard_normal((n_in, n_out)), rng.standard_normal(n_out))
    check_gradients(layer, rng.standard_normal((batch, n_in)), seed=batch)


@pytest.mark.parametrize("shape", [(5,), (3, 4), (2, 3, 7)])
def test_relu_gradients(shape):
    rng = np.random.default_rng(len(shape))
    check_gradients(ReLU(), away_from_zero(rng, shape), params=())


def test_relu_gradient_is_zero_where_the_input_is_not_positive():
    layer = ReLU()
    np.testing.assert_array_equal(layer.forward(np.array([-2.0, 0.0, 3.0])), [0, 0, 3])
    np.testing.assert_array_equal(layer.backward(np.array([5.0, 6.0, 7.0])), [0, 0, 7])


@pytest.mark.parametrize("batch, channels, length, pool", [(1, 1, 4, 2), (2, 3, 9, 2), (3, 2, 10, 3), (2, 2, 13, 4),
                                                           (1, 3, 5, 1), (2, 1, 5, 5)])
def test_maxpool1d_gradients(batch, channels, length, pool):
    rng = np.random.default_rng(batch + channels + length + pool)
    X = well_separated(rng, (batch, channels, length))
    layer = MaxPool1d(pool)
    assert layer.forward(X).shape == (batch, channels, length // pool)
    check_gradients(layer, X, params=())
    dX = layer.backward(np.ones((batch, channels, length // pool)))
    assert np.all(dX[:, :, (length // pool) * pool :] == 0)  # the dropped tail gets no gradient


def first_max_routing(X, dA, pool):
    """Reference: each window's gradient to np.argmax of the window, i.e. its first maximum."""
    dX = np.zeros(X.shape)
    for b in range(X.shape[0]):
        for c in range(X.shape[1]):
            for i in range(X.shape[2] // pool):
                window = X[b, c, i * pool : (i + 1) * pool]
                dX[b, c, i * pool + int(np.argmax(window))] = dA[b, c, i]
    return dX


@pytest.mark.parametrize("pool", [2, 3, 4])
def test_maxpool1d_ties_route_the_gradient_to_the_first_max_only(pool):
    rng = np.random.default_rng(pool)
    X = rng.integers(0, 3, size=(4, 3, 4 * pool + 1)).astype(np.float64)  # many exact ties
    X[0, 0, :pool] = 0  # a whole window of zeros, as after a ReLU
    X[0, 1, :pool] = 7
    dA = rng.standard_normal((4, 3, 4))
    layer = MaxPool1d(pool)
    np.testing.assert_array_equal(layer.forward(X), X[:, :, : 4 * pool].reshape(4, 3, 4, pool).max(axis=3))
    dX = layer.backward(dA)
    np.testing.assert_array_equal(dX, first_max_routing(X, dA, pool))
    assert dX[0, 0, 0] == dA[0, 0, 0] and np.all(dX[0, 0, 1:pool] == 0)
    assert dX[0, 1, 0] == dA[0, 1, 0] and np.all(dX[0, 1, 1:pool] == 0)
    assert np.count_nonzero(dX) == np.count_nonzero(dA)  # exactly one element per window


def test_maxpool1d_explicit_tie_examples():
    layer = MaxPool1d(3)
    X = np.array([[[1.0, 3, 3, 2, 2, 2, -1, 0, 0]]])
    np.testing.assert_array_equal(layer.forward(X), [[[3, 2, 0]]])
    np.testing.assert_array_equal(layer.backward(np.array([[[10.0, 20, 30]]])), [[[0, 10, 0, 20, 0, 0, 0, 30, 0]]])


def test_maxpool1d_on_a_conv1d_output_layout():
    """Conv1d returns a transposed (channels-last) view; MaxPool1d must give the same numbers as on a copy."""
    rng = np.random.default_rng(11)
    A = Conv1d(rng.standard_normal((4, 3, 3)), rng.standard_normal(4), padding="same").forward(
        rng.standard_normal((2, 3, 9)))
    dA = rng.standard_normal((2, 4, 4))
    views, copies = MaxPool1d(2), MaxPool1d(2)
    np.testing.assert_array_equal(views.forward(A), copies.forward(np.ascontiguousarray(A)))
    np.testing.assert_array_equal(views.backward(dA), copies.backward(dA))
    np.testing.assert_array_equal(views.backward(dA), first_max_routing(np.asarray(A), dA, 2))


@pytest.mark.parametrize("shape", [(2, 3, 4), (1, 5, 1), (3, 2)])
def test_flatten_gradients_and_round_trip(shape):
    rng = np.random.default_rng(len(shape))
    X = rng.standard_normal(shape)
    layer = Flatten()
    A = layer.forward(X)
    assert A.shape == (shape[0], int(np.prod(shape[1:])))
    np.testing.assert_array_equal(A, X.reshape(shape[0], -1))
    np.testing.assert_array_equal(layer.backward(A), X)
    check_gradients(Flatten(), X, params=())


def softmax_cross_entropy_by_definition(A, y):
    """-mean_b log(exp(A[b, y_b]) / sum_k exp(A[b, k])), in plain float64 (for moderate A)."""
    return -np.mean([np.log(np.exp(A[b, y[b]]) / np.exp(A[b]).sum()) for b in range(len(y))])


@pytest.mark.parametrize("batch, n_classes", [(1, 2), (4, 10), (7, 3)])
def test_softmax_cross_entropy_loss_and_gradient(batch, n_classes):
    rng = np.random.default_rng(batch * n_classes)
    A = 3 * rng.standard_normal((batch, n_classes))
    y = rng.integers(0, n_classes, batch)
    layer = SoftmaxCrossEntropy()
    loss = layer.forward(A, y)
    assert isinstance(loss, float)
    assert loss == pytest.approx(softmax_cross_entropy_by_definition(A, y), rel=1e-13)
    dA = layer.backward()
    numeric = numeric_gradient(lambda: layer.forward(A, y), A)
    assert rel_error(dA, numeric) <= TOLERANCE
    # closed form: (softmax - one_hot) / batch
    one_hot = np.eye(n_classes)[y]
    np.testing.assert_allclose(dA, (softmax(A) - one_hot) / batch, rtol=0, atol=1e-15)


def test_softmax_cross_entropy_is_stable_for_huge_scores():
    layer = SoftmaxCrossEntropy()
    A = np.array([[1000.0, 0.0, -1000.0], [-5000.0, 5000.0, 4990.0]])
    loss = layer.forward(A, np.array([2, 2]))
    assert np.isfinite(loss)
    assert loss == pytest.approx((2000 + 10 + np.log1p(np.exp(-10))) / 2, rel=1e-12)
    dA = layer.backward()
    assert np.all(np.isfinite(dA))
    np.testing.assert_allclose(dA.sum(axis=1), 0, atol=1e-15)
    proba = softmax(A)
    assert np.all(np.isfinite(proba)) and np.allclose(proba.sum(axis=1), 1, rtol=0, atol=1e-15)


# ---- a whole network: the channels-last views of one layer must be right for the next ---------------------------
def test_gradients_through_a_small_network():
    rng = np.random.default_rng(2024)
    conv1 = Conv1d(rng.standard_normal((4, 3, 3)), rng.standard_normal(4), padding="same")
    conv2 = Conv1d(rng.standard_normal((5, 4, 3)), rng.standard_normal(5), stride=2, padding=1)
    fc = FC(rng.standard_normal((5 * 3, 4)), rng.standard_normal(4))
    layers = [conv1, ReLU(), MaxPool1d(2), conv2, Flatten(), fc]
    head = SoftmaxCrossEntropy()
    X = rng.standard_normal((3, 3, 11))
    y = np.array([0, 3, 1])

    def loss():
        A = X
        for layer in layers:
            A = layer.forward(A)
        return head.forward(A, y)

    loss()
    dA = head.backward()
    for layer in reversed(layers):
        dA = layer.backward(dA)
    analytic = {"X": dA} | {f"{i}{p}": getattr(layers[i], "d" + p) for i in (0, 3, 5) for p in "WB"}
    numeric = {"X": numeric_gradient(loss, X)}
    for i in (0, 3, 5):
        for p in "WB":
            numeric[f"{i}{p}"] = numeric_gradient(loss, getattr(layers[i], p))
    errors = {key: rel_error(analytic[key], numeric[key]) for key in analytic}
    assert max(errors.values()) <= TOLERANCE, errors


# ---- backward uses the weights of the forward pass, then the optimizer updates them ---------------------------
def make_pair(kind, rng):
    """The same layer twice, fresh parameter copies each; and an input for it."""
    if kind == "conv1d":
        W, B, X = rng.standard_normal((4, 3, 3)), rng.standard_normal(4), rng.standard_normal((2, 3, 9))
        return (lambda opt: Conv1d(W.copy(), B.copy(), stride=2, padding=1, optimizer=opt)), X
    if kind == "simple":
        W, B, X = rng.standard_normal(3), rng.standard_normal(1), rng.standard_normal(8)
        return (lambda opt: SimpleConv1d(W.copy(), B.copy(), optimizer=opt)), X
    W, B, X = rng.standard_normal((5, 3)), rng.standard_normal(3), rng.standard_normal((4, 5))
    return (lambda opt: FC(W.copy(), B.copy(), optimizer=opt)), X


@pytest.mark.parametrize("kind", ["conv1d", "simple", "fc"])
@pytest.mark.parametrize("optimizer", [SGD(lr=10.0), AdaGrad(lr=5.0), Adam(lr=5.0)], ids=["sgd", "adagrad", "adam"])
def test_backward_uses_pre_update_weights_and_the_optimizer_updates(kind, optimizer):
    rng = np.random.default_rng(7)
    build, X = make_pair(kind, rng)
    plain, trained = build(None), build(copy.deepcopy(optimizer))
    W0, B0 = plain.W.copy(), plain.B.copy()
    G = rng.standard_normal(np.shape(plain.forward(X)))
    trained.forward(X)
    dX_plain, dX_trained = plain.backward(G), trained.backward(G)
    np.testing.assert_array_equal(dX_trained, dX_plain)  # computed before W changed
    np.testing.assert_array_equal(trained.dW, plain.dW)
    np.testing.assert_array_equal(trained.dB, plain.dB)
    np.testing.assert_array_equal(plain.W, W0)  # no optimizer: nothing changes
    assert np.all(trained.W != W0) and np.all(trained.B != B0)  # every weight moved (all gradients are nonzero)
    if isinstance(optimizer, SGD):
        np.testing.assert_allclose(trained.W, W0 - 10.0 * plain.dW, rtol=1e-15, atol=0)
        np.testing.assert_allclose(trained.B, B0 - 10.0 * plain.dB, rtol=1e-15, atol=0)
    # the next forward uses the new weights
    assert not np.allclose(trained.forward(X), plain.forward(X))


# ---- the students' tool, solutions.gradcheck ------------------------------------------------------------------
def test_gradcheck_passes_a_right_layer_and_catches_a_wrong_one():
    rng = np.random.default_rng(0)
    W, B, X = rng.standard_normal((3, 2, 3)), rng.standard_normal(3), rng.standard_normal((2, 2, 7))
    errors = check_layer_gradients(Conv1d(W.copy(), B.copy(), stride=2, padding=1), X)
    assert set(errors) == {"dX", "dW", "dB"} and max(errors.values()) <= TOLERANCE, errors
    assert set(check_layer_gradients(ReLU(), away_from_zero(rng, (3, 4)))) == {"dX"}

    class FlippedFilter(Conv1d):  # a classic student bug: dX with the filter not reversed
        def backward(self, dA):
            dX = super().backward(dA)
            return dX[..., ::-1]

    bad = check_layer_gradients(FlippedFilter(W.copy(), B.copy()), X)
    assert bad["dX"] > 1e-2 and bad["dW"] <= TOLERANCE
