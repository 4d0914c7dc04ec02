"""Hidden tests of notebook 03_toy_check: one `# %% grade_id` section per grade cell.

toy_check(x, w, b, dA) on random arrays with F != 3 and N_in != 4 (a toy_check that returns the example's numbers
fails), and the pasted SimpleConv1d against an exact loop formula. Each section runs after the visible test.
"""
# ruff: noqa: F821  (toy_check and SimpleConv1d are the student's, defined in the notebook)

# %% test_toy_a
def _hidden_test_toy_a():
    import numpy as np

    for seed in range(300, 305):
        rng = np.random.default_rng(seed)
        F = int(rng.choice([1, 2, 4, 5, 6]))
        n_in = F + int(rng.integers(1, 8))
        n_in += n_in == 4
        x, w, b = rng.standard_normal(n_in), rng.standard_normal(F), rng.standard_normal(1) + 1.5
        dA = rng.standard_normal(n_in - F + 1)
        expected = np.array([sum(x[i + s] * w[s] for s in range(F)) + b[0] for i in range(n_in - F + 1)])
        got = np.array(toy_check(x.copy(), w.copy(), b.copy(), dA.copy())["a"], dtype=np.float64)
        assert got.shape == expected.shape and np.allclose(got, expected, rtol=1e-6, atol=1e-9), (
            f'toy_check(x, w, b, dA)["a"] with F={F}, N_in={n_in} (seed {seed}):\ngot      {got}\nexpected {expected}\n'
            "toy_check must compute with its arguments / toy_check は引数の配列で計算します")


_hidden_test_toy_a()
del _hidden_test_toy_a

# %% test_toy_dB
def _hidden_test_toy_dB():
    import numpy as np

    for seed in range(310, 315):
        rng = np.random.default_rng(seed)
        F = int(rng.choice([1, 2, 4, 5, 6]))
        n_in = F + int(rng.integers(1, 8))
        n_in += n_in == 4
        x, w, b = rng.standard_normal(n_in), rng.standard_normal(F), rng.standard_normal(1)
        dA = rng.standard_normal(n_in - F + 1)
        got = np.array(toy_check(x.copy(), w.copy(), b.copy(), dA.copy())["dB"], dtype=np.float64)
        assert got.shape == (1,) and np.allclose(got, [dA.sum()], rtol=1e-6, atol=1e-9), (
            f'toy_check(x, w, b, dA)["dB"] with F={F}, N_in={n_in} (seed {seed}): got {got}, expected [{dA.sum():.6g}]')


_hidden_test_toy_dB()
del _hidden_test_toy_dB

# %% test_toy_dW
def _hidden_test_toy_dW():
    import numpy as np

    for seed in range(320, 325):
        rng = np.random.default_rng(seed)
        F = int(rng.choice([1, 2, 4, 5, 6]))
        n_in = F + int(rng.integers(1, 8))
        n_in += n_in == 4
        x, w, b = rng.standard_normal(n_in), rng.standard_normal(F), rng.standard_normal(1)
        n_out = n_in - F + 1
        dA = rng.standard_normal(n_out)
        expected = np.array([sum(dA[i] * x[i + s] for i in range(n_out)) for s in range(F)])
        got = np.array(toy_check(x.copy(), w.copy(), b.copy(), dA.copy())["dW"], dtype=np.float64)
        assert got.shape == expected.shape and np.allclose(got, expected, rtol=1e-6, atol=1e-9), (
            f'toy_check(x, w, b, dA)["dW"] with F={F}, N_in={n_in} (seed {seed}):\ngot      {got}\nexpected {expected}')


_hidden_test_toy_dW()
del _hidden_test_toy_dW

# %% test_toy_dX
def _hidden_test_toy_dX():
    import numpy as np

    for seed in range(330, 335):
        rng = np.random.default_rng(seed)
        F = int(rng.choice([1, 2, 4, 5, 6]))
        n_in = F + int(rng.integers(1, 8))
        n_in += n_in == 4
        x, w, b = rng.standard_normal(n_in), rng.standard_normal(F), rng.standard_normal(1)
        n_out = n_in - F + 1
        dA = rng.standard_normal(n_out)
        expected = np.zeros(n_in)
        for i in range(n_out):
            for s in range(F):
                expected[i + s] += dA[i] * w[s]
        got = np.array(toy_check(x.copy(), w.copy(), b.copy(), dA.copy())["dX"], dtype=np.float64)
        assert got.shape == expected.shape and np.allclose(got, expected, rtol=1e-6, atol=1e-9), (
            f'toy_check(x, w, b, dA)["dX"] with F={F}, N_in={n_in} (seed {seed}):\ngot      {got}\nexpected {expected}')


_hidden_test_toy_dX()
del _hidden_test_toy_dX

# %% test_gradient_check
def _hidden_test_gradient_check():
    import numpy as np

    for seed in range(340, 346):
        rng = np.random.default_rng(seed)
        F = int(rng.choice([1, 2, 4, 5, 6, 7]))
        n_in = F + int(rng.integers(0, 10))
        n_in += n_in == 4
        x, w, b = rng.standard_normal(n_in), rng.standard_normal(F), rng.standard_normal(1)
        n_out = n_in - F + 1
        dA = rng.standard_normal(n_out)
        a = np.array([sum(x[i + s] * w[s] for s in range(F)) + b[0] for i in range(n_out)])
        dW = np.array([sum(dA[i] * x[i + s] for i in range(n_out)) for s in range(F)])
        dX = np.zeros(n_in)
        for i in range(n_out):
            for s in range(F):
                dX[i + s] += dA[i] * w[s]
        layer = SimpleConv1d(w.copy(), b.copy())
        got = {"forward": np.array(layer.forward(x.copy()), dtype=np.float64)}
        got["dX"] = np.array(layer.backward(dA.copy()), dtype=np.float64)
        got["dW"] = np.array(layer.dW, dtype=np.float64)
        got["dB"] = np.array(layer.dB, dtype=np.float64).reshape(-1)
        for name, expected in (("forward", a), ("dX", dX), ("dW", dW), ("dB", np.array([dA.sum()]))):
            assert got[name].shape == expected.shape and np.allclose(got[name], expected, rtol=1e-6, atol=1e-9), (
                f"SimpleConv1d {name} with F={F}, N_in={n_in} (seed {seed}):\ngot      {got[name]}\n"
                f"expected {expected}")


_hidden_test_gradient_check()
del _hidden_test_gradient_check
