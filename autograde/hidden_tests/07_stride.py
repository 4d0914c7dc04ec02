"""Hidden tests of notebook 07_stride: one `# %% grade_id` section per grade cell (the probe half).

Random strides, paddings, batches, shapes and values. Each section runs in the student's kernel after the visible
test and only reports the results; autograde/judges/07_stride.py computes the expected values (loops) in the grader.
"""
# ruff: noqa: F821  (output_size, Conv1d: the student's; _probe: autograde/probe.py, put in by the build)

# %% test_output_size
def _cases():
    import numpy as np

    rng = np.random.default_rng(701)
    for number in range(40):
        n_in, F, P, S = (int(rng.integers(1, 40)), int(rng.integers(1, 9)), int(rng.integers(0, 5)),
                         int(rng.integers(1, 7)))
        if F > n_in + 2 * P:
            continue
        yield f"random {number}", {"n_in": n_in, "F": F, "P": P, "S": S}
    for stride in [0, -2]:
        yield f"stride={stride}", {"n_in": 9, "F": 3, "P": 0, "S": stride}


_probe("test_output_size", _cases(), lambda n_in, F, P, S: output_size(n_in, F, padding=P, stride=S))
del _cases

# %% test_stride_forward_shape
def _cases():
    import numpy as np

    rng = np.random.default_rng(702)
    for n_in, F, S in [(11, 4, 2), (9, 5, 3), (13, 2, 4), (7, 1, 6), (10, 3, 1), (6, 6, 5)]:
        c_in, c_out = int(rng.integers(1, 4)), int(rng.integers(4, 7))
        X = rng.standard_normal((c_in, n_in))
        W, B = rng.standard_normal((c_out, c_in, F)), rng.standard_normal(c_out)
        yield f"N_in={n_in}, F={F}, S={S}", {"X": X, "W": W, "B": B, "S": S}


_probe("test_stride_forward_shape", _cases(),
       lambda X, W, B, S: Conv1d(W.copy(), B.copy(), stride=S).forward(X.copy()))
del _cases

# %% test_stride_forward_values
def _cases():
    import numpy as np

    rng = np.random.default_rng(703)
    for n_in, F, S in [(11, 4, 2), (9, 5, 3), (13, 2, 4), (7, 1, 6), (15, 3, 2)]:
        c_in, c_out = int(rng.integers(1, 4)), int(rng.integers(4, 7))
        X, W, B = rng.standard_normal((c_in, n_in)), rng.standard_normal((c_out, c_in, F)), rng.standard_normal(c_out)
        yield f"N_in={n_in}, F={F}, S={S}", {"X": X, "W": W, "B": B, "S": S}


_probe("test_stride_forward_values", _cases(),
       lambda X, W, B, S: Conv1d(W.copy(), B.copy(), stride=S).forward(X.copy()))
del _cases

