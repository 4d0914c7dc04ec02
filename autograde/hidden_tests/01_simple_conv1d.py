"""Hidden tests of notebook 01_simple_conv1d: one `# %% grade_id` section per grade cell.

Each section runs after the visible test of its cell. Random shapes (F != 3, N_in != 4) and values from
np.random.default_rng(seed); the oracle is written out in the section; student values go through
np.array(..., dtype=np.float64) before any comparison.
"""
# ruff: noqa: F821  (SimpleConv1d is the student's class, defined in the notebook)

# %% test_forward_shape
def _hidden_test_forward_shape():
    import numpy as np

    for seed in range(6):
        rng = np.random.default_rng(seed)
        F = int(rng.choice([1, 2, 4, 5, 6, 7]))
        n_in = F + int(rng.integers(0, 9))
        n_in += n_in == 4
        layer = SimpleConv1d(rng.standard_normal(F), rng.standard_normal(1))
        got = np.array(layer.forward(rng.standard_normal(n_in)), dtype=np.float64)
        assert got.shape == (n_in - F + 1,), (
            f"forward with F={F}, N_in={n_in} returned shape {got.shape}, expected ({n_in - F + 1},) = N_in - F + 1 "
            f"/ F={F}, N_in={n_in} での forward の形状が {got.shape} です（正しくは ({n_in - F + 1},)）")


_hidden_test_forward_shape()
del _hidden_test_forward_shape

# %% test_forward_values
def _hidden_test_forward_values():
    import numpy as np

    for seed in range(10, 16):
        rng = np.random.default_rng(seed)
        F = int(rng.choice([1, 2, 4, 5, 6, 7]))
        n_in = F + int(rng.integers(0, 9))
        n_in += n_in == 4
        x, w, b = rng.standard_normal(n_in), rng.standard_normal(F), rng.standard_normal(1) + 2.0
        expected = np.array([sum(x[i + s] * w[s] for s in range(F)) + b[0] for i in range(n_in - F + 1)])
        got = np.array(SimpleConv1d(w.copy(), b.copy()).forward(x.copy()), dtype=np.float64)
        assert got.shape == expected.shape and np.allclose(got, expected, rtol=1e-6, atol=1e-9), (
            f"forward with F={F}, N_in={n_in}, random x, W, B (seed {seed}):\ngot      {got}\nexpected {expected}\n"
            "a[i] = sum_s x[i+s] W[s] + B / ランダムな x, W, B での forward が違います")


_hidden_test_forward_values()
del _hidden_test_forward_values

# %% test_backward_dB
def _hidden_test_backward_dB():
    import numpy as np

    for seed in range(20, 26):
        rng = np.random.default_rng(seed)
        F = int(rng.choice([1, 2, 4, 5, 6, 7]))
        n_in = F + int(rng.integers(0, 9))
        n_in += n_in == 4
        layer = SimpleConv1d(rng.standard_normal(F), rng.standard_normal(1))
        layer.forward(rng.standard_normal(n_in))
        dA = rng.standard_normal(n_in - F + 1)
        layer.backward(dA.copy())
        got = np.array(layer.dB, dtype=np.float64)
        assert got.shape == (1,) and np.allclose(got, [dA.sum()], rtol=1e-6, atol=1e-9), (
            f"dB with F={F}, N_in={n_in} (seed {seed}): got {got}, expected [{dA.sum():.6g}] = [sum(dA)] "
            "/ ランダムな dA での dB が違います")


_hidden_test_backward_dB()
del _hidden_test_backward_dB

# %% test_backward_dW
def _hidden_test_backward_dW():
    import numpy as np

    for seed in range(30, 36):
        rng = np.random.default_rng(seed)
        F = int(rng.choice([1, 2, 4, 5, 6, 7]))
        n_in = F + int(rng.integers(0, 9))
        n_in += n_in == 4
        x, w, b = rng.standard_normal(n_in), rng.standard_normal(F), rng.standard_normal(1)
        n_out = n_in - F + 1
        dA = rng.standard_normal(n_out)
        expected = np.array([sum(dA[i] * x[i + s] for i in range(n_out)) for s in range(F)])
        layer = SimpleConv1d(w.copy(), b.copy())
        layer.forward(x.copy())
        layer.backward(dA.copy())
        got = np.array(layer.dW, dtype=np.float64)
        assert got.shape == expected.shape and np.allclose(got, expected, rtol=1e-6, atol=1e-9), (
            f"dW with F={F}, N_in={n_in}, random x, W, dA (seed {seed}):\ngot      {got}\nexpected {expected}\n"
            "dW[s] = sum_i dA[i] x[i+s] / ランダムな値での dW が違います")


