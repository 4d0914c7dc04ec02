"""Hidden tests of notebook 07_stride: one `# %% grade_id` section per grade cell (the probe half).

Random strides, paddings, batches, shapes and values. Each section runs in the student's kernel after the visible test
and only reports the results; autograde/problems/07_stride/judge.py computes the expected values (loops) in the
grader.
"""
# ruff: noqa: F821  (output_size, Conv1d: the student's; _probe: autograde/grade/probe.py, put in by the build)

# %% common
STRIDES = [(11, 4, 2), (9, 5, 3), (13, 2, 4), (7, 1, 6), (15, 3, 2)]  # (N_in, F, S): S > F and S > N_out included
# (batch, N_in, F, P, S)
COMBINED = [(3, 11, 4, 1, 2), (2, 9, 5, 2, 3), (4, 6, 3, 1, 1), (1, 13, 2, 3, 4), (5, 5, 7, 2, 2)]

# %% test_output_size
def _cases():
    import numpy as np

    rng = np.random.default_rng((_HIDDEN_SEED, 701))
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
_probe("test_stride_forward_shape", _conv_cases(702, "N_in F S", STRIDES[:4] + [(10, 3, 1), (6, 6, 5)]), _forward)

# %% test_stride_forward_values
_probe("test_stride_forward_values", _conv_cases(703, "N_in F S", STRIDES), _forward)

# %% test_stride_backward_dX
_probe("test_stride_backward_dX", _conv_cases(704, "N_in F S", STRIDES + [(10, 4, 1)], backward=True),
       _gradient("dX"))

# %% test_stride_backward_dW
_probe("test_stride_backward_dW", _conv_cases(705, "N_in F S", STRIDES, backward=True), _gradient("dW"))

# %% test_stride_backward_dB
_probe("test_stride_backward_dB", _conv_cases(706, "N_in F S", STRIDES[:3], backward=True), _gradient("dB"))

# %% test_errors
def _error_cases():
    import numpy as np

    rng = np.random.default_rng((_HIDDEN_SEED, 707))
    X = rng.standard_normal((2, 11))
    for F, stride, padding in [(3, 0, 0), (3, -3, 1), (3, 2.5, 0), (3, 0.5, 0), (5, 3, "same"), (3, 2, "same")]:
        W, B = rng.standard_normal((4, 2, F)), rng.standard_normal(4)
        yield (f"invalid: F={F}, stride={stride!r}, padding={padding!r}",
               {"X": X, "W": W, "B": B, "stride": stride, "padding": padding})
    for F, stride in [(3, 4), (2, 11), (4, 1)]:  # valid strides must still work
        W, B = rng.standard_normal((4, 2, F)), rng.standard_normal(4)
        yield f"valid: F={F}, stride={stride!r}", {"X": X, "W": W, "B": B, "stride": stride, "padding": 0}


_probe("test_errors", _error_cases(),
       lambda X, W, B, stride, padding: Conv1d(W.copy(), B.copy(), stride=stride, padding=padding).forward(X.copy()))
del _error_cases

# %% test_combined_forward
_probe("test_combined_forward", _conv_cases(708, "batch N_in F P S", COMBINED), _forward)

# %% test_combined_backward
_probe("test_combined_backward", _conv_cases(709, "batch N_in F P S", COMBINED, backward=True), _gradients)
