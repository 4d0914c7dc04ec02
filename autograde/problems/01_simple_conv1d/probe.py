"""Hidden tests of notebook 01_simple_conv1d: one `# %% grade_id` section per grade cell (the probe half).

Random shapes (F != 3, N_in != 4) and values from np.random.default_rng((_HIDDEN_SEED, n)), _HIDDEN_SEED being the
grading run's seed (autograde/grade/run_seed.py). Each section runs in the student's kernel after the visible test and
only reports the results; autograde/problems/01_simple_conv1d/judge.py computes the expected values (loops) in the
grader.
"""
# ruff: noqa: F821  (SimpleConv1d: the student's; _probe: autograde/grade/probe.py, put in by the build)

# %% common
def _cases(seeds, backward=True, bias=0.0, learning_rate=False):
    """One case per seed: x (N_in,), w (F,), b (1,) + `bias`, dA (N_out,) if `backward`, a learning rate lr if
    asked; F != 3, N_in != 4."""
    import numpy as np

    for seed in seeds:
        rng = np.random.default_rng((_HIDDEN_SEED, seed))
        F = int(rng.choice([1, 2, 4, 5, 6, 7]))
        n_in = F + int(rng.integers(0, 9))
        n_in += n_in == 4
        case = {"x": rng.standard_normal(n_in), "w": rng.standard_normal(F), "b": rng.standard_normal(1) + bias}
        if backward:
            case["dA"] = rng.standard_normal(n_in - F + 1)
        if learning_rate:
            case["lr"] = float(rng.uniform(0.1, 0.9))
        yield f"seed {seed}", case


def _forward(x, w, b):
    return SimpleConv1d(w.copy(), b.copy()).forward(x.copy())


def _gradient(name):
    """run(x, w, b, dA): forward, then backward(dA); returns what backward returned ("dX") or the layer's dW or dB."""
    def run(x, w, b, dA):
        layer = SimpleConv1d(w.copy(), b.copy())
        layer.forward(x.copy())
        dX = layer.backward(dA.copy())
        return dX if name == "dX" else getattr(layer, name)

    return run

# %% test_forward_shape
_probe("test_forward_shape", _cases(range(6), backward=False), _forward)

# %% test_forward_values
_probe("test_forward_values", _cases(range(10, 16), backward=False, bias=2.0), _forward)

# %% test_backward_dB
_probe("test_backward_dB", _cases(range(20, 26)), _gradient("dB"))

# %% test_backward_dW
_probe("test_backward_dW", _cases(range(30, 36)), _gradient("dW"))

# %% test_backward_dX
_probe("test_backward_dX", _cases(range(40, 46)), _gradient("dX"))

# %% test_optimizer
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


_probe("test_optimizer", _cases(range(50, 54), learning_rate=True), _run)
del _run

# %% test_errors
def _error_cases():
    import numpy as np

    for seed in range(60, 64):
        rng = np.random.default_rng((_HIDDEN_SEED, seed))
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


_probe("test_errors", _error_cases(), _run)
del _error_cases, _run
