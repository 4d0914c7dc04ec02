"""Hidden tests of notebook 06_minibatch: one `# %% grade_id` section per grade cell (the probe half).

Random batches, shapes and values. Each section runs in the student's kernel after the visible test and only
reports the results; autograde/judges/06_minibatch.py computes the expected values (loops) in the grader.
"""
# ruff: noqa: F821  (output_size, Conv1d: the student's; _probe: autograde/probe.py, put in by the build)

# %% test_output_size
def _cases():
    import numpy as np

    rng = np.random.default_rng(601)
    for number in range(40):
        n_in, F, P, S = (int(rng.integers(1, 40)), int(rng.integers(1, 9)), int(rng.integers(0, 5)),
                         int(rng.integers(1, 5)))
        if F > n_in + 2 * P:
            continue
        yield f"random {number}", {"n_in": n_in, "F": F, "P": P, "S": S}
    for n_in, F, P in [(3, 8, 2), (1, 4, 1), (6, 11, 2)]:
        yield f"filter longer than the padded input {n_in, F, P}", {"n_in": n_in, "F": F, "P": P, "S": 1}


_probe("test_output_size", _cases(), lambda n_in, F, P, S: output_size(n_in, F, padding=P, stride=S))
del _cases

# %% test_batch_forward_shape
def _cases():
    import numpy as np

    rng = np.random.default_rng(602)
    for batch, n_in, F in [(5, 7, 5), (3, 9, 2), (1, 6, 4), (4, 11, 1), (2, 5, 5)]:
        c_in, c_out = int(rng.integers(1, 4)), int(rng.integers(4, 7))
        X = rng.standard_normal((batch, c_in, n_in))
        W, B = rng.standard_normal((c_out, c_in, F)), rng.standard_normal(c_out)
        yield f"batch={batch}, N_in={n_in}, F={F}", {"X": X, "W": W, "B": B}


_probe("test_batch_forward_shape", _cases(), lambda X, W, B: Conv1d(W.copy(), B.copy()).forward(X.copy()))
del _cases

# %% test_batch_forward_values
def _cases():
    import numpy as np

    rng = np.random.default_rng(603)
    for batch, n_in, F in [(5, 7, 5), (3, 9, 2), (1, 6, 4), (4, 11, 1), (6, 13, 3)]:
        c_in, c_out = int(rng.integers(1, 4)), int(rng.integers(4, 7))
        X = rng.standard_normal((batch, c_in, n_in))
        W, B = rng.standard_normal((c_out, c_in, F)), rng.standard_normal(c_out)
        yield f"batch={batch}, N_in={n_in}, F={F}", {"X": X, "W": W, "B": B}


_probe("test_batch_forward_values", _cases(), lambda X, W, B: Conv1d(W.copy(), B.copy()).forward(X.copy()))
del _cases

# %% test_single_sample
def _cases():
    import numpy as np

    rng = np.random.default_rng(604)
    for n_in, F in [(7, 5), (9, 2), (6, 4)]:
        c_in, c_out = int(rng.integers(1, 4)), int(rng.integers(4, 7))
        X, W, B = rng.standard_normal((c_in, n_in)), rng.standard_normal((c_out, c_in, F)), rng.standard_normal(c_out)
        dA = rng.standard_normal((c_out, n_in - F + 1))
        yield f"N_in={n_in}, F={F}", {"X": X, "W": W, "B": B, "dA": dA}


def _run(X, W, B, dA):
    layer = Conv1d(W.copy(), B.copy())
    results = {"forward": layer.forward(X.copy())}
    results["dX"] = layer.backward(dA.copy())
    return results


_probe("test_single_sample", _cases(), _run)
del _cases, _run

# %% test_batch_backward_dX
def _cases():
    import numpy as np

    rng = np.random.default_rng(605)
    for batch, n_in, F in [(5, 7, 5), (3, 9, 2), (1, 6, 4), (4, 11, 1)]:
        c_in, c_out = int(rng.integers(1, 4)), int(rng.integers(4, 7))
        X = rng.standard_normal((batch, c_in, n_in))
        W, B = rng.standard_normal((c_out, c_in, F)), rng.standard_normal(c_out)
        dA = rng.standard_normal((batch, c_out, n_in - F + 1))
        yield f"batch={batch}, N_in={n_in}, F={F}", {"X": X, "W": W, "B": B, "dA": dA}


def _run(X, W, B, dA):
    layer = Conv1d(W.copy(), B.copy())
    layer.forward(X.copy())
    return layer.backward(dA.copy())


_probe("test_batch_backward_dX", _cases(), _run)
del _cases, _run

# %% test_batch_backward_dW
def _cases():
    import numpy as np

    rng = np.random.default_rng(606)
    for batch, n_in, F in [(5, 7, 5), (3, 9, 2), (4, 11, 1), (2, 6, 3)]:
        c_in, c_out = int(rng.integers(1, 4)), int(rng.integers(4, 7))
        X = rng.standard_normal((batch, c_in, n_in))
        W, B = rng.standard_normal((c_out, c_in, F)), rng.standard_normal(c_out)
        dA = rng.standard_normal((batch, c_out, n_in - F + 1))
        yield f"batch={batch}, N_in={n_in}, F={F}", {"X": X, "W": W, "B": B, "dA": dA}


def _run(X, W, B, dA):
    layer = Conv1d(W.copy(), B.copy())
    layer.forward(X.copy())
    layer.backward(dA.copy())
    return layer.dW


_probe("test_batch_backward_dW", _cases(), _run)
del _cases, _run

# %% test_batch_backward_dB
def _cases():
    import numpy as np

    rng = np.random.default_rng(607)
    for batch, n_in, F in [(5, 7, 5), (3, 9, 2), (4, 11, 1)]:
        c_in, c_out = int(rng.integers(1, 4)), int(rng.integers(4, 7))
        X = rng.standard_normal((batch, c_in, n_in))
        W, B = rng.standard_normal((c_out, c_in, F)), rng.standard_normal(c_out)
        dA = rng.standard_normal((batch, c_out, n_in - F + 1))
        yield f"batch={batch}, N_in={n_in}, F={F}", {"X": X, "W": W, "B": B, "dA": dA}


def _run(X, W, B, dA):
    layer = Conv1d(W.copy(), B.copy())
    layer.forward(X.copy())
    layer.backward(dA.copy())
    return layer.dB


_probe("test_batch_backward_dB", _cases(), _run)
del _cases, _run

# %% test_errors
def _cases():
    import numpy as np

    rng = np.random.default_rng(608)
    W, B = rng.standard_normal((4, 3, 5)), rng.standard_normal(4)
    for shape in [(9,), (3, 3, 3, 9), (2, 2, 9), (5, 4, 9), (2, 9), (1, 1, 1, 1, 9)]:
        yield f"invalid X {shape}", {"X": rng.standard_normal(shape), "W": W, "B": B}
    for shape in [(2, 3, 9), (1, 3, 5)]:  # valid batches must still work
        yield f"valid X {shape}", {"X": rng.standard_normal(shape), "W": W, "B": B}


_probe("test_errors", _cases(), lambda X, W, B: Conv1d(W.copy(), B.copy()).forward(X.copy()))
del _cases
