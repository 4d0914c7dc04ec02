"""Initializers' scales and seeds, GetMiniBatch's epochs, and the dtypes the layers keep or convert."""

import numpy as np
import pytest

from solutions.initializers import HeInitializer, SimpleInitializer, XavierInitializer, fan_in
from solutions.layers import FC, Flatten, MaxPool1d, ReLU
from solutions.minibatch import GetMiniBatch
from solutions.optimizers import SGD, Adam
from solutions.p1_simple_conv1d import SimpleConv1d
from solutions.p4_conv1d import Conv1d
from solutions.p6_minibatch import GetMiniBatch as GetMiniBatchOfProblem6

# ---- initializers ---------------------------------------------------------------------------------------------


def test_fan_in():
    assert fan_in((784, 128)) == 784  # FC (n_in, n_out)
    assert fan_in((64, 28, 3)) == 84  # Conv1d (C_out, C_in, F): C_in * F


@pytest.mark.parametrize("shape", [(256, 16, 5), (400, 300)])
@pytest.mark.parametrize("cls, expected_std", [
    (HeInitializer, lambda n: np.sqrt(2 / n)),
    (XavierInitializer, lambda n: 1 / np.sqrt(n)),
    (SimpleInitializer, lambda n: 0.01),
])
def test_initializer_standard_deviation(cls, expected_std, shape):
    n = shape[1] * shape[2] if len(shape) == 3 else shape[0]
    W = cls(seed=1).W(*shape)
    assert W.shape == shape and W.dtype == np.float64
    # >= 20,000 samples: the sample std is within ~0.5 % of sigma (one standard error); allow 3 %
    assert W.std() == pytest.approx(expected_std(n), rel=0.03)
    assert abs(W.mean()) < 4 * expected_std(n) / np.sqrt(W.size)


def test_conv_he_uses_c_in_times_f_not_c_in_alone():
    W = HeInitializer(seed=0).W(512, 8, 5)
    assert W.std() == pytest.approx(np.sqrt(2 / 40), rel=0.03)
    assert abs(W.std() - np.sqrt(2 / 8)) > 0.2


def test_simple_initializer_sigma():
    assert SimpleInitializer(sigma=0.5, seed=2).W(300, 200).std() == pytest.approx(0.5, rel=0.03)


@pytest.mark.parametrize("cls", [HeInitializer, XavierInitializer, SimpleInitializer])
def test_initializers_are_seeded(cls):
    a, b, c = cls(seed=3), cls(seed=3), cls(seed=4)
    Wa, Wb, Wc = a.W(8, 3, 5), b.W(8, 3, 5), c.W(8, 3, 5)
    np.testing.assert_array_equal(Wa, Wb)
    assert not np.array_equal(Wa, Wc)
    np.testing.assert_array_equal(a.W(10, 4), b.W(10, 4))  # the stream continues the same way
    assert not np.array_equal(a.W(10, 4), Wa.reshape(-1)[:40].reshape(10, 4))  # and does go on


@pytest.mark.parametrize("cls", [HeInitializer, XavierInitializer, SimpleInitializer])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_initializers_honor_dtype_and_zero_biases(cls, dtype):
    init = cls(seed=0, dtype=dtype)
    assert init.W(4, 3, 2).dtype == dtype and init.W(5, 6).dtype == dtype
    B = init.B(7)
    assert B.dtype == dtype and B.shape == (7,) and not B.any()


def test_float32_weights_are_the_rounded_float64_ones():
    W64 = HeInitializer(seed=9).W(6, 3, 3)
    W32 = HeInitializer(seed=9, dtype=np.float32).W(6, 3, 3)
    np.testing.assert_array_equal(W32, W64.astype(np.float32))


