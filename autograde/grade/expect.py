"""What a judge module (autograde/problems/NN_slug/judge.py) calls: take the student's result out of a probe's
case, compare it with the expected value, and raise AssertionError with a message for the student (English and
Japanese) when it differs. The grader runs the judges (autograde/grade/judging.py); nothing here runs in the kernel.
"""

import numpy as np

from autograde.grade.probe import Raised
from solutions.hints import hint_for


def raised_message(what: str, got: Raised) -> str:
    """What the student's code raised, where in their cells, and a hint when the error is a common one."""
    where = f" ({got.where})" if got.where else ""
    hint = hint_for(got.names, got.message)
    return (f"{what} raised {got.name}: {got.message}{where}\n{what} で {got.name} が発生しました：{got.message}"
            + (f"\nHint / ヒント: {hint[0]}\n{hint[1]}" if hint else ""))


def value(got, what: str) -> np.ndarray:
    """The single array a case returned; a clear failure if it raised or returned several named results."""
    if isinstance(got, Raised):
        raise AssertionError(raised_message(what, got))
    if isinstance(got, dict):
        raise AssertionError(f"{what}: expected one array, got named results {sorted(got)}")
    return got


def named(got, what: str, names) -> dict[str, np.ndarray]:
    """The named arrays a case returned (run returned a dict): each of `names` must be there."""
    if isinstance(got, Raised):
        raise AssertionError(raised_message(what, got))
    if not isinstance(got, dict) or not set(names) <= set(got):
        raise AssertionError(f"{what}: results {sorted(got) if isinstance(got, dict) else '(one array)'} "
                             f"lack {sorted(set(names) - set(got if isinstance(got, dict) else []))}")
    return got


MAX_SHOWN_DIFFERENCES = 3  # a message shows the first few differing values, never the whole expected array


def first_differences(got: np.ndarray, expected: np.ndarray, wrong: np.ndarray) -> str:
    """'at (0, 2): got 1.5, expected 2.25; ...' for the first differing positions."""
    shown = [f"at {tuple(int(i) for i in index)}: got {got[tuple(index)]:.6g}, expected {expected[tuple(index)]:.6g}"
             for index in np.argwhere(wrong)[:MAX_SHOWN_DIFFERENCES]]
    return "; ".join(shown)


def expect_close(what: str, got: np.ndarray, expected, hint: str = "", rtol: float = 1e-6, atol: float = 1e-9):
    """got (float64, from the kernel) equals expected in shape and to rtol/atol. The message gives the shapes and the
    first differing values only: the cases of a run are drawn for it alone, and a whole expected array in feedback
    would be an answer key to copy."""
    expected = np.asarray(expected, dtype=np.float64)
    if got.shape != expected.shape:
        raise AssertionError(f"{what}: shape {got.shape}, expected {expected.shape} / 形状が {got.shape} です"
                             f"（正しくは {expected.shape}）" + (f"\n{hint}" if hint else ""))
    wrong = ~np.isclose(got, expected, rtol=rtol, atol=atol)
    if wrong.any():
        raise AssertionError(f"{what}: {int(wrong.sum())} of {wrong.size} values differ (shape {got.shape}) / "
                             f"{wrong.size} 個中 {int(wrong.sum())} 個の値が違います: "
                             f"{first_differences(got, expected, wrong)}" + (f"\n{hint}" if hint else ""))


def expect_raises(what: str, got, exception: type[BaseException] = ValueError, hint: str = ""):
    """The case must have raised `exception` (or a subclass)."""
    if isinstance(got, Raised) and got.is_a(exception):
        return
    did = f"raised {got.name} ({got.message})" if isinstance(got, Raised) else "returned normally"
    raise AssertionError(f"{what}: expected {exception.__name__}, but it {did} / {exception.__name__} が必要です"
                         + (f"\n{hint}" if hint else ""))


def expect_optimizer_step(where: str, got, *, W, B, lr: float, dX, dW, dB, **tolerance) -> None:
    """A backward with an in-place SGD optimizer (the probe's recording one): update called once, with the layer
    itself where the probe recorded that; dX computed with the W from *before* the update; then W - lr dW and
    B - lr dB, changed in place."""
    results = named(got, f"backward with an optimizer ({where})", ["dX", "update_calls", "W", "B"])
    calls = results["update_calls"]
    itself = results.get("updated_the_layer")
    if calls.shape != () or float(calls) != 1 or (itself is not None and (itself.shape != () or float(itself) != 1)):
        shown = f"{float(calls):g}" if calls.shape == () else "?"
        raise AssertionError(f"optimizer.update was called {shown} times in one backward ({where}), expected once, "
                             f"with the layer itself.\nbackward の中で optimizer.update が {shown} 回呼ばれました"
                             "（正しくは1回、引数は層自身）。")
    expect_close(f"dX with an optimizer ({where})", results["dX"], dX,
                 "Compute dX with W *before* the update, then call self.optimizer.update(self).\n"
                 "dX は*更新前*の W で計算し、そのあとで self.optimizer.update(self) を呼びます。", **tolerance)
    update_hint = ("backward must end with self.optimizer.update(self), which changes W and B in place "
                   "(W - lr dW, B - lr dB).\nbackward の最後に self.optimizer.update(self) を呼び、W と B を"
                   "その場で更新します（W - lr dW, B - lr dB）。")
    expect_close(f"W after backward ({where})", results["W"], np.asarray(W) - lr * np.asarray(dW), update_hint,
                 **tolerance)
    expect_close(f"B after backward ({where})", results["B"].reshape(np.shape(B)), np.asarray(B) - lr * np.asarray(dB),
                 update_hint, **tolerance)