# %% test_stride_backward_dX
def _cases():
    import numpy as np

    rng = np.random.default_rng(704)
    for n_in, F, S in [(11, 4, 2), (9, 5, 3), (13, 2, 4), (7, 1, 6), (15, 3, 2), (10, 4, 1)]:
        c_in, c_out = int(rng.integers(1, 4)), int(rng.integers(4, 7))
        X, W, B = rng.standard_normal((c_in, n_in)), rng.standard_normal((c_out, c_in, F)), rng.standard_normal(c_out)
        dA = rng.standard_normal((c_out, (n_in - F) // S + 1))
        yield f"N_in={n_in}, F={F}, S={S}", {"X": X, "W": W, "B": B, "S": S, "dA": dA}


def _run(X, W, B, S, dA):
    layer = Conv1d(W.copy(), B.copy(), stride=S)
    layer.forward(X.copy())
    return layer.backward(dA.copy())


_probe("test_stride_backward_dX", _cases(), _run)
del _cases, _run

# %% test_stride_backward_dW
def _cases():
    import numpy as np

    rng = np.random.default_rng(705)
    for n_in, F, S in [(11, 4, 2), (9, 5, 3), (13, 2, 4), (7, 1, 6), (15, 3, 2)]:
        c_in, c_out = int(rng.integers(1, 4)), int(rng.integers(4, 7))
        X, W, B = rng.standard_normal((c_in, n_in)), rng.standard_normal((c_out, c_in, F)), rng.standard_normal(c_out)
        dA = rng.standard_normal((c_out, (n_in - F) // S + 1))
        yield f"N_in={n_in}, F={F}, S={S}", {"X": X, "W": W, "B": B, "S": S, "dA": dA}


def _run(X, W, B, S, dA):
    layer = Conv1d(W.copy(), B.copy(), stride=S)
    layer.forward(X.copy())
    layer.backward(dA.copy())
    return layer.dW


_probe("test_stride_backward_dW", _cases(), _run)
del _cases, _run

# %% test_stride_backward_dB
def _cases():
    import numpy as np

    rng = np.random.default_rng(706)
    for n_in, F, S in [(11, 4, 2), (9, 5, 3), (13, 2, 4)]:
        c_in, c_out = int(rng.integers(1, 4)), int(rng.integers(4, 7))
        X, W, B = rng.standard_normal((c_in, n_in)), rng.standard_normal((c_out, c_in, F)), rng.standard_normal(c_out)
        dA = rng.standard_normal((c_out, (n_in - F) // S + 1))
        yield f"N_in={n_in}, F={F}, S={S}", {"X": X, "W": W, "B": B, "S": S, "dA": dA}


def _run(X, W, B, S, dA):
    layer = Conv1d(W.copy(), B.copy(), stride=S)
    layer.forward(X.copy())
    layer.backward(dA.copy())
    return layer.dB


_probe("test_stride_backward_dB", _cases(), _run)
del _cases, _run

# %% test_errors
def _cases():
    import numpy as np

    rng = np.random.default_rng(707)
    X = rng.standard_normal((2, 11))
    for F, stride, padding in [(3, 0, 0), (3, -3, 1), (3, 2.5, 0), (3, 0.5, 0), (5, 3, "same"), (3, 2, "same")]:
        W, B = rng.standard_normal((4, 2, F)), rng.standard_normal(4)
        yield (f"invalid: F={F}, stride={stride!r}, padding={padding!r}",
               {"X": X, "W": W, "B": B, "stride": stride, "padding": padding})
    for F, stride in [(3, 4), (2, 11), (4, 1)]:  # valid strides must still work
        W, B = rng.standard_normal((4, 2, F)), rng.standard_normal(4)
        yield f"valid: F={F}, stride={stride!r}", {"X": X, "W": W, "B": B, "stride": stride, "padding": 0}


_probe("test_errors", _cases(),
       lambda X, W, B, stride, padding: Conv1d(W.copy(), B.copy(), stride=stride, padding=padding).forward(X.copy()))
del _cases

# %% test_combined_forward
def _cases():
    import numpy as np

    rng = np.random.default_rng(708)
    for batch, n_in, F, P, S in [(3, 11, 4, 1, 2), (2, 9, 5, 2, 3), (4, 6, 3, 1, 1), (1, 13, 2, 3, 4),
                                 (5, 5, 7, 2, 2)]:
        c_in, c_out = int(rng.integers(1, 4)), int(rng.integers(4, 7))
        X = rng.standard_normal((batch, c_in, n_in))
        W, B = rng.standard_normal((c_out, c_in, F)), rng.standard_normal(c_out)
        yield f"batch={batch}, N_in={n_in}, F={F}, P={P}, S={S}", {"X": X, "W": W, "B": B, "P": P, "S": S}


_probe("test_combined_forward", _cases(),
       lambda X, W, B, P, S: Conv1d(W.copy(), B.copy(), stride=S, padding=P).forward(X.copy()))
del _cases

# %% test_combined_backward
def _cases():
    import numpy as np

    rng = np.random.default_rng(709)
    for batch, n_in, F, P, S in [(3, 11, 4, 1, 2), (2, 9, 5, 2, 3), (4, 6, 3, 1, 1), (1, 13, 2, 3, 4),
                                 (5, 5, 7, 2, 2)]:
        c_in, c_out = int(rng.integers(1, 4)), int(rng.integers(4, 7))
        X = rng.standard_normal((batch, c_in, n_in))
        W, B = rng.standard_normal((c_out, c_in, F)), rng.standard_normal(c_out)
        dA = rng.standard_normal((batch, c_out, (n_in + 2 * P - F) // S + 1))
        yield f"batch={batch}, N_in={n_in}, F={F}, P={P}, S={S}", {"X": X, "W": W, "B": B, "P": P, "S": S, "dA": dA}


def _run(X, W, B, P, S, dA):
    layer = Conv1d(W.copy(), B.copy(), stride=S, padding=P)
    layer.forward(X.copy())
    results = {"dX": layer.backward(dA.copy())}
    results["dW"], results["dB"] = layer.dW, layer.dB
    return results


_probe("test_combined_backward", _cases(), _run)
del _cases, _run
