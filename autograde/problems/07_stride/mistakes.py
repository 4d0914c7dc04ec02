"""Typical mistakes in notebook 07 (stride), as edits of the reference (autograde/problems/mistake.py)."""

from autograde.problems.mistake import Mistake

MISTAKES = (
    Mistake("backward ignores the stride when it adds the windows' gradients back",
            {"test_stride_backward_dX", "test_combined_backward"},
            (("dXp[:, :, s : s + S * (n_out - 1) + 1 : S]", "dXp[:, :, s : s + n_out]"),),
            demo=True),
    Mistake("forward takes consecutive windows (stride ignored), output length right",
            {"test_stride_forward_values", "test_stride_backward_dW", "test_combined_forward",
             "test_combined_backward"},
            (("sliding_window_view(Xp, F, axis=2)[:, :, : S * (n_out - 1) + 1 : S]",
              "sliding_window_view(Xp, F, axis=2)[:, :, :n_out]"),)),
    Mistake("'same' with a stride > 1 is not rejected", {"test_errors"},
            (("if self.stride != 1 or F % 2 == 0:", "if F % 2 == 0:"),)),
    Mistake("output_size accepts stride 0 and negative strides", {"test_output_size"},
            (('    stride = check_int("stride", stride, 1)', "    stride = max(int(stride), 1)"),)),
)
