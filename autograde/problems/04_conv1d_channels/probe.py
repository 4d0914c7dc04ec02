"""Hidden tests of notebook 04_conv1d_channels: one `# %% grade_id` section per grade cell (the probe half).

One sample X (C_in, N_in), stride 1, padding 0, as the notebook asks. Random C_in, C_out, F != 3, N_in != 4 and random
W (the sprint's W is all ones: a flipped filter, swapped axes or a missing channel sum only show here). Each section
runs in the student's kernel after the visible test and only reports the results;
autograde/problems/04_conv1d_channels/judge.py computes the expected values (loops) in the grader.
"""
# ruff: noqa: F821  (Conv1d: the student's; _probe: autograde/grade/probe.py, put in by the build)

# %% common
def _cases(seeds, c_in=(2, 5), c_out=(1, 5), lengths=(1, 8), backward=False, learning_rate=False):
    """One case per seed: C_in in range(*c_in), C_out in range(*c_out), F != 3, N_in - F in range(*lengths) with
    N_in != 4; X (C_in, N_in), W, B, and dA (C_out, N_out) if `backward`, a learning rate lr if asked."""
    import numpy as np

    for seed in seeds:
        rng = np.random.default_rng((_HIDDEN_SEED, seed))
        channels_in, channels_out = int(rng.integers(*c_in)), int(rng.integers(*c_out))
        F = int(rng.choice([1, 2, 4, 5]))
        n_in = F + int(rng.integers(*lengths))
        n_in += n_in == 4
        case = {"X": rng.standard_normal((channels_in, n_in)), "W": rng.standard_normal((channels_out, channels_in, F)),
                "B": rng.standard_normal(channels_out)}
        if backward:
            case["dA"] = rng.standard_normal((channels_out, n_in - F + 1))
        if learning_rate:
            case["lr"] = float(rng.uniform(0.1, 0.9))
        yield f"seed {seed}", case

# %% test_forward_shape
_probe("test_forward_shape", _cases(range(400, 406), c_in=(1, 5), c_out=(1, 6), lengths=(0, 8)), _forward)

# %% test_forward_values
_probe("test_forward_values", _cases(range(410, 416)), _forward)

# %% test_backward_dB
_probe("test_backward_dB", _cases(range(420, 425), c_in=(1, 5), c_out=(2, 6), backward=True), _gradient("dB"))

# %% test_backward_dW
_probe("test_backward_dW", _cases(range(430, 436), backward=True), _gradient("dW"))

# %% test_backward_dX
_probe("test_backward_dX", _cases(range(440, 446), c_out=(2, 5), backward=True), _gradient("dX"))

# %% test_optimizer
def _run(X, W, B, dA, lr):
    optimizer = _RecordingSGD(lr)
    return _step(_layer(W, B, optimizer=optimizer), X, dA, optimizer)


_probe("test_optimizer", _cases(range(450, 454), c_in=(1, 4), c_out=(1, 4), lengths=(1, 7), backward=True,
                                learning_rate=True), _run)
del _run

# %% test_errors
def _error_cases():
    import numpy as np

    for seed in range(460, 464):
        rng = np.random.default_rng((_HIDDEN_SEED, seed))
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


_probe("test_errors", _error_cases(), _run)
del _error_cases, _run