_hidden_test_backward_dW()
del _hidden_test_backward_dW

# %% test_backward_dX
def _hidden_test_backward_dX():
    import numpy as np

    for seed in range(40, 46):
        rng = np.random.default_rng(seed)
        F = int(rng.choice([1, 2, 4, 5, 6, 7]))
        n_in = F + int(rng.integers(0, 9))
        n_in += n_in == 4
        x, w, b = rng.standard_normal(n_in), rng.standard_normal(F), rng.standard_normal(1)
        n_out = n_in - F + 1
        dA = rng.standard_normal(n_out)
        expected = np.zeros(n_in)
        for i in range(n_out):
            for s in range(F):
                expected[i + s] += dA[i] * w[s]
        layer = SimpleConv1d(w.copy(), b.copy())
        layer.forward(x.copy())
        got = np.array(layer.backward(dA.copy()), dtype=np.float64)
        assert got.shape == expected.shape and np.allclose(got, expected, rtol=1e-6, atol=1e-9), (
            f"dX with F={F}, N_in={n_in}, random x, W, dA (seed {seed}):\ngot      {got}\nexpected {expected}\n"
            "dX[j] = sum_s dA[j-s] W[s] / ランダムな値での dX が違います")


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

    for seed in range(50, 54):
        rng = np.random.default_rng(seed)
        F = int(rng.choice([1, 2, 4, 5, 6, 7]))
        n_in = F + int(rng.integers(0, 9))
        n_in += n_in == 4
        x, w, b = rng.standard_normal(n_in), rng.standard_normal(F), rng.standard_normal(1)
        n_out = n_in - F + 1
        dA = rng.standard_normal(n_out)
        lr = float(rng.uniform(0.1, 0.9))
        dW = np.array([sum(dA[i] * x[i + s] for i in range(n_out)) for s in range(F)])
        dX = np.zeros(n_in)
        for i in range(n_out):
            for s in range(F):
                dX[i + s] += dA[i] * w[s]
        optimizer = _InPlaceSGD(lr)
        layer = SimpleConv1d(w.copy(), b.copy(), optimizer=optimizer)
        layer.forward(x.copy())
        got_dX = np.array(layer.backward(dA.copy()), dtype=np.float64)
        where = f"F={F}, N_in={n_in}, lr={lr:.3f} (seed {seed})"
        assert optimizer.calls == 1, f"optimizer.update called {optimizer.calls} times in one backward ({where})"
        assert got_dX.shape == dX.shape and np.allclose(got_dX, dX, rtol=1e-6, atol=1e-9), (
            f"dX with an optimizer ({where}) must use the pre-update W / dX は更新前の W で計算します:\n"
            f"got      {got_dX}\nexpected {dX}")
        got_W = np.array(layer.W, dtype=np.float64)
        got_B = np.array(layer.B, dtype=np.float64).reshape(-1)
        assert np.allclose(got_W, w - lr * dW, rtol=1e-6, atol=1e-9), (
            f"W after backward ({where}) is not W - lr dW")
        assert np.allclose(got_B, b - lr * dA.sum(), rtol=1e-6, atol=1e-9), (
            f"B after backward ({where}) is not B - lr dB")


_hidden_test_optimizer()
del _hidden_test_optimizer

# %% test_errors
def _hidden_test_errors():
    import numpy as np

    def raises_value_error(method, argument):
        try:
            method(argument)
        except ValueError:
            return True
        return False

    for seed in range(60, 64):
        rng = np.random.default_rng(seed)
        F = int(rng.choice([2, 4, 5, 6, 7]))
        layer = SimpleConv1d(rng.standard_normal(F), rng.standard_normal(1))
        short = rng.standard_normal(F - 1)
        assert raises_value_error(layer.forward, short), (
            f"forward with N_in={F - 1} < F={F} must raise ValueError / N_in < F なら ValueError")
        assert raises_value_error(layer.forward, rng.standard_normal((2, F + 2))), (
            f"forward with x of shape (2, {F + 2}) must raise ValueError / 2次元の x には ValueError")
        n_in = F + int(rng.integers(1, 6))
        layer.forward(rng.standard_normal(n_in))
        n_out = n_in - F + 1
        for wrong in (n_out + 1, n_out - 1, n_in):
            assert raises_value_error(layer.backward, np.ones(wrong)), (
                f"backward with dA of shape ({wrong},) after a forward output of shape ({n_out},) must raise "
                "ValueError / dA の形状が違うときは ValueError")


_hidden_test_errors()
del _hidden_test_errors
