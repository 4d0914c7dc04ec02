"""Friendly checks for the visible tests: say what differed and hint why, in English and Japanese.

Given to students (read-only cell). Hidden tests do not rely on it: a student could redefine it.
"""

import numpy as np


def check_array(name, got, expected, hint=("", ""), atol=1e-8):
    """Raise AssertionError unless ``got`` equals ``expected`` (same shape, values within atol).

    Parameters
    ----------
    name : str, what is checked, e.g. "forward(x)" or "layer.dW"
    got : the student's value
    expected : array-like, the right value
    hint : (english, japanese), why it may differ
    """
    hint_en, hint_ja = hint
    expected = np.asarray(expected, dtype=np.float64)
    if got is None:
        raise AssertionError(
            f"{name} is None: did you forget `return` (or to set the attribute)?\n"
            f"{name} が None です: return（または属性への代入）を忘れていませんか？"
        )
    try:
        got = np.asarray(got, dtype=np.float64)
    except (TypeError, ValueError) as error:
        raise AssertionError(
            f"{name} is not a numeric array ({error}).\n{name} が数値の配列ではありません（{error}）。"
        ) from None
    if got.shape != expected.shape:
        raise AssertionError(
            f"{name} has shape {got.shape}, expected {expected.shape}. {hint_en}\n"
            f"{name} の形状が {got.shape} ですが、正しくは {expected.shape} です。{hint_ja}"
        )
    wrong = ~np.isclose(got, expected, rtol=0, atol=atol)
    if wrong.any():
        first = tuple(int(i) for i in np.argwhere(wrong)[0])
        raise AssertionError(
            f"{name} differs at {wrong.sum()} of {wrong.size} positions; first at index {first}: "
            f"got {got[first]:g}, expected {expected[first]:g}. {hint_en}\n"
            f"{name} は {wrong.size} 要素中 {wrong.sum()} 要素が違います。最初は {first}: "
            f"{got[first]:g}（正しくは {expected[first]:g}）。{hint_ja}\n"
            f"got / 結果:\n{got}\nexpected / 正解:\n{expected}"
        )


def check_raises(name, function, error=ValueError, hint=("", "")):
    """Raise AssertionError unless ``function()`` raises ``error``."""
    hint_en, hint_ja = hint
    try:
        function()
    except error:
        return
    except Exception as other:  # noqa: BLE001 - any other exception is the student's bug to report
        raise AssertionError(
            f"{name} raised {type(other).__name__}: {other}; expected {error.__name__}. {hint_en}\n"
            f"{name} が {type(other).__name__} を出しました。{error.__name__} が正解です。{hint_ja}"
        ) from None
    raise AssertionError(
        f"{name} did not raise {error.__name__}. {hint_en}\n{name} で {error.__name__} が出ませんでした。{hint_ja}"
    )
