"""Hidden tests of notebook 05_padding: one `# %% grade_id` section per grade cell (the probe half).

Random shapes, values and paddings. Each section runs in the student's kernel after the visible test and only reports
the results; autograde/problems/05_padding/judge.py computes the expected values (loops) in the grader.
"""
# ruff: noqa: F821  (output_size, Conv1d: the student's; _probe: autograde/grade/probe.py, put in by the build)

# %% common
SHAPES = [(7, 5, 1), (5, 2, 3), (2, 5, 2), (11, 4, 2), (8, 3, 0)]  # (N_in, F, P): F > N_in, P > F, P = 0 included

# %% test_output_size
_probe("test_output_size", _output_size_cases(501), _output_size)

# %% test_forward_shape
_probe("test_forward_shape", _conv_cases(502, "N_in F P", [(7, 5, 1), (5, 2, 3), (2, 5, 2), (9, 4, 0), (6, 1, 4)]),
       _forward)

# %% test_forward_values
_probe("test_forward_values", _conv_cases(503, "N_in F P", SHAPES[:4] + [(6, 1, 4), (8, 3, 0)]), _forward)

# %% test_same
_probe("test_same", _conv_cases(504, "N_in F", [(7, 5), (4, 1), (9, 7), (3, 5), (10, 3)]),
       lambda X, W, B: Conv1d(W.copy(), B.copy(), padding="same").forward(X.copy()))

# %% test_backward_dX
_probe("test_backward_dX", _conv_cases(505, "N_in F P", SHAPES, backward=True), _gradient("dX"))

# %% test_backward_dW
_probe("test_backward_dW", _conv_cases(506, "N_in F P", SHAPES, backward=True), _gradient("dW"))

# %% test_backward_dB
_probe("test_backward_dB", _conv_cases(507, "N_in F P", SHAPES[:4], backward=True), _gradient("dB"))

# %% test_errors
def _error_cases():
    import numpy as np

    rng = np.random.default_rng((_HIDDEN_SEED, 508))
    X = rng.standard_normal((2, 9))
    for F, padding in [(3, -2), (5, -1), (3, 0.5), (3, 2.5), (3, "valid_"), (3, "SAME!"), (2, "same"), (6, "same")]:
        W, B = rng.standard_normal((4, 2, F)), rng.standard_normal(4)
        yield f"invalid: F={F}, padding={padding!r}", {"X": X, "W": W, "B": B, "padding": padding}
    for F, padding in [(5, 3), (4, 0), (1, 2)]:  # valid integer paddings must still work
        W, B = rng.standard_normal((4, 2, F)), rng.standard_normal(4)
        yield f"valid: F={F}, padding={padding!r}", {"X": X, "W": W, "B": B, "padding": padding}


_probe("test_errors", _error_cases(),
       lambda X, W, B, padding: Conv1d(W.copy(), B.copy(), padding=padding).forward(X.copy()))
del _error_cases
