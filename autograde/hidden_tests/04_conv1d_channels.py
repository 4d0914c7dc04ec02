"""Hidden tests of notebook 04_conv1d_channels: one `# %% grade_id` section per grade cell.

One sample X (C_in, N_in), stride 1, padding 0, as the notebook asks. Random C_in, C_out, F != 3, N_in != 4 and
random W (the sprint's W is all ones: a flipped filter, swapped axes or a missing channel sum only show here).
The oracle is written out with loops in each section; each section runs after the visible test of its cell.
"""
# ruff: noqa: F821  (Conv1d is the student's class, defined in the notebook)

# %% test_forward_shape
def _hidden_test_forward_shape():
    import numpy as np

    for seed in range(400, 406):
        rng = np.random.default_rng(seed)
        c_in, c_out, F = int(rng.integers(1, 5)), int(rng.integers(1, 6)), int(rng.choice([1, 2, 4, 5]))
        n_in = F + int(rng.integers(0, 8))
        n_in += n_in == 4
        layer = Conv1d(rng.standard_normal((c_out, c_in, F)), rng.standard_normal(c_out))
        got = np.array(layer.forward(rng.standard_normal((c_in, n_in))), dtype=np.float64)
        want = (c_out, n_in - F + 1)
        assert got.shape == want, (
            f"forward with X ({c_in}, {n_in}) and W ({c_out}, {c_in}, {F}) returned shape {got.shape}, expected {want} "
            f"/ 形状が {got.shape} です（正しくは {want}）")


_hidden_test_forward_shape()
del _hidden_test_forward_shape

# %% test_forward_values
def _hidden_test_forward_values():
    import numpy as np

    for seed in range(410, 416):
        rng = np.random.default_rng(seed)
        c_in, c_out, F = int(rng.integers(2, 5)), int(rng.integers(1, 5)), int(rng.choice([1, 2, 4, 5]))
        n_in = F + int(rng.integers(1, 8))
        n_in += n_in == 4
        X, W, B = rng.standard_normal((c_in, n_in)), rng.standard_normal((c_out, c_in, F)), rng.standard_normal(c_out)
        n_out = n_in - F + 1
        expected = np.zeros((c_out, n_out))
        for o in range(c_out):
            for i in range(n_out):
                expected[o, i] = B[o] + sum(X[c, i + s] * W[o, c, s] for c in range(c_in) for s in range(F))
        got = np.array(Conv1d(W.copy(), B.copy()).forward(X.copy()), dtype=np.float64)
        assert got.shape == expected.shape and np.allclose(got, expected, rtol=1e-6, atol=1e-9), (
            f"forward with X ({c_in}, {n_in}), random W ({c_out}, {c_in}, {F}) and B (seed {seed}):\n"
            f"got\n{got}\nexpected\n{expected}\nA[o, i] = sum_c sum_s X[c, i+s] W[o, c, s] + B[o]")


_hidden_test_forward_values()
del _hidden_test_forward_values

# %% test_backward_dB
def _hidden_test_backward_dB():
    import numpy as np

    for seed in range(420, 425):
        rng = np.random.default_rng(seed)
        c_in, c_out, F = int(rng.integers(1, 5)), int(rng.integers(2, 6)), int(rng.choice([1, 2, 4, 5]))
        n_in = F + int(rng.integers(1, 8))
        n_in += n_in == 4
        layer = Conv1d(rng.standard_normal((c_out, c_in, F)), rng.standard_normal(c_out))
        layer.forward(rng.standard_normal((c_in, n_in)))
        dA = rng.standard_normal((c_out, n_in - F + 1))
        layer.backward(dA.copy())
        got, expected = np.array(layer.dB, dtype=np.float64), dA.sum(axis=1)
        assert got.shape == expected.shape and np.allclose(got, expected, rtol=1e-6, atol=1e-9), (
            f"dB with C_out={c_out}, N_out={n_in - F + 1} (seed {seed}): got {got}, expected {expected} "
            "= dA.sum over positions")


_hidden_test_backward_dB()
del _hidden_test_backward_dB

# %% test_backward_dW
def _hidden_test_backward_dW():
    import numpy as np

    for seed in range(430, 436):
        rng = np.random.default_rng(seed)
        c_in, c_out, F = int(rng.integers(2, 5)), int(rng.integers(1, 5)), int(rng.choice([1, 2, 4, 5]))
        n_in = F + int(rng.integers(1, 8))
        n_in += n_in == 4
        X, W, B = rng.standard_normal((c_in, n_in)), rng.standard_normal((c_out, c_in, F)), rng.standard_normal(c_out)
        n_out = n_in - F + 1
        dA = rng.standard_normal((c_out, n_out))
        expected = np.zeros((c_out, c_in, F))
        for o in range(c_out):
            for c in range(c_in):
                for s in range(F):
                    expected[o, c, s] = sum(dA[o, i] * X[c, i + s] for i in range(n_out))
        layer = Conv1d(W.copy(), B.copy())
        layer.forward(X.copy())
        layer.backward(dA.copy())
        got = np.array(layer.dW, dtype=np.float64)
        assert got.shape == expected.shape and np.allclose(got, expected, rtol=1e-6, atol=1e-9), (
            f"dW with X ({c_in}, {n_in}), W ({c_out}, {c_in}, {F}), random dA (seed {seed}):\n"
            f"got\n{got}\nexpected\n{expected}\ndW[o, c, s] = sum_i dA[o, i] X[c, i+s]")


_hidden_test_backward_dW()
del _hidden_test_backward_dW

