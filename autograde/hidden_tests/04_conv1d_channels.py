"""Hidden tests of notebook 04_conv1d_channels: one `# %% grade_id` section per grade cell (the probe half).

One sample X (C_in, N_in), stride 1, padding 0, as the notebook asks. Random C_in, C_out, F != 3, N_in != 4 and
random W (the sprint's W is all ones: a flipped filter, swapped axes or a missing channel sum only show here).
Each section runs in the student's kernel after the visible test and only reports the results;
autograde/judges/04_conv1d_channels.py computes the expected values (loops) in the grader.
"""
# ruff: noqa: F821  (Conv1d: the student's; _probe: autograde/probe.py, put in by the build)

# %% test_forward_shape
def _cases():
    import numpy as np

    for seed in range(400, 406):
        rng = np.random.default_rng(seed)
        c_in, c_out, F = int(rng.integers(1, 5)), int(rng.integers(1, 6)), int(rng.choice([1, 2, 4, 5]))
        n_in = F + int(rng.integers(0, 8))
        n_in += n_in == 4
        W, B = rng.standard_normal((c_out, c_in, F)), rng.standard_normal(c_out)
        yield f"seed {seed}", {"X": rng.standard_normal((c_in, n_in)), "W": W, "B": B}


_probe("test_forward_shape", _cases(), lambda X, W, B: Conv1d(W.copy(), B.copy()).forward(X.copy()))
del _cases

# %% test_forward_values
def _cases():
    import numpy as np

    for seed in range(410, 416):
        rng = np.random.default_rng(seed)
        c_in, c_out, F = int(rng.integers(2, 5)), int(rng.integers(1, 5)), int(rng.choice([1, 2, 4, 5]))
        n_in = F + int(rng.integers(1, 8))
        n_in += n_in == 4
        X, W, B = rng.standard_normal((c_in, n_in)), rng.standard_normal((c_out, c_in, F)), rng.standard_normal(c_out)
        yield f"seed {seed}", {"X": X, "W": W, "B": B}


_probe("test_forward_values", _cases(), lambda X, W, B: Conv1d(W.copy(), B.copy()).forward(X.copy()))
del _cases

# %% test_backward_dB
def _cases():
    import numpy as np

    for seed in range(420, 425):
        rng = np.random.default_rng(seed)
        c_in, c_out, F = int(rng.integers(1, 5)), int(rng.integers(2, 6)), int(rng.choice([1, 2, 4, 5]))
        n_in = F + int(rng.integers(1, 8))
        n_in += n_in == 4
        W, B = rng.standard_normal((c_out, c_in, F)), rng.standard_normal(c_out)
        X = rng.standard_normal((c_in, n_in))
        yield f"seed {seed}", {"X": X, "W": W, "B": B, "dA": rng.standard_normal((c_out, n_in - F + 1))}


def _run(X, W, B, dA):
    layer = Conv1d(W.copy(), B.copy())
    layer.forward(X.copy())
    layer.backward(dA.copy())
    return layer.dB


_probe("test_backward_dB", _cases(), _run)
del _cases, _run

# %% test_backward_dW
def _cases():
    import numpy as np

    for seed in range(430, 436):
        rng = np.random.default_rng(seed)
        c_in, c_out, F = int(rng.integers(2, 5)), int(rng.integers(1, 5)), int(rng.choice([1, 2, 4, 5]))
        n_in = F + int(rng.integers(1, 8))
        n_in += n_in == 4
        X, W, B = rng.standard_normal((c_in, n_in)), rng.standard_normal((c_out, c_in, F)), rng.standard_normal(c_out)
        yield f"seed {seed}", {"X": X, "W": W, "B": B, "dA": rng.standard_normal((c_out, n_in - F + 1))}


def _run(X, W, B, dA):
    layer = Conv1d(W.copy(), B.copy())
    layer.forward(X.copy())
    layer.backward(dA.copy())
    return layer.dW


_probe("test_backward_dW", _cases(), _run)
del _cases, _run

# %% test_backward_dX
def _cases():
    import numpy as np

    for seed in range(440, 446):
        rng = np.random.default_rng(seed)
        c_in, c_out, F = int(rng.integers(2, 5)), int(rng.integers(2, 5)), int(rng.choice([1, 2, 4, 5]))
        n_in = F + int(rng.integers(1, 8))
        n_in += n_in == 4
        X, W, B = rng.standard_normal((c_in, n_in)), rng.standard_normal((c_out, c_in, F)), rng.standard_normal(c_out)
        yield f"seed {seed}", {"X": X, "W": W, "B": B, "dA": rng.standard_normal((c_out, n_in - F + 1))}


def _run(X, W, B, dA):
    layer = Conv1d(W.copy(), B.copy())
    layer.forward(X.copy())
    return layer.backward(dA.copy())


_probe("test_backward_dX", _cases(), _run)
del _cases, _run

# %% test_optimizer
def _cases():
    import numpy as np

    for seed in range(450, 454):
        rng = np.random.default_rng(seed)
        c_in, c_out, F = int(rng.integers(1, 4)), int(rng.integers(1, 4)), int(rng.choice([1, 2, 4, 5]))
        n_in = F + int(rng.integers(1, 7))
        n_in += n_in == 4
        X, W, B = rng.standard_normal((c_in, n_in)), rng.standard_normal((c_out, c_in, F)), rng.standard_normal(c_out)
        dA = rng.standard_normal((c_out, n_in - F + 1))
        yield f"seed {seed}", {"X": X, "W": W, "B": B, "dA": dA, "lr": float(rng.uniform(0.1, 0.9))}


def _run(X, W, B, dA, lr):
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
    layer = Conv1d(W.copy(), B.copy(), optimizer=optimizer)
    layer.forward(X.copy())
    results = {"dX": layer.backward(dA.copy())}
    results["update_calls"] = optimizer.calls
    results["W"], results["B"] = layer.W, layer.B
    return results


_probe("test_optimizer", _cases(), _run)
del _cases, _run

# %% test_errors
def _cases():
    import numpy as np

    for seed in range(460, 464):
        rng = np.random.default_rng(seed)
        c_in, c_out, F = int(rng.integers(1, 5)), int(rng.integers(2, 6)), int(rng.choice([2, 4, 5]))
        W, B = rng.standard_normal((c_out, c_in, F)), rng.standard_normal(c_out)
        yield f"seed {seed}: Conv1d, 2-D W", {"W": W[0], "B": B, "X": None}
        yield f"seed {seed}: Conv1d, 4-D W", {"W": W[np.newaxis], "B": B, "X": None}
        yield f"seed {seed}: Conv1d, B of the wrong length", {"W": W, "B": B[:-1], "X": None}
        n_in = F + int(rng.integers(1, 6))
        yield f"seed {seed}: forward, C_in + 1 channels", {"W": W, "B": B, "X": rng.standard_normal((c_in + 1, n_in))}
        yield f"seed {seed}: forward, valid X", {"W": W, "B": B, "X": rng.standard_normal((c_in, n_in))}


def _run(W, B, X):
    layer = Conv1d(W.copy(), B.copy())
    return 0.0 if X is None else layer.forward(X.copy())


_probe("test_errors", _cases(), _run)
del _cases, _run
