"""Hidden tests of notebook 05_padding: one `# %% grade_id` section per grade cell (the probe half).

Random shapes, values and paddings. Each section runs in the student's kernel after the visible test and only
reports the results; autograde/judges/05_padding.py computes the expected values (loops) in the grader.
"""
# ruff: noqa: F821  (output_size, Conv1d: the student's; _probe: autograde/probe.py, put in by the build)

# %% test_output_size
def _cases():
    import numpy as np

    rng = np.random.default_rng(501)
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

# %% test_forward_shape
def _cases():
    import numpy as np

    rng = np.random.default_rng(502)
    for n_in, F, P in [(7, 5, 1), (5, 2, 3), (2, 5, 2), (9, 4, 0), (6, 1, 4)]:
        c_in, c_out = int(rng.integers(1, 4)), int(rng.integers(4, 7))
        X = rng.standard_normal((c_in, n_in))
        W, B = rng.standard_normal((c_out, c_in, F)), rng.standard_normal(c_out)
        yield f"N_in={n_in}, F={F}, P={P}", {"X": X, "W": W, "B": B, "P": P}


_probe("test_forward_shape", _cases(), lambda X, W, B, P: Conv1d(W.copy(), B.copy(), padding=P).forward(X.copy()))
del _cases

# %% test_forward_values
def _cases():
    import numpy as np

    rng = np.random.default_rng(503)
    for n_in, F, P in [(7, 5, 1), (5, 2, 3), (2, 5, 2), (11, 4, 2), (6, 1, 4), (8, 3, 0)]:
        c_in, c_out = int(rng.integers(1, 4)), int(rng.integers(4, 7))
        X, W, B = rng.standard_normal((c_in, n_in)), rng.standard_normal((c_out, c_in, F)), rng.standard_normal(c_out)
        yield f"N_in={n_in}, F={F}, P={P}", {"X": X, "W": W, "B": B, "P": P}


_probe("test_forward_values", _cases(), lambda X, W, B, P: Conv1d(W.copy(), B.copy(), padding=P).forward(X.copy()))
del _cases

# %% test_same
def _cases():
    import numpy as np

    rng = np.random.default_rng(504)
    for n_in, F in [(7, 5), (4, 1), (9, 7), (3, 5), (10, 3)]:
        c_in, c_out = int(rng.integers(1, 4)), int(rng.integers(4, 7))
        X, W, B = rng.standard_normal((c_in, n_in)), rng.standard_normal((c_out, c_in, F)), rng.standard_normal(c_out)
        yield f"N_in={n_in}, F={F}", {"X": X, "W": W, "B": B}


_probe("test_same", _cases(), lambda X, W, B: Conv1d(W.copy(), B.copy(), padding="same").forward(X.copy()))
del _cases

# %% test_backward_dX
def _cases():
    import numpy as np

    rng = np.random.default_rng(505)
    for n_in, F, P in [(7, 5, 1), (5, 2, 3), (2, 5, 2), (11, 4, 2), (8, 3, 0)]:
        c_in, c_out = int(rng.integers(1, 4)), int(rng.integers(4, 7))
        X, W, B = rng.standard_normal((c_in, n_in)), rng.standard_normal((c_out, c_in, F)), rng.standard_normal(c_out)
        dA = rng.standard_normal((c_out, n_in + 2 * P - F + 1))
        yield f"N_in={n_in}, F={F}, P={P}", {"X": X, "W": W, "B": B, "P": P, "dA": dA}


def _run(X, W, B, P, dA):
    layer = Conv1d(W.copy(), B.copy(), padding=P)
    layer.forward(X.copy())
    return layer.backward(dA.copy())


_probe("test_backward_dX", _cases(), _run)
del _cases, _run

# %% test_backward_dW
def _cases():
    import numpy as np

    rng = np.random.default_rng(506)
    for n_in, F, P in [(7, 5, 1), (5, 2, 3), (2, 5, 2), (11, 4, 2), (8, 3, 0)]:
        c_in, c_out = int(rng.integers(1, 4)), int(rng.integers(4, 7))
        X, W, B = rng.standard_normal((c_in, n_in)), rng.standard_normal((c_out, c_in, F)), rng.standard_normal(c_out)
        dA = rng.standard_normal((c_out, n_in + 2 * P - F + 1))
        yield f"N_in={n_in}, F={F}, P={P}", {"X": X, "W": W, "B": B, "P": P, "dA": dA}


def _run(X, W, B, P, dA):
    layer = Conv1d(W.copy(), B.copy(), padding=P)
    layer.forward(X.copy())
    layer.backward(dA.copy())
    return layer.dW


_probe("test_backward_dW", _cases(), _run)
del _cases, _run

# %% test_backward_dB
def _cases():
    import numpy as np

    rng = np.random.default_rng(507)
    for n_in, F, P in [(7, 5, 1), (5, 2, 3), (2, 5, 2), (11, 4, 2)]:
        c_in, c_out = int(rng.integers(1, 4)), int(rng.integers(4, 7))
        X, W, B = rng.standard_normal((c_in, n_in)), rng.standard_normal((c_out, c_in, F)), rng.standard_normal(c_out)
        dA = rng.standard_normal((c_out, n_in + 2 * P - F + 1))
        yield f"N_in={n_in}, F={F}, P={P}", {"X": X, "W": W, "B": B, "P": P, "dA": dA}


def _run(X, W, B, P, dA):
    layer = Conv1d(W.copy(), B.copy(), padding=P)
    layer.forward(X.copy())
    layer.backward(dA.copy())
    return layer.dB


_probe("test_backward_dB", _cases(), _run)
del _cases, _run

# %% test_errors
def _cases():
    import numpy as np

    rng = np.random.default_rng(508)
    X = rng.standard_normal((2, 9))
    for F, padding in [(3, -2), (5, -1), (3, 0.5), (3, 2.5), (3, "valid_"), (3, "SAME!"), (2, "same"), (6, "same")]:
        W, B = rng.standard_normal((4, 2, F)), rng.standard_normal(4)
        yield f"invalid: F={F}, padding={padding!r}", {"X": X, "W": W, "B": B, "padding": padding}
    for F, padding in [(5, 3), (4, 0), (1, 2)]:  # valid integer paddings must still work
        W, B = rng.standard_normal((4, 2, F)), rng.standard_normal(4)
        yield f"valid: F={F}, padding={padding!r}", {"X": X, "W": W, "B": B, "padding": padding}


_probe("test_errors", _cases(),
       lambda X, W, B, padding: Conv1d(W.copy(), B.copy(), padding=padding).forward(X.copy()))
del _cases
