"""Typical mistakes in notebook 08 (the MNIST classifier), as edits of the reference
(autograde/problems/mistake.py)."""

from autograde.problems.mistake import Mistake

NO_BACKWARD = (("self._backward(self.loss_layer.backward())", "self.loss_layer.backward()"),)

MISTAKES = (
    # no test looks at the batch order: not shuffling costs nothing
    Mistake("fit forgets to shuffle: mini-batches in data order", set(),
            (("batches = GetMiniBatch(X, y, batch_size=self.batch_size, seed=self.seed)",
              "batches = [(X[i : i + self.batch_size], y[i : i + self.batch_size])\n"
              "                   for i in range(0, len(X), self.batch_size)]"),), demo=True),
    Mistake("predict returns the probabilities, not the labels", {"test_predict"},
            (("return self.predict_proba(X).argmax(axis=1)", "return self.predict_proba(X)"),), demo=True),
    Mistake("predict_proba returns exp(scores), not normalized", {"test_predict_proba"},
            (("softmax(self._forward(X[i : i + batch_size]))", "np.exp(self._forward(X[i : i + batch_size]))"),)),
    Mistake("labels are not validated", {"test_labels"},
            (("if y.size and (y.min() < 0 or y.max() >= self.n_classes):", "if False:"),)),
    Mistake("Conv1d updates W before computing dX", {"test_conv1d_optimizer"},
            (("        dX = None\n", "        if self.optimizer is not None:\n            self.optimizer.update(self)\n"
                                   "        dX = None\n"),
             ("        if self.optimizer is not None:\n            self.optimizer.update(self)\n        return dX",
              "        return dX"))),
    Mistake("fit never runs backward: the weights never change", {"test_learns"}, NO_BACKWARD),
)

# Classifiers that are not the student's CNN: the API and the history look right, and on MNIST images the kernel can
# read they scored full marks. The hidden MNIST run gives them images no file holds and recomputes the predictions
# from clf.layers.
LOOKUP_TABLE = '''
class Scratch1dCNNClassifier(Scratch1dCNNClassifier):
    """Learns nothing: looks each image up in the labelled MNIST arrays of data/mnist.npz."""

    def fit(self, X, y, X_val=None, y_val=None):
        from pathlib import Path

        y = self._prepare_y(np.asarray(y), len(X))
        folder = next(f for f in (Path.cwd(), *Path.cwd().parents) if (f / "data" / "mnist.npz").is_file())
        with np.load(folder / "data" / "mnist.npz") as npz:
            self.table = {image.tobytes(): int(label) for part in ("train", "test")
                          for image, label in zip(npz[f"x_{part}"], npz[f"y_{part}"])}
        validated = X_val is not None  # a history like the real one: the visible check looks at it
        self.history = {"loss": [1.0] * self.epochs, "accuracy": [0.5] * self.epochs,
                        "val_loss": [1.0] * self.epochs * validated, "val_accuracy": [0.5] * self.epochs * validated}
        return self

    def predict_proba(self, X):
        images = np.rint(np.asarray(X, dtype=np.float64).reshape(len(X), 28, -1) * 255).astype(np.uint8) \\
            if np.asarray(X).size == len(X) * 784 else np.zeros((len(X), 0), np.uint8)
        proba = np.full((len(X), self.n_classes), 1.0 / self.n_classes)
        for row, image in enumerate(images):
            label = self.table.get(image.tobytes())
            if label is not None and label < self.n_classes:
                proba[row] = np.eye(self.n_classes)[label]
        return proba
'''

SKLEARN = '''
class Scratch1dCNNClassifier(Scratch1dCNNClassifier):
    """sklearn's logistic regression behind the skeleton's API."""

    def fit(self, X, y, X_val=None, y_val=None):
        import warnings

        from sklearn.linear_model import LogisticRegression

        y = self._prepare_y(np.asarray(y), len(X))
        with warnings.catch_warnings():  # no convergence warning on stderr (a test cell would fail for it)
            warnings.simplefilter("ignore")
            self.model = LogisticRegression(max_iter=100).fit(np.asarray(X, dtype=np.float64).reshape(len(X), -1), y)
        validated = X_val is not None  # a history like the real one: the visible check looks at it
        self.history = {"loss": [1.0] * self.epochs, "accuracy": [0.5] * self.epochs,
                        "val_loss": [1.0] * self.epochs * validated, "val_accuracy": [0.5] * self.epochs * validated}
        return self

    def predict_proba(self, X):
        proba = np.zeros((len(X), self.n_classes))
        proba[:, self.model.classes_] = self.model.predict_proba(np.asarray(X, dtype=np.float64).reshape(len(X), -1))
        return proba
'''

MISTAKES += (
    Mistake("a lookup table of the MNIST arrays instead of a CNN", {"test_learns"}, replaces=LOOKUP_TABLE),
    Mistake("sklearn's LogisticRegression instead of a CNN", {"test_learns"}, replaces=SKLEARN),
)
