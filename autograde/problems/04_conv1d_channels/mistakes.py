"""Typical mistakes in notebook 04 (Conv1d with channels), as edits of the reference
(autograde/problems/mistake.py)."""

from autograde.problems.mistake import Mistake

UPDATE_CALL = "            self.optimizer.update(self)"

LOOPS_WITHOUT_CHECKS = '''
class Conv1d:
    """A student's Conv1d: right loops, no input checks at all."""

    def __init__(self, W, B, optimizer=None):
        self.W, self.B, self.optimizer = np.asarray(W, dtype=float), np.asarray(B, dtype=float), optimizer

    def forward(self, X):
        self.X = np.asarray(X, dtype=float)
        c_out, _, F = self.W.shape
        return np.array([[np.sum(self.X[:, i : i + F] * self.W[o]) + self.B[o]
                          for i in range(self.X.shape[1] - F + 1)] for o in range(c_out)])

    def backward(self, dA):
        c_out, _, F = self.W.shape
        self.dB, self.dW, dX = dA.sum(axis=1), np.zeros_like(self.W), np.zeros_like(self.X)
        for o in range(c_out):
            for i in range(dA.shape[1]):
                self.dW[o] += dA[o, i] * self.X[:, i : i + F]
                dX[:, i : i + F] += dA[o, i] * self.W[o]
        if self.optimizer is not None:
            self.optimizer.update(self)
        return dX
'''

MISTAKES = (
    # the optimizer cell then updates B with a dB of the wrong shape
    Mistake("dB sums over the output channels instead of the positions", {"test_backward_dB", "test_optimizer"},
            (("self.dB = dA3.sum(axis=(0, 2))", "self.dB = dA3.sum(axis=(0, 1))"),), demo=True),
    Mistake("forward flips the filter", {"test_forward_values"},
            (('"bcis,ocs->boi", self.windows, self.W,', '"bcis,ocs->boi", self.windows, self.W[:, :, ::-1],'),)),
    Mistake("forward forgets the bias", {"test_forward_values"},
            (("A = A + self.B[:, np.newaxis]", "A = A + 0.0"),)),
    Mistake("forward returns the visible example's numbers",
            {"test_forward_shape", "test_forward_values", "test_errors"},
            (("return A[0] if self.single else A", "return np.array([[16.0, 22.0], [17.0, 23.0], [18.0, 24.0]])"),)),
    Mistake("dW with the C_in and F axes swapped", {"test_backward_dW", "test_optimizer"},
            (('self.dW = np.einsum("boi,bcis->ocs", dA3, self.windows, optimize=True)',
              'self.dW = np.einsum("boi,bcis->osc", dA3, self.windows, optimize=True).reshape(self.W.shape)'),)),
    Mistake("backward never calls the optimizer", {"test_optimizer"}, ((UPDATE_CALL, "            pass"),)),
    Mistake("B is only checked to be 1-D", {"test_errors"},
            (("if self.B.shape != (self.W.shape[0],):", "if self.B.ndim != 1:"),)),
    Mistake("right loops, no input checks", {"test_errors"}, replaces=LOOPS_WITHOUT_CHECKS),
)