# %% test_backward_dX
def _hidden_test_backward_dX():
    import numpy as np

    for seed in range(440, 446):
        rng = np.random.default_rng(seed)
        c_in, c_out, F = int(rng.integers(2, 5)), int(rng.integers(2, 5)), int(rng.choice([1, 2, 4, 5]))
        n_in = F + int(rng.integers(1, 8))
        n_in += n_in == 4
        X, W, B = rng.standard_normal((c_in, n_in)), rng.standard_normal((c_out, c_in, F)), rng.standard_normal(c_out)
        n_out = n_in - F + 1
        dA = rng.standard_normal((c_out, n_out))
        expected = np.zeros((c_in, n_in))
        for o in range(c_out):
            for c in range(c_in):
                for i in range(n_out):
                    for s in range(F):
                        expected[c, i + s] += dA[o, i] * W[o, c, s]
        layer = Conv1d(W.copy(), B.copy())
        layer.forward(X.copy())
        got = np.array(layer.backward(dA.copy()), dtype=np.float64)
        assert got.shape == expected.shape and np.allclose(got, expected, rtol=1e-6, atol=1e-9), (
            f"dX with X ({c_in}, {n_in}), random W ({c_out}, {c_in}, {F}) and dA (seed {seed}):\n"
            f"got\n{got}\nexpected\n{expected}\ndX[c, j] = sum_o sum_s dA[o, j-s] W[o, c, s]")


_hidden_test_backward_dX()
del _hidden_test_backward_dX

# %% test_optimizer
def _hidden_test_optimizer():
    import numpy as np

    class _InPlaceSGD:
        def __init__(self, lr):
            self.lr, self.calls = lr, 0

        def update(self, layer):
            self.calls += 1
            layer.W -= self.lr * layer.dW
            layer.B -= self.lr * layer.dB
            return layer

    for seed in range(450, 454):
        rng = np.random.default_rng(seed)
        c_in, c_out, F = int(rng.integers(1, 4)), int(rng.integers(1, 4)), int(rng.choice([1, 2, 4, 5]))
        n_in = F + int(rng.integers(1, 7))
        n_in += n_in == 4
        X, W, B = rng.standard_normal((c_in, n_in)), rng.standard_normal((c_out, c_in, F)), rng.standard_normal(c_out)
        n_out = n_in - F + 1
        dA = rng.standard_normal((c_out, n_out))
        lr = float(rng.uniform(0.1, 0.9))
        dW = np.zeros((c_out, c_in, F))
        dX = np.zeros((c_in, n_in))
        for o in range(c_out):
            for c in range(c_in):
                for s in range(F):
                    for i in range(n_out):
                        dW[o, c, s] += dA[o, i] * X[c, i + s]
                        dX[c, i + s] += dA[o, i] * W[o, c, s]
        optimizer = _InPlaceSGD(lr)
        layer = Conv1d(W.copy(), B.copy(), optimizer=optimizer)
        layer.forward(X.copy())
        got_dX = np.array(layer.backward(dA.copy()), dtype=np.float64)
        where = f"X ({c_in}, {n_in}), W ({c_out}, {c_in}, {F}), lr={lr:.3f} (seed {seed})"
        assert optimizer.calls == 1, f"optimizer.update called {optimizer.calls} times in one backward ({where})"
        assert got_dX.shape == dX.shape and np.allclose(got_dX, dX, rtol=1e-6, atol=1e-9), (
            f"dX with an optimizer ({where}) must use the pre-update W / dX は更新前の W で計算します")
        assert np.allclose(np.array(layer.W, dtype=np.float64), W - lr * dW, rtol=1e-6, atol=1e-9), (
            f"W after backward ({where}) is not W - lr dW")
        assert np.allclose(np.array(layer.B, dtype=np.float64), B - lr * dA.sum(axis=1), rtol=1e-6, atol=1e-9), (
            f"B after backward ({where}) is not B - lr dB")


_hidden_test_optimizer()
del _hidden_test_optimizer

# %% test_errors
def _hidden_test_errors():
    import numpy as np

    def raises_value_error(function, *args):
        try:
            function(*args)
        except ValueError:
            return True
        return False

    for seed in range(460, 464):
        rng = np.random.default_rng(seed)
        c_in, c_out, F = int(rng.integers(1, 5)), int(rng.integers(2, 6)), int(rng.choice([2, 4, 5]))
        W, B = rng.standard_normal((c_out, c_in, F)), rng.standard_normal(c_out)
        assert raises_value_error(Conv1d, W[0], B), f"Conv1d with a 2-D W of shape {W[0].shape} must raise ValueError"
        assert raises_value_error(Conv1d, W[np.newaxis], B), (
            f"Conv1d with a 4-D W of shape {W[np.newaxis].shape} must raise ValueError")
        assert raises_value_error(Conv1d, W, B[:-1]), (
            f"Conv1d with W {W.shape} and B {B[:-1].shape} must raise ValueError: B is (C_out,) = ({c_out},)")
        layer = Conv1d(W, B)
        n_in = F + int(rng.integers(1, 6))
        assert raises_value_error(layer.forward, rng.standard_normal((c_in + 1, n_in))), (
            f"forward with X of shape ({c_in + 1}, {n_in}) must raise ValueError: W expects C_in = {c_in}")
        ok = np.array(layer.forward(rng.standard_normal((c_in, n_in))), dtype=np.float64)  # valid input still works
        assert ok.shape == (c_out, n_in - F + 1), f"forward with a valid X ({c_in}, {n_in}) returned shape {ok.shape}"


_hidden_test_errors()
del _hidden_test_errors
