"""Judges of notebook 02_output_size (the grader's half; cases: autograde/problems/02_output_size/probe.py).

The oracle is the formula and its domain written out here, independent of solutions/:
    N_out = (N_in + 2P - F) // S + 1 for integers N_in >= 1, F >= 1, P >= 0, S >= 1 with F <= N_in + 2P;
    anything else is a ValueError.
"""

import re

from autograde.grade.expect import expect_raises, named, raised_message, value
from autograde.grade.probe import Raised
from autograde.problems.oracles import is_int


def _expected(n_in, filter_size, padding=0, stride=1):
    """N_out, or None when output_size must raise ValueError."""
    if not (is_int(n_in, 1) and is_int(filter_size, 1) and is_int(padding, 0) and is_int(stride, 1)):
        return None
    if filter_size > n_in + 2 * padding:
        return None
    return (n_in + 2 * padding - filter_size) // stride + 1


def _call(*args, **kwargs) -> str:
    return f"output_size({', '.join([*map(repr, args), *(f'{k}={v!r}' for k, v in kwargs.items())])})"


def _expect_number(call: str, result, want: int, hint: str = ""):
    """result (a float64 array from the kernel) is the scalar want."""
    if result.shape != () or result != want:
        shown = f"{result.item():g}" if result.shape == () else f"an array of shape {result.shape}"
        raise AssertionError(f"{call} returned {shown}, expected {want}{hint}")


def _names(message: str, number) -> bool:
    """The number appears in the message on its own (not as part of a longer number)."""
    return re.search(rf"(?<![\d.]){re.escape(str(number))}(?![\d.])", message) is not None


def test_output_size_basic(key, got, *, n_in, F):
    call = _call(n_in, F)
    _expect_number(call, value(got, call), _expected(n_in, F), " = N_in - F + 1")


def test_output_size_padding(key, got, *, n_in, F, P):
    call = _call(n_in, F, padding=P)
    hint = (": F > N_in is valid when F <= N_in + 2P / パディング後に収まれば F > N_in でも正しい入力です" if F > n_in
            else " = N_in + 2P - F + 1")
    _expect_number(call, value(got, call), _expected(n_in, F, P), hint)


def test_output_size_stride(key, got, *, n_in, F, P, S):
    call = _call(n_in, F, padding=P, stride=S)
    results = named(got, call, ["N_out", "is_int"])
    if results["is_int"].shape != () or float(results["is_int"]) != 1:
        raise AssertionError(f"{call} did not return an int: use // instead of / "
                             "/ output_size は整数を返します。/ ではなく // を使います。")
    _expect_number(call, results["N_out"], _expected(n_in, F, P, S), " = (N_in + 2P - F) // S + 1")


def test_output_size_invalid(key, got, *, args, kwargs):
    call, want = _call(*args, **kwargs), _expected(*args, **kwargs)
    if want is None:
        expect_raises(call, got, ValueError, f"{call} は ValueError を出すべきです")
    else:
        hint = ": F == N_in + 2P is valid / F == N_in + 2P は正しい入力です"
        if isinstance(got, Raised):
            raise AssertionError(f"{raised_message(call, got)}\nexpected {want}{hint}")
        _expect_number(call, value(got, call), want, hint)


def test_output_size_not_integer(key, got, *, kwargs):
    call, want = _call(**kwargs), _expected(**kwargs)
    if want is None:
        bad = [name for name, number in kwargs.items() if not is_int(number, 0)]
        expect_raises(call, got, ValueError, f"{', '.join(bad)} is not an integer / 整数でない {', '.join(bad)} には "
                      "ValueError")
    else:
        _expect_number(call, value(got, call), want)


def test_output_size_message(key, got, *, n_in, F, P, S):
    call = _call(n_in, F, padding=P, stride=S)
    expect_raises(call, got, ValueError)
    if S < 1:
        required, hint = [S], f"name the bad stride {S} / メッセージに不正なストライド {S} を入れてください"
    elif P < 0:
        required, hint = [P], f"name the bad padding {P} / メッセージに不正なパディング {P} を入れてください"
    else:
        required, hint = [n_in, F, P], "name N_in, F and P / メッセージに N_in, F, P を入れてください"
    for number in required:
        if not _names(got.message, number):
            raise AssertionError(f"{call}: the message {got.message!r} does not name {number}; {hint}")
