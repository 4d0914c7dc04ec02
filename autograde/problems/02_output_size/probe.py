"""Hidden tests of notebook 02_output_size: one `# %% grade_id` section per grade cell (the probe half).

Random combinations from np.random.default_rng((_HIDDEN_SEED, n)), _HIDDEN_SEED being the grading run's seed
(autograde/grade/run_seed.py). Each section runs in the student's kernel after the visible test and only reports the
results (the number, whether it is an int, or the ValueError and its message);
autograde/problems/02_output_size/judge.py computes the expected values in the grader.
"""
# ruff: noqa: F821  (output_size: the student's; _probe: autograde/grade/probe.py, put in by the build)

# %% test_output_size_basic
def _cases():
    import numpy as np

    rng = np.random.default_rng((_HIDDEN_SEED, 201))
    for number in range(30):
        n_in = int(rng.integers(5, 80))
        yield f"random {number}", {"n_in": n_in, "F": int(rng.integers(1, n_in + 1))}


_probe("test_output_size_basic", _cases(), lambda n_in, F: output_size(n_in, F))
del _cases

# %% test_output_size_padding
def _cases():
    import numpy as np

    rng = np.random.default_rng((_HIDDEN_SEED, 202))
    for number in range(30):
        n_in, P = int(rng.integers(1, 40)), int(rng.integers(1, 6))
        yield f"random {number}", {"n_in": n_in, "F": int(rng.integers(1, n_in + 2 * P + 1)), "P": P}
    for n_in, P in ((2, 2), (5, 3), (1, 4)):  # filters longer than the input that fit once padded
        F = n_in + 2 * P - int(rng.integers(0, 2))
        yield f"F > N_in: {n_in, F, P}", {"n_in": n_in, "F": F, "P": P}


_probe("test_output_size_padding", _cases(), lambda n_in, F, P: output_size(n_in, F, padding=P))
del _cases

# %% test_output_size_stride
def _cases():
    import numpy as np

    rng = np.random.default_rng((_HIDDEN_SEED, 203))
    for number in range(40):
        n_in, P, S = int(rng.integers(1, 60)), int(rng.integers(0, 4)), int(rng.integers(2, 7))
        yield f"random {number}", {"n_in": n_in, "F": int(rng.integers(1, n_in + 2 * P + 1)), "P": P, "S": S}


def _run(n_in, F, P, S):
    import numbers

    result = output_size(n_in, F, padding=P, stride=S)
    return {"N_out": result, "is_int": isinstance(result, numbers.Integral) and not isinstance(result, bool)}


_probe("test_output_size_stride", _cases(), _run)
del _cases, _run

# %% test_output_size_invalid
def _cases():
    import numpy as np

    rng = np.random.default_rng((_HIDDEN_SEED, 204))
    calls = []
    for _ in range(6):
        n_in, P = int(rng.integers(1, 30)), int(rng.integers(0, 4))
        calls.append(((n_in, n_in + 2 * P + int(rng.integers(1, 5))), {"padding": P}))  # filter too long
        calls.append(((n_in + 5, 3), {"stride": -int(rng.integers(0, 5))}))  # stride <= 0
        calls.append(((n_in + 5, 3), {"padding": -int(rng.integers(1, 5))}))  # padding < 0
        calls.append(((-int(rng.integers(0, 5)), 1), {}))  # n_in <= 0
        calls.append(((n_in, -int(rng.integers(0, 5))), {"padding": P}))  # filter_size <= 0
    for _ in range(6):  # the valid edge cases next to them must still work: F == N_in + 2P
        n_in, P, S = int(rng.integers(1, 30)), int(rng.integers(0, 4)), int(rng.integers(1, 4))
        calls.append(((n_in, n_in + 2 * P), {"padding": P, "stride": S}))
    for number, (args, kwargs) in enumerate(calls):
        yield f"call {number}", {"args": args, "kwargs": kwargs}


_probe("test_output_size_invalid", _cases(), lambda args, kwargs: output_size(*args, **kwargs))
del _cases

# %% test_output_size_not_integer
def _cases():
    import numpy as np

    valid = {"n_in": 12, "filter_size": 4, "padding": 1, "stride": 2}
    yield "valid", {"kwargs": valid}
    for name in valid:
        for bad in (2.5, np.float64(3.25), "3"):
            yield f"{name}={bad!r}", {"kwargs": dict(valid, **{name: bad})}


_probe("test_output_size_not_integer", _cases(), lambda kwargs: output_size(**kwargs))
del _cases

# %% test_output_size_message
def _cases():
    import numpy as np

    rng = np.random.default_rng((_HIDDEN_SEED, 205))
    for number in range(5):
        n_in, P = int(rng.integers(13, 40)), int(rng.integers(3, 9))
        F = n_in + 2 * P + int(rng.integers(1, 9))
        yield f"{number}: filter too long", {"n_in": n_in, "F": F, "P": P, "S": 1}
        yield f"{number}: bad stride", {"n_in": n_in, "F": 3, "P": 0, "S": -int(rng.integers(2, 9))}
        yield f"{number}: bad padding", {"n_in": n_in, "F": 3, "P": -int(rng.integers(2, 9)), "S": 1}


_probe("test_output_size_message", _cases(), lambda n_in, F, P, S: output_size(n_in, F, padding=P, stride=S))
del _cases
