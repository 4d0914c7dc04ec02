"""Typical mistakes in notebook 01 (SimpleConv1d), as edits of the reference (autograde/problems/mistake.py)."""

from autograde.problems.mistake import Mistake

FORWARD = "return windows @ self.W + self.B[0]"
DX = 'dX = np.convolve(dA, self.W, mode="full")'
UPDATE_CALL = "            self.optimizer.update(self)"

LOOPS_WITHOUT_CHECKS = '''
class SimpleConv1d:
    """A student's SimpleConv1d: right loops, no input checks at all."""

    def __init__(self, W, B, optimizer=None):
        self.W, self.B = np.asarray(W, dtype=float), np.asarray(B, dtype=float).reshape(-1)
        self.optimizer = optimizer

    def forward(self, X):
        self.X, F = np.asarray(X, dtype=float), len(self.W)
        return np.array([np.sum(self.X[i : i + F] * self.W) + self.B[0] for i in range(len(self.X) - F + 1)])

    def backward(self, dA):
        F = len(self.W)
        self.dB = np.array([np.sum(dA)])
        self.dW = np.array([sum(dA[i] * self.X[i + s] for i in range(len(dA))) for s in range(F)])
        dX = np.zeros(len(self.X))
        for i in range(len(dA)):
            for s in range(F):
                dX[i + s] += dA[i] * self.W[s]
        if self.optimizer is not None:
            self.optimizer.update(self)
        return dX
'''

MISTAKES = (
    Mistake("forward forgets the bias", {"test_forward_values"}, ((FORWARD, "return windows @ self.W"),), demo=True),
    Mistake("forward flips the filter", {"test_forward_values"},
            ((FORWARD, "return windows @ self.W[::-1] + self.B[0]"),)),
    Mistake("forward drops the last window (N_out = N_in - F)", {"test_forward_shape", "test_forward_values"},
            ((FORWARD, "return windows[:-1] @ self.W + self.B[0]"),)),
    Mistake("forward returns the visible example's numbers", {"test_forward_shape", "test_forward_values"},
            ((FORWARD, "return np.array([35.0, 50.0])"),)),
    Mistake("dX without flipping the filter", {"test_backward_dX", "test_optimizer"},
            ((DX, 'dX = np.convolve(dA, self.W[::-1], mode="full")'),)),
    Mistake("the optimizer updates W before dX is computed", {"test_optimizer"},
            ((f"{DX}\n        if self.optimizer is not None:\n{UPDATE_CALL}",
              f"if self.optimizer is not None:\n{UPDATE_CALL}\n        {DX}"),)),
    Mistake("backward never calls the optimizer", {"test_optimizer"}, ((UPDATE_CALL, "            pass"),)),
    Mistake("right loops, no input checks", {"test_errors"}, replaces=LOOPS_WITHOUT_CHECKS),
)
