"""Typical mistakes in notebook 05 (padding), as edits of the reference (autograde/problems/mistake.py)."""

from autograde.problems.mistake import Mistake

HARD_CODED_OUTPUT_SIZE = '''
def output_size(n_in, filter_size, padding=0, stride=1):
    """Passes notebook 05's visible test by returning its numbers."""
    return {(4, 3, 1): 4, (4, 3, 2): 6, (28, 5, 2): 28, (2, 5, 2): 2}.get((n_in, filter_size, padding), 1)
'''

# what each grade cell's hidden test looks at: "your <result> equals what you get when <Mistake.why>"
RESULTS = {
    "test_output_size": ("output_size with padding", "パディングありの output_size"),
    "test_forward_shape": ("forward output's shape", "forward の出力の形状"),
    "test_forward_values": ("forward output with padding", "パディングありの forward の出力"),
    "test_same": ("output with padding='same'", "padding='same' の出力"),
    "test_backward_dX": ("dX with padding", "パディングありの dX"),
    "test_backward_dW": ("dW with padding", "パディングありの dW"),
    "test_backward_dB": ("dB with padding", "パディングありの dB"),
    "test_errors": ("answer to an invalid padding", "不正な padding への反応"),
}

MISTAKES = (
    # Conv1d's output length and everything after it are wrong; only the invalid-padding errors still pass
    Mistake("output_size pads one side only (P instead of 2*P)",
            {"test_output_size", "test_forward_shape", "test_forward_values", "test_same", "test_backward_dX",
             "test_backward_dW", "test_backward_dB"},
            (("padded = n_in + 2 * padding", "padded = n_in + padding"),), demo=True,
            why=("output_size adds the padding on one side only (N_in + P instead of N_in + 2P)",
                 "output_size でパディングを片側にしか足さなかった（N_in + 2P ではなく N_in + P）"),
            fix=("P zeros go on each side: N_out = (N_in + 2P - F) // S + 1.",
                 "0 は両側に P 個ずつ入ります：N_out = (N_in + 2P − F) // S + 1。")),
    Mistake("forward puts all 2P zeros on the left", {"test_forward_values", "test_same", "test_backward_dW"},
            (("Xp = np.pad(X3, ((0, 0), (0, 0), (P, P)))", "Xp = np.pad(X3, ((0, 0), (0, 0), (2 * P, 0)))"),),
            why=("all 2P zeros are put before the input (none after it)",
                 "2P 個の 0 をすべて入力の前に置いた（後ろに置かない）"),
            fix=("pad P zeros at each end: np.pad(X, ((0, 0), (P, P))) for X of shape (C_in, N_in).",
                 "両端に P 個ずつ 0 を足します：形状 (C_in, N_in) の X なら np.pad(X, ((0, 0), (P, P)))。")),
    Mistake("backward cuts 2P values off the start of dX instead of P off each end", {"test_backward_dX"},
            (("dX = dXp[:, :, P : P + self.n_in]", "dX = dXp[:, :, 2 * P :]"),),
            why=("the padded gradient loses 2P values at its start instead of P at each end",
                 "パディング後の勾配の先頭から 2P 個を切り落とした（両端から P 個ずつではなく）"),
            fix=("the padding's gradient is dropped at both ends: dX = dXp[..., P : P + N_in].",
                 "パディング部分の勾配は両端で捨てます：dX = dXp[..., P : P + N_in]。")),
    Mistake("'same' is taken as no padding", {"test_same"}, (("padding = (F - 1) // 2", "padding = 0"),),
            why=("padding='same' is taken as no padding", "padding='same' をパディングなしとして扱った"),
            fix=("'same' means P = (F - 1) // 2 (F odd), so that N_out == N_in.",
                 "'same' は P = (F − 1) // 2（F は奇数）で、N_out == N_in になります。")),
    Mistake("negative or fractional padding is not rejected", {"test_errors"},
            (('self.padding = check_int("padding", padding, 0)', "self.padding = max(int(padding), 0)"),),
            why=("a negative or fractional padding is turned into an integer >= 0 instead of rejected",
                 "負の padding や小数の padding を拒まずに 0 以上の整数に直した"),
            fix=("raise ValueError unless padding is an int >= 0 or 'same' (with an odd F).",
                 "padding が 0 以上の int か 'same'（F が奇数）でなければ ValueError を出します。")),
    Mistake("output_size returns the visible example's numbers", {"test_output_size"},
            replaces=HARD_CODED_OUTPUT_SIZE,
            why=("output_size returns the visible test's numbers instead of computing them",
                 "output_size が計算せずに可視テストの答えを返した"),
            fix=("compute N_out = (N_in + 2P - F) // S + 1 from the arguments.",
                 "引数から N_out = (N_in + 2P − F) // S + 1 を計算します。")),
)
