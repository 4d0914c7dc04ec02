"""Feedback pages keep points, pass/fail and the error message, but not the hidden test code."""

from nbformat.v4 import new_code_cell, new_notebook, new_output

from autograde.report.feedback import visible_text
from autograde.report.hide_hidden_tests import HIDDEN_NOTE, HideHiddenTests

HIDDEN = "for seed in range(7):\n    assert forward_secret(seed), 'forward differs on random shapes'"


def graded_cell():
    source = f"check_array('a', a, [35, 50])\n### BEGIN HIDDEN TESTS\n{HIDDEN}\n### END HIDDEN TESTS"
    error = new_output("error", ename="AssertionError", evalue="forward differs on random shapes",
                       traceback=["\x1b[31m----\x1b[39m", "Cell In[5], line 3\n----> 3 assert forward_secret(seed)",
                                  "\x1b[31mAssertionError\x1b[39m: forward differs on random shapes"])
    shown = new_output("execute_result", data={"text/plain": "array([35., 50.])  # expected_secret"})
    return new_code_cell(source, outputs=[shown, error], metadata={"nbgrader": {"grade": True, "grade_id": "test_a"}})


def test_hidden_code_and_traceback_are_removed_message_kept():
    notebook = new_notebook(cells=[graded_cell(), new_code_cell("print('free cell')")])
    notebook, _ = HideHiddenTests()(notebook, {})
    cell = notebook.cells[0]
    assert cell.source == f"check_array('a', a, [35, 50])\n{HIDDEN_NOTE}"
    assert cell.outputs[0].traceback == ["AssertionError: forward differs on random shapes"]
    assert len(cell.outputs) == 1  # the value the hidden code's last line displayed is gone
    assert "secret" not in str(cell)
    assert notebook.cells[1].source == "print('free cell')"


def test_visible_text_sees_through_syntax_highlighting():
    page = '<pre><span class="k">for</span> seed <span class="ow">in</span> range(7):&lt;x&gt;</pre>'
    assert visible_text(page) == "for seed in range(7):<x>"
