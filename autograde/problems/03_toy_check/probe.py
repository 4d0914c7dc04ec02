"""Hidden tests of notebook 03_toy_check: one `# %% grade_id` section per grade cell (the probe half).

toy_check(x, w, b, dA) on random arrays with F != 3 and N_in != 4 (a toy_check that returns the example's numbers
fails), and the pasted SimpleConv1d. Each section runs in the student's kernel after the visible test and only reports
the results; autograde/problems/03_toy_check/judge.py computes the expected values in the grader.
"""
# ruff: noqa: F821  (toy_check, SimpleConv1d: the student's; _probe: autograde/grade/probe.py, put in by the build)

# %% common
def _cases(seeds, filter_sizes=(1, 2, 4, 5, 6), lengths=(1, 8), bias=0.0):
    """One case per seed: x (N_in,), w (F,), b (1,) + `bias`, dA (N_out,); F != 3, N_in - F in range(*lengths),
    N_in != 4."""
    import numpy as np

    for seed in seeds:
        rng = np.random.default_rng((_HIDDEN_SEED, seed))
        F = int(rng.choice(filter_sizes))
        n_in = F + int(rng.integers(*lengths))
        n_in += n_in == 4
        x, w, b = rng.standard_normal(n_in), rng.standard_normal(F), rng.standard_normal(1) + bias
        yield f"seed {seed}", {"x": x, "w": w, "b": b, "dA": rng.standard_normal(n_in - F + 1)}


def _toy_check(name):
    """run(x, w, b, dA): the entry `name` of what toy_check returns."""
    return lambda x, w, b, dA: toy_check(x.copy(), w.copy(), b.copy(), dA.copy())[name]

# %% test_toy_a
_probe("test_toy_a", _cases(range(300, 305), bias=1.5), _toy_check("a"))

# %% test_toy_dB
_probe("test_toy_dB", _cases(range(310, 315)), _toy_check("dB"))

# %% test_toy_dW
_probe("test_toy_dW", _cases(range(320, 325)), _toy_check("dW"))

# %% test_toy_dX
_probe("test_toy_dX", _cases(range(330, 335)), _toy_check("dX"))

# %% test_gradient_check
def _run(x, w, b, dA):
    layer = SimpleConv1d(w.copy(), b.copy())
    results = {"forward": layer.forward(x.copy())}
    results["dX"] = layer.backward(dA.copy())
    results["dW"], results["dB"] = layer.dW, layer.dB
    return results


_probe("test_gradient_check", _cases(range(340, 346), filter_sizes=(1, 2, 4, 5, 6, 7), lengths=(0, 10)), _run)
del _run
