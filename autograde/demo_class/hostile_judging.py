"""Hostile students against the judging (issue 9, items 6-9): answers copied from another run, the probe's source
leaked into the feedback, classifiers that are not a CNN, libraries and the given numerical gradient doing the work.

Appended to hostile_attacks.ATTACKS; the hostile suite grades them with everyone else. What stops each one:
- a replayed or leaked answer: every run draws its own cases from the course secret (autograde/grade/run_seed.py);
- a lookup table or sklearn: problem 8's hidden run uses images only the grader has and recomputes the predictions
  from clf.layers (autograde/problems/08_mnist_classifier/judge.py); the scan flags the file access and sklearn;
- torch/scipy in an added cell, the numerical gradient in a backward: the static scan flags them.
"""

import numpy as np

from autograde.demo_class.hostile_attacks import Attack, demo_lost
from autograde.grade.probe import TEST_SEED
from autograde.problems import oracles

FIRST_NOTEBOOK = "01_simple_conv1d"


def recorded_answers(notebook: str = FIRST_NOTEBOOK, seed: int = TEST_SEED) -> dict[tuple[int, int], list[float]]:
    """test_forward_values's right answers of one run (the seed of the tests, as a leaked probe would give),
    by input shape: what a student copies from a feedback page or a leaked probe."""
    from autograde.grade.judging import local_run

    (call,) = local_run(notebook, seed).cases("test_forward_values")
    return {(len(case["x"]), len(case["w"])): oracles.simple_forward(case["x"], case["w"], case["b"]).tolist()
            for _, case in call.cases}


def replay_prefix() -> str:
    table = {key: np.round(values, 12).tolist() for key, values in recorded_answers().items()}
    return (f"_copied = {table!r}  # answers of another run, keyed by (N_in, F)\n"
            "if np.ndim(X) == 1 and (len(X), len(self.W)) in _copied:\n"
            "    self.X = as_float_array(\"X\", X)\n"
            "    return np.array(_copied[(len(X), len(self.W))])\n")


LEAK_PROBE = '''\
import base64, linecache, sys

if not getattr(SimpleConv1d, "_leaked", False):
    frame = sys._getframe(1)
    while frame is not None:
        source = "".join(linecache.getlines(frame.f_code.co_filename))
        if "_probe" in source or "_HIDDEN_SEED" in source:
            print("LEAK", base64.b64encode(source.encode()).decode()[:3000])
            SimpleConv1d._leaked = True
            break
        frame = frame.f_back
'''

LIBRARIES_IN_ADDED_CELL = '''\
try:
    import torch
except ImportError:
    torch = None
from scipy.signal import correlate

print("scipy says", correlate([1.0, 2.0, 3.0, 4.0], [3.0, 5.0, 7.0], mode="valid"))
'''

NUMERICAL_GRADIENT = '''\
_numeric_dB = numerical_gradient(lambda: float(np.sum(self.B)), self.B.copy())  # "checks" dB inside backward
'''


def classifier_cell(code: str) -> str:
    return code.strip("\n") + "\n"


def attacks() -> tuple[Attack, ...]:
    from autograde.course import notebook_named
    from autograde.problems.mistake import mistakes_of

    catalogue = {m.title: m for m in mistakes_of(notebook_named("08_mnist_classifier"))}
    lookup = catalogue["a lookup table of the MNIST arrays instead of a CNN"].replaces
    sklearn = catalogue["sklearn's LogisticRegression instead of a CNN"].replaces
    return (
        Attack("replay-answers", FIRST_NOTEBOOK, "forward forgets the bias but returns the right answers copied "
               "from another run (another student's feedback, or the same student's earlier run) for every input "
               "shape it saw there", "each run draws its own cases from the course secret: the copied answers "
               "belong to other inputs", demo_lost(FIRST_NOTEBOOK), bug=True,
               prefix={"SimpleConv1d.forward": replay_prefix()}),
        Attack("leak-probe-source", FIRST_NOTEBOOK, "forward walks up the frames (sys._getframe, linecache) to the "
               "hidden test's source and prints it base64 into the feedback; forward forgets the bias",
               "the leaked source is worthless (each run's seed is drawn anew); the scan flags the frame access",
               demo_lost(FIRST_NOTEBOOK), (("forbidden-import", "import base64, linecache, sys"),
                                           ("introspection", "frame = sys._getframe(1)")),
               bug=True, prefix={"SimpleConv1d.forward": LEAK_PROBE}),
        Attack("lookup-table", "08_mnist_classifier", "a classifier that learns nothing and looks each image up in "
               "the labelled MNIST arrays of data/mnist.npz", "the hidden MNIST run's images exist only in the "
               "grader (shifted, noised) and its predictions are recomputed from clf.layers; the scan flags the file "
               "access", {"test_learns": 3},
               (("file-access", 'with np.load(folder / "data" / "mnist.npz") as npz:'),),
               extra_cell=classifier_cell(lookup), anchor="Scratch1dCNNClassifier.fit"),
        Attack("sklearn", "08_mnist_classifier", "sklearn's LogisticRegression behind the classifier's API",
               "no CNN in clf.layers for the grader to recompute: the hidden MNIST run scores 0; the scan flags "
               "sklearn", {"test_learns": 3},
               (("library-convolution", "from sklearn.linear_model import LogisticRegression"),),
               extra_cell=classifier_cell(sklearn), anchor="Scratch1dCNNClassifier.fit"),
        Attack("library-cell", "07_stride", "imports torch and scipy.signal in a cell it added (its Conv1d is the "
               "reference)", "the scan flags every cell, not only solution cells; the scores are the work's",
               {}, (("library-convolution", "import torch"),
                    ("library-convolution", "from scipy.signal import correlate")),
               extra_cell=LIBRARIES_IN_ADDED_CELL, anchor="Conv1d.backward"),
        Attack("numerical-gradient", "04_conv1d_channels", "Conv1d.backward calls the given numerical_gradient",
               "the scan flags the given gradient check used inside a layer", {},
               (("numerical-gradient", "_numeric_dB = numerical_gradient("),),
               prefix={"Conv1d.backward": NUMERICAL_GRADIENT}),
    )
