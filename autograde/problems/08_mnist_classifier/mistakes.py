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
