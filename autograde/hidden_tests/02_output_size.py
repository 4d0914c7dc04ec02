"""Hidden tests of notebook 02_output_size: one `# %% grade_id` section per grade cell.

Random combinations from np.random.default_rng(seed), the formula written out here; each section runs after the
visible test of its cell.
"""
# ruff: noqa: F821  (output_size is the student's function, defined in the notebook)

# %% test_output_size_basic
def _hidden_test_output_size_basic():
    import numpy as np

    rng = np.random.default_rng(201)
    for _ in range(30):
        n_in = int(rng.integers(5, 80))
        F = int(rng.integers(1, n_in + 1))
        got = output_size(n_in, F)
        assert got == n_in - F + 1, f"output_size({n_in}, {F}) returned {got!r}, expected {n_in - F + 1} = N_in - F + 1"


_hidden_test_output_size_basic()
del _hidden_test_output_size_basic

# %% test_output_size_padding
def _hidden_test_output_size_padding():
    import numpy as np

    rng = np.random.default_rng(202)
    for _ in range(30):
        n_in, P = int(rng.integers(1, 40)), int(rng.integers(1, 6))
        F = int(rng.integers(1, n_in + 2 * P + 1))
        got = output_size(n_in, F, padding=P)
        want = n_in + 2 * P - F + 1
        assert got == want, (
            f"output_size({n_in}, {F}, padding={P}) returned {got!r}, expected {want} = N_in + 2P - F + 1")
    for n_in, P in ((2, 2), (5, 3), (1, 4)):  # filters longer than the input that fit once padded
        F = n_in + 2 * P - int(rng.integers(0, 2))
        got = output_size(n_in, F, padding=P)
        want = n_in + 2 * P - F + 1
        assert got == want, (f"output_size({n_in}, {F}, padding={P}) returned {got!r}, expected {want}: F > N_in is "
                             "valid when F <= N_in + 2P / パディング後に収まれば F > N_in でも正しい入力です")


_hidden_test_output_size_padding()
del _hidden_test_output_size_padding

# %% test_output_size_stride
def _hidden_test_output_size_stride():
    import numpy as np

    rng = np.random.default_rng(203)
    for _ in range(40):
        n_in, P, S = int(rng.integers(1, 60)), int(rng.integers(0, 4)), int(rng.integers(2, 7))
        F = int(rng.integers(1, n_in + 2 * P + 1))
        got = output_size(n_in, F, padding=P, stride=S)
        want = (n_in + 2 * P - F) // S + 1
        assert isinstance(got, (int, np.integer)) and not isinstance(got, bool), (
            f"output_size({n_in}, {F}, padding={P}, stride={S}) returned {got!r} of type {type(got).__name__}, "
            "expected an int")
        assert got == want, (f"output_size({n_in}, {F}, padding={P}, stride={S}) returned {got!r}, expected {want} "
                             "= (N_in + 2P - F) // S + 1")


_hidden_test_output_size_stride()
del _hidden_test_output_size_stride

# %% test_output_size_invalid
def _hidden_test_output_size_invalid():
    import numpy as np

    def raises_value_error(args, kwargs):
        try:
            output_size(*args, **kwargs)
        except ValueError:
            return True
        return False

    rng = np.random.default_rng(204)
    cases = []
    for _ in range(6):
        n_in, P = int(rng.integers(1, 30)), int(rng.integers(0, 4))
        cases.append(((n_in, n_in + 2 * P + int(rng.integers(1, 5))), {"padding": P}))  # filter too long
        cases.append(((n_in + 5, 3), {"stride": -int(rng.integers(0, 5))}))  # stride <= 0
        cases.append(((n_in + 5, 3), {"padding": -int(rng.integers(1, 5))}))  # padding < 0
        cases.append(((-int(rng.integers(0, 5)), 1), {}))  # n_in <= 0
        cases.append(((n_in, -int(rng.integers(0, 5))), {"padding": P}))  # filter_size <= 0
    for args, kwargs in cases:
        call = f"output_size({', '.join(map(str, args))}{''.join(f', {k}={v}' for k, v in kwargs.items())})"
        assert raises_value_error(args, kwargs), f"{call} must raise ValueError / {call} は ValueError を出すべきです"
    for _ in range(6):  # the valid edge cases next to them must still work
        n_in, P, S = int(rng.integers(1, 30)), int(rng.integers(0, 4)), int(rng.integers(1, 4))
        F = n_in + 2 * P
        got = output_size(n_in, F, padding=P, stride=S)
        assert got == 1, (f"output_size({n_in}, {F}, padding={P}, stride={S}) returned {got!r}, expected 1: "
                          "F == N_in + 2P is valid / F == N_in + 2P は正しい入力です")


_hidden_test_output_size_invalid()
del _hidden_test_output_size_invalid

# %% test_output_size_not_integer
def _hidden_test_output_size_not_integer():
    import numpy as np

    def raises_value_error(kwargs):
        try:
            output_size(**kwargs)
        except ValueError:
            return True
        return False

    valid = {"n_in": 12, "filter_size": 4, "padding": 1, "stride": 2}
    got = output_size(**valid)
    assert got == 6, f"output_size(12, 4, padding=1, stride=2) returned {got!r}, expected 6"
    for name in valid:
        for bad in (2.5, np.float64(3.25), "3"):
            kwargs = dict(valid, **{name: bad})
            assert raises_value_error(kwargs), (
                f"output_size with {name}={bad!r} must raise ValueError (not an integer) "
                f"/ 整数でない {name} には ValueError")


_hidden_test_output_size_not_integer()
del _hidden_test_output_size_not_integer

# %% test_output_size_message
def _hidden_test_output_size_message():
    import re

    import numpy as np

    def message_of(*args, **kwargs):
        try:
            output_size(*args, **kwargs)
        except ValueError as error:
            return str(error)
        raise AssertionError(f"output_size{args} {kwargs} raised no ValueError")

    def names(message, number):
        return re.search(rf"(?<![\d.]){re.escape(str(number))}(?![\d.])", message) is not None

    rng = np.random.default_rng(205)
    for _ in range(5):
        n_in, P = int(rng.integers(13, 40)), int(rng.integers(3, 9))
        F = n_in + 2 * P + int(rng.integers(1, 9))
        message = message_of(n_in, F, padding=P)
        for number in (n_in, F, P):
            assert names(message, number), (
                f"output_size({n_in}, {F}, padding={P}): the message {message!r} does not name {number}; "
                "name N_in, F and P / メッセージに N_in, F, P を入れてください")
        S = -int(rng.integers(2, 9))
        message = message_of(n_in, 3, stride=S)
        assert names(message, S), f"output_size({n_in}, 3, stride={S}): the message {message!r} does not name {S}"
        P_bad = -int(rng.integers(2, 9))
        message = message_of(n_in, 3, padding=P_bad)
        assert names(message, P_bad), (
            f"output_size({n_in}, 3, padding={P_bad}): the message {message!r} does not name {P_bad}")


_hidden_test_output_size_message()
del _hidden_test_output_size_message
