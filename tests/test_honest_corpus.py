"""Fairness of the static scan and the judges: honest work in any style gets full marks and no flag; every form of
"not from scratch" is flagged (autograde/scan/rules.py).

The honest corpus is tests/honest/corpus.py. Each style is put into the student notebook (notebooks/ equals the
release) and scanned like a submission; its solution code also runs through every hidden test (the judges, with a
run seed) and must pass all of them.
"""

import nbformat
import pytest
from nbformat.v4 import new_code_cell

from autograde.course import NOTEBOOKS_DIR
from autograde.grade.judging import local_run, simulate
from autograde.scan.notebooks import scan_notebook
from tests.honest.corpus import STYLES
from tests.judges.student import reference_cells

SEED = 424242


def submission(style, tmp_path):
    released = NOTEBOOKS_DIR / f"{style.notebook}.ipynb"
    notebook = nbformat.read(released, as_version=4)
    found = set()
    for index, cell in enumerate(notebook.cells):
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if grade_id in style.solutions:
            cell.source = style.solutions[grade_id]
            found.add(grade_id)
        if index in style.edited:
            cell.source = style.edited[index]
    assert found == set(style.solutions), f"{style.name}: no solution cells {set(style.solutions) - found}"
    notebook.cells += [new_code_cell(code) for code in style.added]
    path = tmp_path / released.name
    nbformat.write(notebook, path)
    return path, released


@pytest.mark.parametrize("style", STYLES, ids=[style.name for style in STYLES])
def test_honest_style_gets_no_flag(style, tmp_path):
    path, released = submission(style, tmp_path)
    assert scan_notebook(path, released) == []


@pytest.mark.parametrize("style", [s for s in STYLES if s.solutions], ids=[s.name for s in STYLES if s.solutions])
def test_honest_style_gets_full_marks(style):
    namespace = {"__name__": "student"}
    for label, source, _ in reference_cells(style.notebook):
        grade_id = label.split(" ", 1)[1]
        exec(compile(style.solutions.get(grade_id, source), label, "exec"), namespace)  # noqa: S102
    for code in style.added:  # the student's own experiments run too
        exec(compile(code, f"{style.name}: added cell", "exec"), namespace)  # noqa: S102
    verdicts = simulate(style.notebook, namespace, run=local_run(style.notebook, SEED))
    assert {grade_id: failures for grade_id, failures in verdicts.items() if failures} == {}


# (code in a cell the student added, or a line of a layer, the rule it must get)
NOT_FROM_SCRATCH = [
    ("import torch", "library-convolution"),
    ("import torch.nn.functional as F", "library-convolution"),
    ("def f(x):\n    from torch.nn.functional import conv1d as c\n    return c(x)", "library-convolution"),
    ("import tensorflow as tf", "library-convolution"),
    ("import jax.numpy as jnp", "library-convolution"),
    ("from keras import layers", "library-convolution"),
    ("import scipy\ny = scipy.signal.correlate([1, 2], [1])", "library-convolution"),
    ("import scipy as sp\ny = sp.ndimage.correlate1d([1.0, 2.0], [1.0])", "library-convolution"),
    ("from scipy import signal", "library-convolution"),
    ("from scipy.signal import correlate as c", "library-convolution"),
    ("def f():\n    import scipy.ndimage\n    return scipy.ndimage", "library-convolution"),
    ("from sklearn.linear_model import LogisticRegression", "library-convolution"),
    ("import sklearn.neighbors as nb", "library-convolution"),
    ("from sklearn import svm", "library-convolution"),
    ("import sklearn\nm = sklearn.ensemble.RandomForestClassifier()", "library-convolution"),
    ("m = __import__('tor' 'ch')", "library-convolution"),
    ("m = __import__('scipy.' + 'signal')", "library-convolution"),
    ("import importlib\nm = importlib.import_module('torch')", "library-convolution"),
    ("class L:\n    def backward(self, dA):\n        return numerical_gradient(lambda x: 0.0, dA)",
     "numerical-gradient"),
    ("ng = numerical_gradient\n\n\nclass L:\n    def backward(self, dA):\n        return ng(None, dA)",
     "numerical-gradient"),
    ("class L:\n    grad = staticmethod(numerical_gradient)", "numerical-gradient"),
    ("t = getattr(np, 'test' + 'ing')", "introspection"),
    ("name = 'f_' + 'back'\nimport sys\nf = getattr(sys, '_get' + 'frame')(0)\ng = getattr(f, name)",
     "function-internals"),
    ("getattr(np, name)", "introspection"),
    ("f = getattr(__import__('sys'), '_getframe')", "dynamic-code"),
]


@pytest.mark.parametrize(("code", "rule"), NOT_FROM_SCRATCH, ids=[code for code, _ in NOT_FROM_SCRATCH])
def test_not_from_scratch_is_flagged_in_any_cell(code, rule, tmp_path):
    notebook = nbformat.read(NOTEBOOKS_DIR / "07_stride.ipynb", as_version=4)
    notebook.cells.append(new_code_cell(code))
    path = tmp_path / "07_stride.ipynb"
    nbformat.write(notebook, path)
    flags = scan_notebook(path, NOTEBOOKS_DIR / "07_stride.ipynb")
    assert rule in {flag.rule for flag in flags}, flags


def test_a_given_cell_edited_is_judged_on_the_students_lines_only(tmp_path):
    """Notebook 8's data cell reads files; a student who changes one line of it answers for that line only."""
    notebook = nbformat.read(NOTEBOOKS_DIR / "08_mnist_classifier.ipynb", as_version=4)
    (index,) = [i for i, cell in enumerate(notebook.cells) if "find_data_dir" in cell.source
                and not cell.metadata.get("nbgrader")]
    notebook.cells[index].source += "\nX_small = X_train[:1000]\n"
    path = tmp_path / "08_mnist_classifier.ipynb"
    nbformat.write(notebook, path)
    assert scan_notebook(path, NOTEBOOKS_DIR / "08_mnist_classifier.ipynb") == []
    notebook.cells[index].source += "\nextra = np.load(DATA_DIR / 'mnist.npz')\n"
    nbformat.write(notebook, path)
    assert {flag.rule for flag in scan_notebook(path, NOTEBOOKS_DIR / "08_mnist_classifier.ipynb")} == {"file-access"}
