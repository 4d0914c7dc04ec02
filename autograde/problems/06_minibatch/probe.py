"""Hidden tests of notebook 06_minibatch: one `# %% grade_id` section per grade cell (the probe half).

Random batches, shapes and values. Each section runs in the student's kernel after the visible test and only reports
the results; autograde/problems/06_minibatch/judge.py computes the expected values (loops) in the grader.
"""
# ruff: noqa: F821  (output_size, Conv1d: the student's; _probe: autograde/grade/probe.py, put in by the build)

# %% common
BATCHES = [(5, 7, 5), (3, 9, 2), (1, 6, 4), (4, 11, 1)]  # (batch, N_in, F): a batch of one included

# %% test_output_size
_probe("test_output_size", _output_size_cases(601), _output_size)

# %% test_batch_forward_shape
_probe("test_batch_forward_shape", _conv_cases(602, "batch N_in F", BATCHES + [(2, 5, 5)]), _forward)

# %% test_batch_forward_values
_probe("test_batch_forward_values", _conv_cases(603, "batch N_in F", BATCHES + [(6, 13, 3)]), _forward)

# %% test_single_sample
def _run(X, W, B, dA):
    layer = Conv1d(W.copy(), B.copy())
    results = {"forward": layer.forward(X.copy())}
    results["dX"] = layer.backward(dA.copy())
    return results


_probe("test_single_sample", _conv_cases(604, "N_in F", [(7, 5), (9, 2), (6, 4)], backward=True), _run)
del _run

# %% test_batch_backward_dX
_probe("test_batch_backward_dX", _conv_cases(605, "batch N_in F", BATCHES, backward=True), _gradient("dX"))

# %% test_batch_backward_dW
_probe("test_batch_backward_dW", _conv_cases(606, "batch N_in F", [(5, 7, 5), (3, 9, 2), (4, 11, 1), (2, 6, 3)],
                                             backward=True), _gradient("dW"))

# %% test_batch_backward_dB
_probe("test_batch_backward_dB", _conv_cases(607, "batch N_in F", [(5, 7, 5), (3, 9, 2), (4, 11, 1)],
                                             backward=True), _gradient("dB"))

# %% test_errors
def _error_cases():
    import numpy as np

    rng = np.random.default_rng((_HIDDEN_SEED, 608))
    W, B = rng.standard_normal((4, 3, 5)), rng.standard_normal(4)
    for shape in [(9,), (3, 3, 3, 9), (2, 2, 9), (5, 4, 9), (2, 9), (1, 1, 1, 1, 9)]:
        yield f"invalid X {shape}", {"X": rng.standard_normal(shape), "W": W, "B": B}
    for shape in [(2, 3, 9), (1, 3, 5)]:  # valid batches must still work
        yield f"valid X {shape}", {"X": rng.standard_normal(shape), "W": W, "B": B}


_probe("test_errors", _error_cases(), lambda X, W, B: Conv1d(W.copy(), B.copy()).forward(X.copy()))
del _error_cases
