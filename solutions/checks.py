"""The checks the check cells use. Each prints "ok: ..." when it passes, or stops the cell with CheckFailed,
which says what differed and hints why, in English and Japanese.

check_array(name, got, expected, hint)          values and shape
check_array_shape(name, got, expected, hint)    the shape only, e.g. (37, 10)
check_raises(name, function, error, hint)       function() must raise `error`
check_that(name, condition, hint)               a yes/no fact

When a check fails with an answer that one of the course's known mistakes gives (KNOWN_MISTAKES, this notebook's
table in the given cell), the message also names that mistake.
"""

import numpy as np

from solutions.hints import describe_error


class CheckFailed(AssertionError):
    """A check that did not pass. Shown as its message only: the check's own code is not the problem."""

    def _render_traceback_(self):
        return [f"\x1b[31mCheckFailed\x1b[39m: {self}"]


def _passed(text):
    print(f"ok: {text}")


def _fail(english, japanese, hint=("", ""), details="", named=("", "")):
    """Stop the check: what differed (English, then Japanese), each with its hint and the mistake named after it."""
    hint_en, hint_ja = hint
    lines = [english, f"  {hint_en}" if hint_en else "", named[0], japanese, f"  {hint_ja}" if hint_ja else "",
             named[1], details]
    raise CheckFailed("\n".join(line for line in lines if line))


def _same_answer(one, other):
    """Two answers to a check are the same: equal outcome texts ("returned", "raised IndexError"), or numbers of one
    shape equal to 1e-6 (a float32 result too)."""
    if isinstance(one, str) or isinstance(other, str):
        return one == other
    one, other = np.asarray(one, dtype=np.float64), np.asarray(other, dtype=np.float64)
    return one.shape == other.shape and bool(np.allclose(one, other, rtol=1e-6, atol=1e-6))


def _known_mistake(name, expected, got):
    """(English, Japanese) naming the known mistakes whose answer to this check is `got`, or ("", ""). The table
    KNOWN_MISTAKES (check name -> [(expected, a mistake's answer, ((why, なぜ), ...))]) was made by running the
    course's reference with each mistake on this notebook's checks."""
    whys = []
    for right, wrong, reasons in (globals().get("KNOWN_MISTAKES") or {}).get(name, ()):
        if _same_answer(right, expected) and _same_answer(wrong, got):
            whys += [reason for reason in reasons if reason not in whys]
    if not whys:
        return "", ""
    return (f"Likely mistake: this is what you get when {' or when '.join(english for english, _ in whys)}.",
            f"考えられる間違い：「{'」または「'.join(japanese for _, japanese in whys)}」ときの結果と同じです。")


def _shown(value):
    """A short text for a value in a message: small arrays in full, big ones by their shape."""
    array = np.asarray(value)
    if array.size > 20:
        return f"an array of shape {array.shape}"
    return np.array2string(array, separator=", ", threshold=20) if array.ndim else str(array)


def _numbers(name, got):
    """`got` as a float64 array, or CheckFailed saying why it is not numbers."""
    if got is None:
        _fail(f"{name} is None: did you forget `return` (or to set the attribute)?",
              f"{name} が None です。return（または属性への代入）を忘れていませんか？")
    try:
        return np.asarray(got, dtype=np.float64)
    except (TypeError, ValueError) as error:
        _fail(f"{name} is not an array of numbers ({error}).", f"{name} が数値の配列ではありません（{error}）。")


def check_array(name, got, expected, hint=("", ""), atol=1e-8):
    """Pass if `got` has the shape of `expected` and equal values (to atol; float32 results to float32 precision).

    Parameters
    ----------
    name : str, what is checked, e.g. "forward(x)" or "layer.dW"
    got : your value
    expected : array-like, the right value
    hint : (english, japanese), why it may differ
    """
    expected = np.asarray(expected, dtype=np.float64)
    kind = np.asarray(got).dtype if got is not None else None
    got = _numbers(name, got)
    if got.shape != expected.shape:
        _fail(f"{name} has shape {got.shape}, expected {expected.shape}.",
              f"{name} の形状が {got.shape} ですが、正しくは {expected.shape} です。", hint,
              f"got / 結果: {_shown(got)}\nexpected / 正解: {_shown(expected)}", _known_mistake(name, expected, got))
    rtol = 10 * np.finfo(kind).eps if kind is not None and kind.kind == "f" and kind.itemsize < 8 else 0.0
    wrong = ~np.isclose(got, expected, rtol=rtol, atol=max(atol, rtol))
    if wrong.any() and not expected.ndim:  # one number
        _fail(f"{name} is {got:g}, expected {expected:g}.", f"{name} が {got:g} です（正しくは {expected:g}）。", hint,
              named=_known_mistake(name, expected, got))
    if wrong.any():
        first = tuple(int(i) for i in np.argwhere(wrong)[0])
        _fail(f"{name} differs at {wrong.sum()} of {wrong.size} positions; first at index {first}: "
              f"got {got[first]:g}, expected {expected[first]:g}.",
              f"{name} は {wrong.size} 要素中 {wrong.sum()} 要素が違います。最初は {first}: "
              f"{got[first]:g}（正しくは {expected[first]:g}）。", hint,
              f"got / 結果: {_shown(got)}\nexpected / 正解: {_shown(expected)}", _known_mistake(name, expected, got))
    _passed(name)


def check_array_shape(name, got, expected, hint=("", "")):
    """Pass if `got` (an array, or anything np.shape reads) has the shape `expected`, a tuple such as (37, 10)."""
    if got is None:
        _numbers(name, got)
    expected = tuple(expected)
    shape = np.shape(got)
    if shape != expected:
        _fail(f"{name} has shape {shape}, expected {expected}.",
              f"{name} の形状が {shape} ですが、正しくは {expected} です。", hint,
              named=_known_mistake(name, expected, shape))
    _passed(f"{name} has shape {expected}")


def check_raises(name, function, error=ValueError, hint=("", "")):
    """Pass if `function()` raises `error` (or a subclass of it)."""
    try:
        function()
    except error:
        _passed(f"{name} raised {error.__name__}")
        return
    except Exception as other:  # another exception is a bug in your code: say which and where
        _fail(f"{name} raised {describe_error(other)}; expected {error.__name__}.",
              f"{name} が {type(other).__name__} を出しました。{error.__name__} が正解です。", hint,
              named=_known_mistake(name, f"raised {error.__name__}", f"raised {type(other).__name__}"))
    _fail(f"{name} did not raise {error.__name__}.", f"{name} で {error.__name__} が出ませんでした。", hint,
          named=_known_mistake(name, f"raised {error.__name__}", "returned"))


def check_that(name, condition, hint=("", "")):
    """Pass if `condition` is true; otherwise the hint says what is wrong."""
    if not condition:
        _fail(f"not true: {name}.", f"成り立ちません：{name}。", hint)
    _passed(name)
