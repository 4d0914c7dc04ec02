"""The `partial` demo student: the reference solution with the mistakes students really make.

Each bug names the notebook and the function or method whose body it changes, says the mistake in words, and
gives the edit to the reference body as (reference text, buggy text) pairs. Edits, not whole bodies, so the rest of
the student's code stays the reference and the points lost are those of this one mistake. When the reference
changes under an edit, make_submissions says which bug no longer applies.

tests/test_pipeline_end_to_end.py holds the points each bug costs, per grade cell.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Bug:
    notebook: str  # e.g. "01_simple_conv1d"
    function: str  # qualified name of the stub it fills, e.g. "SimpleConv1d.forward"
    mistake: str  # what the student did wrong
    edits: tuple[tuple[str, str], ...]  # (text in the reference body, what the student wrote instead)


BUGS = (
    Bug("01_simple_conv1d", "SimpleConv1d.forward", "forward forgets the bias",
        (("return windows @ self.W + self.B[0]", "return windows @ self.W"),)),
    Bug("02_output_size", "output_size", "output_size forgets the stride",
        (("return (padded - filter_size) // stride + 1", "return padded - filter_size + 1"),)),
    Bug("03_toy_check", "SimpleConv1d.backward",
        "backward computes dX without flipping the filter (np.convolve flips it once more)",
        (('dX = np.convolve(dA, self.W, mode="full")', 'dX = np.convolve(dA, self.W[::-1], mode="full")'),)),
    Bug("04_conv1d_channels", "Conv1d.backward", "dB sums over the output channels instead of the positions",
        (("self.dB = np.ones(len(dA2), dtype=dA2.dtype) @ dA2", "self.dB = dA2.sum(axis=1)"),)),
    Bug("05_padding", "output_size", "output_size pads one side only (P instead of 2*P)",
        (("padded = n_in + 2 * padding", "padded = n_in + padding"),)),
    Bug("06_minibatch", "Conv1d.backward", "dB averages over the batch and positions instead of summing",
        (("self.dB = np.ones(len(dA2), dtype=dA2.dtype) @ dA2", "self.dB = dA2.mean(axis=0)"),)),
    Bug("07_stride", "Conv1d.backward", "backward ignores the stride when it adds the windows' gradients back",
        (("last = self.stride * (n_out - 1) + 1", "last = n_out"), (": s + last : self.stride]", ": s + last]"))),
    Bug("08_mnist_classifier", "Scratch1dCNNClassifier.fit", "fit forgets to shuffle: mini-batches in data order",
        (("batches = GetMiniBatch(X, y, batch_size=self.batch_size, seed=self.seed)",
          "batches = [(X[i : i + self.batch_size], y[i : i + self.batch_size])\n"
          "           for i in range(0, len(X), self.batch_size)]"),)),
    Bug("08_mnist_classifier", "Scratch1dCNNClassifier.predict", "predict returns the probabilities, not the labels",
        (("return self.predict_proba(X).argmax(axis=1)", "return self.predict_proba(X)"),)),
)
