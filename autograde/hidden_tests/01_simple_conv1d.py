"""Hidden tests of notebook 01_simple_conv1d: one `# %% grade_id` section per grade cell (the probe half).

Random shapes (F != 3, N_in != 4) and values from np.random.default_rng(seed). Each section runs in the student's
kernel after the visible test and only reports the results; autograde/judges/01_simple_conv1d.py computes the
expected values (loops) in the grader.
"""
# ruff: noqa: F821  (SimpleConv1d: the student's; _probe: autograde/probe.py, put in by the build)

# %% test_forward_shape
def _cases():
    import numpy as np

    for seed in range(6):
        rng = np.random.default_rng(seed)
        F = int(rng.choice([1, 2, 4, 5, 6, 7]))
        n_in = F + int(rng.integers(0, 9))
        n_in += n_in == 4
        w, b = rng.standard_normal(F), rng.standard_normal(1)
        yield f"seed {seed}", {"x": rng.standard_normal(n_in), "w": w, "b": b}


_probe("test_forward_shape", _cases(), lambda x, w, b: SimpleConv1d(w.copy(), b.copy()).forward(x.copy()))
del _cases

# %% test_forward_values
def _cases():
    import numpy as np

    for seed in range(10, 16):
        rng = np.random.default_rng(seed)
        F = int(rng.choice([1, 2, 4, 5, 6, 7]))
        n_in = F + int(rng.integers(0, 9))
        n_in += n_in == 4
        x, w, b = rng.standard_normal(n_in), rng.standard_normal(F), rng.standard_normal(1) + 2.0
        yield f"seed {seed}", {"x": x, "w": w, "b": b}


_probe("test_forward_values", _cases(), lambda x, w, b: SimpleConv1d(w.copy(), b.copy()).forward(x.copy()))
del _cases

# %% test_backward_dB
def _cases():
    import numpy as np

    for seed in range(20, 26):
        rng = np.random.default_rng(seed)
        F = int(rng.choice([1, 2, 4, 5, 6, 7]))
        n_in = F + int(rng.integers(0, 9))
        n_in += n_in == 4
        w, b = rng.standard_normal(F), rng.standard_normal(1)
        x = rng.standard_normal(n_in)
        yield f"seed {seed}", {"x": x, "w": w, "b": b, "dA": rng.standard_normal(n_in - F + 1)}


def _run(x, w, b, dA):
    layer = SimpleConv1d(w.copy(), b.copy())
    layer.forward(x.copy())
    layer.backward(dA.copy())
    return layer.dB


_probe("test_backward_dB", _cases(), _run)
del _cases, _run

# %% test_backward_dW
def _cases():
    import numpy as np

    for seed in range(30, 36):
        rng = np.random.default_rng(seed)
        F = int(rng.choice([1, 2, 4, 5, 6, 7]))
        n_in = F + int(rng.integers(0, 9))
        n_in += n_in == 4
        x, w, b = rng.standard_normal(n_in), rng.standard_normal(F), rng.standard_normal(1)
        yield f"seed {seed}", {"x": x, "w": w, "b": b, "dA": rng.standard_normal(n_in - F + 1)}


def _run(x, w, b, dA):
    layer = SimpleConv1d(w.copy(), b.copy())
    layer.forward(x.copy())
    layer.backward(dA.copy())
    return layer.dW


_probe("test_backward_dW", _cases(), _run)
del _cases, _run

# %% test_backward_dX
def _cases():
    import numpy as np

    for seed in range(40, 46):
        rng = np.random.default_rng(seed)
        F = int(rng.choice([1, 2, 4, 5, 6, 7]))
        n_in = F + int(rng.integers(0, 9))
        n_in += n_in == 4
        x, w, b = rng.standard_normal(n_in), rng.standard_normal(F), rng.standard_normal(1)
        yield f"seed {seed}", {"x": x, "w": w, "b": b, "dA": rng.standard_normal(n_in - F + 1)}


def _run(x, w, b, dA):
    layer = SimpleConv1d(w.copy(), b.copy())
    layer.forward(x.copy())
    return layer.backward(dA.copy())


_probe("test_backward_dX", _cases(), _run)
del _cases, _run

# %% test_optimizer
def _cases():
    import numpy as np

    for seed in range(50, 54):
        rng = np.random.default_rng(seed)
        F = int(rng.choice([1, 2, 4, 5, 6, 7]))
        n_in = F + int(rng.integers(0, 9))
        n_in += n_in == 4
        x, w, b = rng.standard_normal(n_in), rng.standard_normal(F), rng.standard_normal(1)
        dA = rng.standard_normal(n_in - F + 1)
        yield f"seed {seed}", {"x": x, "w": w, "b": b, "dA": dA, "lr": float(rng.uniform(0.1, 0.9))}


def _run(x, w, b, dA, lr):
    class InPlaceSGD:
        """Counts its calls (defined here: the notebook's optimizers could be redefined)."""

        def __init__(self):
            self.calls = 0

        def update(self, layer):
            self.calls += 1
            layer.W -= lr * layer.dW
            layer.B -= lr * layer.dB
            return layer

    optimizer = InPlaceSGD()
    layer = SimpleConv1d(w.copy(), b.copy(), optimizer=optimizer)
    layer.forward(x.copy())
    results = {"dX": layer.backward(dA.copy())}
    results["update_calls"] = optimizer.calls
    results["W"], results["B"] = layer.W, layer.B
    return results


_probe("test_optimizer", _cases(), _run)
del _cases, _run

# %% test_errors
def _cases():
    import numpy as np

    for seed in range(60, 64):
        rng = np.random.default_rng(seed)
        F = int(rng.choice([2, 4, 5, 6, 7]))
        w, b = rng.standard_normal(F), rng.standard_normal(1)
        yield f"seed {seed}: forward, N_in={F - 1} < F={F}", {"w": w, "b": b, "x": rng.standard_normal(F - 1)}
        yield f"seed {seed}: forward, x of shape (2, {F + 2})", {"w": w, "b": b, "x": rng.standard_normal((2, F + 2))}
        n_in = F + int(rng.integers(1, 6))
        x = rng.standard_normal(n_in)
        yield f"seed {seed}: forward, valid x of shape ({n_in},)", {"w": w, "b": b, "x": x}
        n_out = n_in - F + 1
        for wrong in (n_out + 1, n_out - 1, n_in):
            yield f"seed {seed}: backward, dA of shape ({wrong},)", {"w": w, "b": b, "x": x, "dA": np.ones(wrong)}


def _run(w, b, x, dA=None):
    layer = SimpleConv1d(w.copy(), b.copy())
    if dA is None:
        return layer.forward(x.copy())
    layer.forward(x.copy())
    return layer.backward(dA.copy())


_probe("test_errors", _cases(), _run)
del _cases, _run
