"""Hidden tests of notebook 03_toy_check: one `# %% grade_id` section per grade cell (the probe half).

toy_check(x, w, b, dA) on random arrays with F != 3 and N_in != 4 (a toy_check that returns the example's numbers
fails), and the pasted SimpleConv1d. Each section runs in the student's kernel after the visible test and only
reports the results; autograde/judges/03_toy_check.py computes the expected values in the grader.
"""
# ruff: noqa: F821  (toy_check, SimpleConv1d: the student's; _probe: autograde/probe.py, put in by the build)

# %% test_toy_a
def _cases():
    import numpy as np

    for seed in range(300, 305):
        rng = np.random.default_rng(seed)
        F = int(rng.choice([1, 2, 4, 5, 6]))
        n_in = F + int(rng.integers(1, 8))
        n_in += n_in == 4
        x, w, b = rng.standard_normal(n_in), rng.standard_normal(F), rng.standard_normal(1) + 1.5
        yield f"seed {seed}", {"x": x, "w": w, "b": b, "dA": rng.standard_normal(n_in - F + 1)}


_probe("test_toy_a", _cases(), lambda x, w, b, dA: toy_check(x.copy(), w.copy(), b.copy(), dA.copy())["a"])
del _cases

# %% test_toy_dB
def _cases():
    import numpy as np

    for seed in range(310, 315):
        rng = np.random.default_rng(seed)
        F = int(rng.choice([1, 2, 4, 5, 6]))
        n_in = F + int(rng.integers(1, 8))
        n_in += n_in == 4
        x, w, b = rng.standard_normal(n_in), rng.standard_normal(F), rng.standard_normal(1)
        yield f"seed {seed}", {"x": x, "w": w, "b": b, "dA": rng.standard_normal(n_in - F + 1)}


_probe("test_toy_dB", _cases(), lambda x, w, b, dA: toy_check(x.copy(), w.copy(), b.copy(), dA.copy())["dB"])
del _cases

# %% test_toy_dW
def _cases():
    import numpy as np

    for seed in range(320, 325):
        rng = np.random.default_rng(seed)
        F = int(rng.choice([1, 2, 4, 5, 6]))
        n_in = F + int(rng.integers(1, 8))
        n_in += n_in == 4
        x, w, b = rng.standard_normal(n_in), rng.standard_normal(F), rng.standard_normal(1)
        yield f"seed {seed}", {"x": x, "w": w, "b": b, "dA": rng.standard_normal(n_in - F + 1)}


_probe("test_toy_dW", _cases(), lambda x, w, b, dA: toy_check(x.copy(), w.copy(), b.copy(), dA.copy())["dW"])
del _cases

# %% test_toy_dX
def _cases():
    import numpy as np

    for seed in range(330, 335):
        rng = np.random.default_rng(seed)
        F = int(rng.choice([1, 2, 4, 5, 6]))
        n_in = F + int(rng.integers(1, 8))
        n_in += n_in == 4
        x, w, b = rng.standard_normal(n_in), rng.standard_normal(F), rng.standard_normal(1)
        yield f"seed {seed}", {"x": x, "w": w, "b": b, "dA": rng.standard_normal(n_in - F + 1)}


_probe("test_toy_dX", _cases(), lambda x, w, b, dA: toy_check(x.copy(), w.copy(), b.copy(), dA.copy())["dX"])
del _cases

# %% test_gradient_check
def _cases():
    import numpy as np

    for seed in range(340, 346):
        rng = np.random.default_rng(seed)
        F = int(rng.choice([1, 2, 4, 5, 6, 7]))
        n_in = F + int(rng.integers(0, 10))
        n_in += n_in == 4
        x, w, b = rng.standard_normal(n_in), rng.standard_normal(F), rng.standard_normal(1)
        yield f"seed {seed}", {"x": x, "w": w, "b": b, "dA": rng.standard_normal(n_in - F + 1)}


def _run(x, w, b, dA):
    layer = SimpleConv1d(w.copy(), b.copy())
    results = {"forward": layer.forward(x.copy())}
    results["dX"] = layer.backward(dA.copy())
    results["dW"], results["dB"] = layer.dW, layer.dB
    return results


_probe("test_gradient_check", _cases(), _run)
del _cases, _run
