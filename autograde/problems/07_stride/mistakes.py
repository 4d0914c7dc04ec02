"""Typical mistakes in notebook 07 (stride), as edits of the reference (autograde/problems/mistake.py)."""

from autograde.problems.mistake import Mistake

# what each grade cell's hidden test looks at: "your <result> equals what you get when <Mistake.why>"
RESULTS = {
    "test_output_size": ("output_size", "output_size"),
    "test_stride_forward_shape": ("forward output's shape with a stride", "ストライドありの forward の出力の形状"),
    "test_stride_forward_values": ("forward output with a stride", "ストライドありの forward の出力"),
    "test_stride_backward_dX": ("dX with a stride", "ストライドありの dX"),
    "test_stride_backward_dW": ("dW with a stride", "ストライドありの dW"),
    "test_stride_backward_dB": ("dB with a stride", "ストライドありの dB"),
    "test_errors": ("answer to an invalid stride or padding", "不正な stride や padding への反応"),
    "test_combined_forward": ("forward output with padding and a stride",
                              "パディングとストライドありの forward の出力"),
    "test_combined_backward": ("dX, dW and dB with padding and a stride", "パディングとストライドありの dX, dW, dB"),
}

MISTAKES = (
    Mistake("backward ignores the stride when it adds the windows' gradients back",
            {"test_stride_backward_dX", "test_combined_backward"},
            (("dXp[:, :, s : s + S * (n_out - 1) + 1 : S]", "dXp[:, :, s : s + n_out]"),),
            demo=True,
            why=("the stride is ignored in backward (window i's gradient goes to x[i + s], not x[i*S + s])",
                 "逆伝播でストライドを無視した（窓 i の勾配を x[i*S + s] ではなく x[i + s] に足した）"),
            fix=("add dA[i] * W[s] into dX[i*S + s], not dX[i + s]: the windows of forward start at i*S.",
                 "dA[i] * W[s] は dX[i + s] ではなく dX[i*S + s] に足します。順伝播の窓は i*S から始まります。")),
    Mistake("forward takes consecutive windows (stride ignored), output length right",
            {"test_stride_forward_values", "test_stride_backward_dW", "test_combined_forward",
             "test_combined_backward"},
            (("sliding_window_view(Xp, F, axis=2)[:, :, : S * (n_out - 1) + 1 : S]",
              "sliding_window_view(Xp, F, axis=2)[:, :, :n_out]"),),
            why=("forward takes the first N_out consecutive windows (window i starts at i, not at i*S)",
                 "順伝播で連続する最初の N_out 個の窓をとった（窓 i の始まりが i*S ではなく i）"),
            fix=("window i starts at i*S: a[i] = sum_s x[i*S + s] W[s] + B; the windows forward keeps for dW must "
                 "be these.",
                 "窓 i は i*S から始まります：a[i] = Σ_s x[i*S + s] W[s] + B。dW に使う窓も同じものです。")),
    Mistake("'same' with a stride > 1 is not rejected", {"test_errors"},
            (("if self.stride != 1 or F % 2 == 0:", "if F % 2 == 0:"),),
            why=("padding='same' is accepted with a stride > 1", "stride > 1 でも padding='same' を受け付けた"),
            fix=("raise ValueError for padding='same' unless stride == 1 (N_out == N_in is impossible otherwise).",
                 "stride == 1 でなければ padding='same' に ValueError を出します（N_out == N_in にできません）。")),
    Mistake("output_size accepts stride 0 and negative strides", {"test_output_size"},
            (('    stride = check_int("stride", stride, 1)', "    stride = max(int(stride), 1)"),),
            why=("a stride <= 0 is turned into 1 instead of rejected", "0 以下のストライドを拒まずに 1 に直した"),
            fix=("raise ValueError when the stride is not an int >= 1, naming the value.",
                 "ストライドが 1 以上の int でなければ、値を書いた ValueError を出します。")),
)