# ---- GetMiniBatch ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("n, batch_size", [(10, 3), (12, 4), (7, 7), (5, 20), (1, 1)])
def test_every_sample_exactly_once_per_epoch(n, batch_size):
    X = np.arange(n * 6).reshape(n, 2, 3)
    y = np.arange(n) * 10
    batches = GetMiniBatch(X, y, batch_size=batch_size, seed=0)
    assert len(batches) == -(-n // batch_size)
    orders = []
    for _ in range(3):
        seen = []
        epoch = list(batches)
        assert len(epoch) == len(batches)
        for i, (X_batch, y_batch) in enumerate(epoch):
            assert len(X_batch) == len(y_batch)
            assert len(X_batch) == (batch_size if i < len(epoch) - 1 else n - batch_size * (len(epoch) - 1))
            np.testing.assert_array_equal(X_batch[:, 0, 0] // 6 * 10, y_batch)  # samples stay with their labels
            seen += list(y_batch // 10)
        assert sorted(seen) == list(range(n))
        orders.append(seen)
    if n >= 7:
        assert orders[0] != orders[1] or orders[1] != orders[2]  # a new order each epoch


def test_mini_batch_order_is_seeded():
    X, y = np.arange(50).reshape(25, 2), np.arange(25)

    def epochs(seed, count=2):
        batches = GetMiniBatch(X, y, batch_size=4, seed=seed)
        return [np.concatenate([yb for _, yb in batches]) for _ in range(count)]

    same, again, other = epochs(1), epochs(1), epochs(2)
    for a, b in zip(same, again, strict=True):
        np.testing.assert_array_equal(a, b)
    assert not np.array_equal(same[0], other[0])
    assert not np.array_equal(same[0], np.arange(25))  # shuffled


def test_problem_6_exports_the_same_get_mini_batch():
    assert GetMiniBatchOfProblem6 is GetMiniBatch
    assert len(GetMiniBatch(np.zeros((100, 1)), np.zeros(100))) == 5  # default batch_size 20


# ---- dtypes ---------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("single", [False, True])
@pytest.mark.parametrize("padding, stride", [(0, 1), ("same", 1), (2, 3)])
def test_float32_stays_float32_through_conv1d(single, padding, stride):
    rng = np.random.default_rng(0)
    W = rng.standard_normal((4, 3, 3)).astype(np.float32)
    B = rng.standard_normal(4).astype(np.float32)
    X = rng.standard_normal((3, 10) if single else (2, 3, 10)).astype(np.float32)
    layer = Conv1d(W.copy(), B.copy(), stride=stride, padding=padding, optimizer=Adam())
    A = layer.forward(X)
    assert A.dtype == np.float32
    dX = layer.backward(np.ones_like(A))
    assert dX.dtype == np.float32 and dX.shape == X.shape
    assert layer.dW.dtype == np.float32 and layer.dB.dtype == np.float32
    assert layer.W.dtype == np.float32 and layer.B.dtype == np.float32  # the optimizer kept them float32
    # and the numbers are the float64 ones, rounded
    ref = Conv1d(W.astype(np.float64), B.astype(np.float64), stride=stride, padding=padding)
    np.testing.assert_allclose(A, ref.forward(X.astype(np.float64)), rtol=1e-5, atol=1e-5)


def test_float32_stays_float32_through_the_other_layers():
    rng = np.random.default_rng(1)
    X = rng.standard_normal((2, 3, 8)).astype(np.float32)
    for layer in (ReLU(), MaxPool1d(2), Flatten()):
        A = layer.forward(X)
        assert A.dtype == np.float32 and layer.backward(np.ones_like(A)).dtype == np.float32
    fc = FC(np.ones((5, 2), np.float32), np.zeros(2, np.float32), optimizer=SGD())
    A = fc.forward(np.ones((3, 5), np.float32))
    assert A.dtype == np.float32 and fc.backward(np.ones_like(A)).dtype == np.float32
    assert fc.W.dtype == np.float32


def test_integer_input_becomes_float64():
    layer = Conv1d(np.ones((2, 1, 3), dtype=np.int32), np.array([1, 2]))
    assert layer.W.dtype == np.float64 and layer.B.dtype == np.float64
    A = layer.forward(np.arange(12, dtype=np.int64).reshape(2, 1, 6))
    assert A.dtype == np.float64
    np.testing.assert_array_equal(A[0], [[4, 7, 10, 13], [5, 8, 11, 14]])
    dX = layer.backward(np.ones((2, 2, 4), dtype=np.int64))
    assert dX.dtype == np.float64 and layer.dW.dtype == np.float64
    np.testing.assert_array_equal(dX[0], [[2, 4, 6, 6, 4, 2]])
    simple = SimpleConv1d(np.array([1, 2], dtype=np.uint8), 3)
    out = simple.forward(np.array([1, 2, 3], dtype=np.int16))
    assert out.dtype == np.float64 and simple.W.dtype == np.float64
    np.testing.assert_array_equal(out, [8, 11])
    fc = FC(np.ones((2, 2), dtype=int), np.zeros(2, dtype=int))
    assert fc.forward(np.ones((1, 2), dtype=int)).dtype == np.float64


def test_conv1d_does_not_change_its_input():
    rng = np.random.default_rng(2)
    X = rng.standard_normal((2, 3, 9))
    before = X.copy()
    layer = Conv1d(rng.standard_normal((4, 3, 3)), np.zeros(4), padding=1, optimizer=SGD(lr=1.0))
    layer.backward(np.ones_like(layer.forward(X)))
    np.testing.assert_array_equal(X, before)
