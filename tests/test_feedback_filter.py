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


def numbered(cell, count):
    cell.execution_count = count
    return cell


def test_errors_show_the_students_own_lines_and_never_a_hidden_one():
    solution = numbered(new_code_cell("class Layer:\n    def backward(self, dA):\n        n = dA.shape[1]\n"
                                      "        return n",
                                      metadata={"nbgrader": {"solution": True, "grade_id": "solution_layer"}}), 3)
    given = numbered(new_code_cell("# GIVEN (read-only): checks\ndef check(x):\n    raise ValueError(x)",
                                   metadata={"nbgrader": {"locked": True, "grade_id": "given_helpers"}}), 1)
    check = numbered(graded_cell(), 5)
    check.source = "layer = Layer()\ndX = layer.backward(dA)\n" + check.source.split("\n", 1)[1]
    check.outputs = [new_output("error", ename="IndexError", evalue="tuple index out of range", traceback=[
        "\x1b[31mIndexError\x1b[39m  Traceback (most recent call last)",
        "\x1b[36mCell\x1b[39m \x1b[32mIn[5]\x1b[39m\x1b[32m, line 2\x1b[39m\n----> 2 dX = layer.backward(dA)",
        "Cell In[3], line 3, in Layer.backward(self, dA)\n----> 3 n = dA.shape[1]",
        "Cell In[1], line 3, in check(x)\n----> 3 raise ValueError(x)",
        "Cell In[5], line 5\n----> 5 assert forward_secret(seed)",  # a line of the hidden region
        "\nHint / ヒント: An array has fewer axes than your code expects.\n配列の次元が少ないです。",
        "\x1b[31mIndexError\x1b[39m: tuple index out of range"])]
    notebook = new_notebook(cells=[given, solution, check])
    notebook, _ = HideHiddenTests()(notebook, {})
    shown = notebook.cells[2].outputs[0].traceback
    assert shown == ["IndexError: tuple index out of range\n"
                     "  in this check cell, line 2: dX = layer.backward(dA)\n"
                     "  in cell In [3] (solution_layer), line 3, in Layer.backward: n = dA.shape[1]\n"
                     "Hint / ヒント: An array has fewer axes than your code expects.\n配列の次元が少ないです。"]
    assert "secret" not in str(notebook.cells[2])
    assert notebook.cells[0].source.startswith("# GIVEN (read-only): checks\n# (given code, 2 lines")


def test_a_hidden_test_message_names_the_students_cell():
    solution = numbered(new_code_cell("def f(x):\n    return x[3]",
                                      metadata={"nbgrader": {"solution": True, "grade_id": "solution_f"}}), 2)
    check = numbered(graded_cell(), 4)
    message = "hidden case seed 3: f(x) raised IndexError: index 3 is out of bounds (In [2], line 2: `return x[3]`)"
    check.outputs = [new_output("error", ename="HiddenTestFailed", evalue=message,
                                traceback=[f"HiddenTestFailed: {message}"])]
    notebook, _ = HideHiddenTests()(new_notebook(cells=[solution, check]), {})
    assert "(In [2] (solution_f), line 2: `return x[3]`)" in notebook.cells[1].outputs[0].traceback[0]
