"""Typical mistakes in notebook 05 (padding), as edits of the reference (autograde/problems/mistake.py)."""

from autograde.problems.mistake import Mistake

HARD_CODED_OUTPUT_SIZE = '''
def output_size(n_in, filter_size, padding=0, stride=1):
    """Passes notebook 05's visible test by returning its numbers."""
    return {(4, 3, 1): 4, (4, 3, 2): 6, (28, 5, 2): 28, (2, 5, 2): 2}.get((n_in, filter_size, padding), 1)
'''

MISTAKES = (
    # Conv1d's output length and everything after it are wrong; only the invalid-padding errors still pass
    Mistake("output_size pads one side only (P instead of 2*P)",
            {"test_output_size", "test_forward_shape", "test_forward_values", "test_same", "test_backward_dX",
             "test_backward_dW", "test_backward_dB"},
            (("padded = n_in + 2 * padding", "padded = n_in + padding"),), demo=True),
    Mistake("forward puts all 2P zeros on the left", {"test_forward_values", "test_same", "test_backward_dW"},
            (("Xp = np.pad(X3, ((0, 0), (0, 0), (P, P)))", "Xp = np.pad(X3, ((0, 0), (0, 0), (2 * P, 0)))"),)),
    Mistake("backward cuts 2P values off the start of dX instead of P off each end", {"test_backward_dX"},
            (("dX = dXp[:, :, P : P + self.n_in]", "dX = dXp[:, :, 2 * P :]"),)),
    Mistake("'same' is taken as no padding", {"test_same"}, (("padding = (F - 1) // 2", "padding = 0"),)),
    Mistake("negative or fractional padding is not rejected", {"test_errors"},
            (('self.padding = check_int("padding", padding, 0)', "self.padding = max(int(padding), 0)"),)),
    Mistake("output_size returns the visible example's numbers", {"test_output_size"},
            replaces=HARD_CODED_OUTPUT_SIZE),
)
