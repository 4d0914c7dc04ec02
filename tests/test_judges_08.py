"""Judges of notebook 08 (MNIST classifier), run in-process (autograde.judge.simulate).

The reference passes every grade cell. Each mutant (the partial demo student's two bugs, then typical student
mistakes) is the reference source with a few edits; it must fail exactly the grade cells its mistake touches.
"""

import ast
import importlib
import inspect

import nbformat
import pytest

import solutions.p4_conv1d
import solutions.p8_classifier
from autograde.course import HIDDEN_TESTS_DIR, NOTEBOOKS_DIR
from autograde.demo_class.partial_bugs import BUGS
from autograde.hidden_sections import read_sections
from autograde.judge import simulate

NOTEBOOK = "08_mnist_classifier"
# what notebook 08's given cells and the earlier problems' solution cells bring in, besides solutions.p8_classifier
OTHER_MODULES = ["solutions.validation", "solutions.checks", "solutions.gradcheck", "solutions.layers",
                 "solutions.initializers", "solutions.optimizers", "solutions.minibatch", "solutions.p2_output_size",
                 "solutions.keras_transfer"]
# in the notebook both classes are the student's: Conv1d calls the student's output_size, the classifier their Conv1d
CONV1D_SOURCE = inspect.getsource(solutions.p4_conv1d).replace("from solutions.p2_output_size import output_size\n", "")
CLASSIFIER_SOURCE = inspect.getsource(solutions.p8_classifier).replace("from solutions.p4_conv1d import Conv1d\n", "")


def reference_namespace() -> dict:
    namespace = {}
    for module in OTHER_MODULES:
        namespace.update(vars(importlib.import_module(module)))
    namespace.update(vars(solutions.p8_classifier))
    return namespace


def notebook_defined_names() -> set[str]:
    """Top-level names the notebook's given and solution cells define: what a student's kernel has."""
    notebook = nbformat.read(NOTEBOOKS_DIR / f"{NOTEBOOK}.ipynb", as_version=4)
    names = set()
    for cell in notebook.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id", "")
        if cell.cell_type != "code" or not grade_id.startswith(("given", "solution")):
            continue
        for node in ast.parse(cell.source).body:
            if isinstance(node, ast.FunctionDef | ast.ClassDef):
                names.add(node.name)
            elif isinstance(node, ast.Import | ast.ImportFrom):
                names.update((alias.asname or alias.name).split(".")[0] for alias in node.names)
            elif isinstance(node, ast.Assign | ast.AnnAssign):
                for target in node.targets if isinstance(node, ast.Assign) else [node.target]:
                    names.update(n.id for n in ast.walk(target) if isinstance(n, ast.Name))
    return names


def student(edits=()) -> dict:
    """A student's kernel: the reference namespace, with Conv1d and Scratch1dCNNClassifier redefined from the
    reference source with `edits` applied, each (reference text, student's text) found exactly once."""
    sources = [CONV1D_SOURCE, CLASSIFIER_SOURCE]
    for old, new in edits:
        counts = [source.count(old) for source in sources]
        assert sum(counts) == 1, f"edit {old!r} must match the reference exactly once, matched {counts}"
        sources = [source.replace(old, new) for source in sources]
    namespace = {**reference_namespace(), "__name__": "student"}
    for source in sources:
        exec(compile(source, "<student>", "exec"), namespace)  # noqa: S102 - the reference, edited by this test
    return namespace


def failing(namespace: dict) -> set[str]:
    return {grade_id for grade_id, failures in simulate(NOTEBOOK, namespace).items() if failures}


def partial_bug(mistake_start: str):
    (bug,) = [bug for bug in BUGS if bug.notebook == NOTEBOOK and bug.mistake.startswith(mistake_start)]
    return bug.edits


def test_reference_namespace_has_every_notebook_name():
    assert notebook_defined_names() - set(reference_namespace()) == set()


def test_reference_passes_every_grade_cell():
    verdicts = simulate(NOTEBOOK, reference_namespace())
    assert set(verdicts) == set(read_sections(HIDDEN_TESTS_DIR / f"{NOTEBOOK}.py"))
    assert all(failures == [] for failures in verdicts.values()), verdicts


NO_UPDATE = [("self._backward(self.loss_layer.backward())", "self.loss_layer.backward()")]
MUTANTS = [
    # tests/test_pipeline_end_to_end.py: the partial student's notebook 08 costs test_predict only. The first
    # mutant also shows the builder changes nothing by itself: the failures of the others come from their edits
    ("partial demo student: mini-batches in data order (no test sees the order)", partial_bug("fit forgets"),
     set()),
    ("partial demo student: predict returns the probabilities", partial_bug("predict returns"), {"test_predict"}),
    ("predict_proba returns exp(scores), not normalized",
     [("softmax(self._forward(X[i : i + batch_size]))", "np.exp(self._forward(X[i : i + batch_size]))")],
     {"test_predict_proba"}),
    ("labels are not validated",
     [("if y.size and (y.min() < 0 or y.max() >= self.n_classes):", "if False:")], {"test_labels"}),
    ("Conv1d updates W before computing dX",
     [("        dX = None\n", "        if self.optimizer is not None:\n            self.optimizer.update(self)\n"
                               "        dX = None\n"),
      ("        if self.optimizer is not None:\n            self.optimizer.update(self)\n        return dX",
       "        return dX")],
     {"test_conv1d_optimizer"}),
    ("fit never runs backward: the weights never change", NO_UPDATE, {"test_learns"}),
]


@pytest.mark.parametrize(("mistake", "edits", "expected"), MUTANTS, ids=[m[0] for m in MUTANTS])
def test_mutant_fails_only_its_grade_cells(mistake, edits, expected):
    assert failing(student(edits)) == expected, mistake


def test_untrained_model_is_told_its_accuracy():
    (failure,) = simulate(NOTEBOOK, student(NO_UPDATE))["test_learns"]
    assert "test accuracy 0." in failure and "< 0.80" in failure and "guessing gives 0.10" in failure
    assert "正解率" in failure
