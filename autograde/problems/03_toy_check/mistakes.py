"""Typical mistakes in notebook 03 (the sprint's toy example), as edits of the reference
(autograde/problems/mistake.py)."""

from autograde.problems.mistake import Mistake

MISTAKES = (
    Mistake("backward computes dX without flipping the filter (np.convolve flips it once more)",
            {"test_toy_dX", "test_gradient_check"},
            (('dX = np.convolve(dA, self.W, mode="full")', 'dX = np.convolve(dA, self.W[::-1], mode="full")'),),
            demo=True),
    Mistake("forward forgets the bias", {"test_toy_a", "test_gradient_check"},
            (("return windows @ self.W + self.B[0]", "return windows @ self.W"),)),
    Mistake("toy_check returns the sprint's numbers", {"test_toy_a", "test_toy_dB", "test_toy_dW", "test_toy_dX"},
            (('return {"a": a, "dB": layer.dB, "dW": layer.dW, "dX": dX}',
              'return {"a": np.array([35.0, 50.0]), "dB": np.array([30.0]), "dW": np.array([50.0, 80.0, 110.0]),'
              ' "dX": np.array([30.0, 110.0, 170.0, 140.0])}'),)),
)
