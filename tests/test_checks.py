"""The given checks teach: shapes compared and named as shapes, "ok" on every pass, float32 compared at float32
precision, the student's own line in errors, hints for common errors, and check_all() summing up every check cell
(run here in a real IPython shell, as in the student's kernel)."""

import numpy as np
import pytest
from IPython.core.interactiveshell import InteractiveShell

from autograde.build.given_cells import render_given
from autograde.course import REPO
from solutions.checks import CheckFailed, check_array, check_array_shape, check_raises, check_that
from solutions.gradcheck import check_gradients
from solutions.hints import hint_for
from solutions.p1_simple_conv1d import SimpleConv1d


def failure(function, *args, **kwargs) -> str:
    with pytest.raises(CheckFailed) as caught:
        function(*args, **kwargs)
    return str(caught.value)


def test_shapes_are_compared_as_shapes_and_both_are_named():
    message = failure(check_array_shape, "predict_proba(X)", np.zeros((37, 10)), (37,))
    assert message.startswith("predict_proba(X) has shape (37, 10), expected (37,).")
    assert "の形状が (37, 10) ですが、正しくは (37,) です" in message
    assert failure(check_array_shape, "forward(x)", np.zeros(4), (2, 4)).startswith(
        "forward(x) has shape (4,), expected (2, 4).")
    assert "None" in failure(check_array_shape, "forward(x)", None, (2,))


def test_every_check_prints_ok_when_it_passes(capsys):
    check_array("forward(x)", [35.0, 50.0], [35, 50])
    check_array_shape("forward(x)", np.zeros(2), (2,))
    check_raises("forward(short x)", lambda: int("x"), ValueError)
    check_that("one call", True)
    assert capsys.readouterr().out.splitlines() == ["ok: forward(x)", "ok: forward(x) has shape (2,)",
                                                    "ok: forward(short x) raised ValueError", "ok: one call"]


def test_values_show_what_differed_with_the_hint_in_both_languages():
    message = failure(check_array, "forward(x)", [34, 49], [35, 50], hint=("add the bias", "バイアスを足す"))
    assert message.split("\n") == [
        "forward(x) differs at 2 of 2 positions; first at index (0,): got 34, expected 35.", "  add the bias",
        "forward(x) は 2 要素中 2 要素が違います。最初は (0,): 34（正しくは 35）。", "  バイアスを足す",
        "got / 結果: [34., 49.]", "expected / 正解: [35., 50.]"]


def test_float32_results_are_compared_at_float32_precision():
    W = np.array([1.0, 0.5, 2.0]) - 0.1 * np.array([4.0, 3.0, 7.0])
    check_array("W", W.astype(np.float32), W)  # 0.6 in float32 is 0.6000000238...: right for float32
    assert "differs" in failure(check_array, "W", W + 1e-6, W)  # float64 stays exact


def test_another_exception_is_reported_with_its_name():
    message = failure(check_raises, "forward(x)", lambda: [][3], ValueError)
    assert message.startswith("forward(x) raised IndexError: list index out of range; expected ValueError.")


def test_common_errors_get_a_hint():
    layer_B = np.array([1])
    with pytest.raises(TypeError) as caught:
        layer_B -= 0.5 * np.array([30.0])
    hint = hint_for([cls.__name__ for cls in type(caught.value).__mro__], str(caught.value))
    assert hint and "store W and B as float arrays" in hint[0] and "float の配列" in hint[1]
    assert "stub" in hint_for(["NotImplementedError"], "")[0]
    assert "`return`" in hint_for(["TypeError"], "'NoneType' object is not subscriptable")[0]
    assert hint_for(["ZeroDivisionError"], "division by zero") is None


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_gradient_check_is_fair_to_float32_layers(dtype):
    class Float32Layer(SimpleConv1d):
        def forward(self, X):
            return super().forward(np.asarray(X, dtype=dtype)).astype(dtype)

    rng = np.random.default_rng(0)
    check_gradients("SimpleConv1d", Float32Layer(rng.standard_normal(5).astype(dtype), np.ones(1, dtype)),
                    rng.standard_normal(11))


@pytest.fixture
def shell():
    """A fresh IPython shell with notebook 1's given cell run in it, as in the student's kernel."""
    InteractiveShell.clear_instance()
    shell = InteractiveShell.instance()
    given = render_given("# GIVEN: validation, hints, checks, check_summary", REPO)
    assert shell.run_cell(given, store_history=True).success  # In [1], as in a notebook
    yield shell
    InteractiveShell.clear_instance()


CHECK = """# Check test_forward_values (2 points): forward output values
a = SimpleConv1d(np.array([3, 5, 7]), np.array([1])).forward(np.array([1, 2, 3, 4]))
check_array("forward(x)", a, [35, 50], ("add the bias B", "バイアス B も足します"))"""
LAYER = """class SimpleConv1d:
    def __init__(self, W, B):
        self.W, self.B = W, B

    def forward(self, X):
        n = X.shape[1]
        return X"""


def test_check_all_runs_every_check_cell_again_and_names_the_students_line(shell, capsys):
    shell.run_cell(LAYER, store_history=True)
    result = shell.run_cell(CHECK, store_history=True)
    assert not result.success  # the check cell failed...
    shell.run_cell("# Check test_errors (1 point): errors\ncheck_that('it raises', True)", store_history=True)
    capsys.readouterr()
    shell.run_cell("check_all()")  # ...and the summary still lists both, with the line of the student's code
    text = " ".join(capsys.readouterr().out.split())
    assert "test_forward_values 2 IndexError: tuple index out of range (In [2], line 6, in forward: " \
           "`n = X.shape[1]`)" in text
    assert "An array has fewer axes than your code expects" in text
    assert "test_errors 1 ok" in text and "1 of 2 checks ok: 1 of 3 points" in text
    shell.run_cell(LAYER.replace("n = X.shape[1]\n        return X",
                                 "return np.convolve(X, self.W[::-1], 'valid') + self.B[0]"), store_history=True)
    capsys.readouterr()
    shell.run_cell("check_all()")  # the fixed layer, without running the check cells again
    assert "2 of 2 checks ok: 3 of 3 points" in capsys.readouterr().out


def test_errors_in_the_kernel_get_their_hint(shell, capsys):
    shell.run_cell("B = np.array([1])\nB -= 0.5 * np.array([30.0])")
    captured = capsys.readouterr()
    assert "Hint / ヒント: W or B is an integer array" in captured.out + captured.err
