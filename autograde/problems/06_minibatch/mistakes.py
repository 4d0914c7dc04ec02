"""Typical mistakes in notebook 06 (mini-batches), as edits of the reference (autograde/problems/mistake.py)."""

from autograde.problems.mistake import Mistake

# what each grade cell's hidden test looks at: "your <result> equals what you get when <Mistake.why>"
RESULTS = {
    "test_output_size": ("output_size", "output_size"),
    "test_batch_forward_shape": ("forward output's shape on a batch", "バッチでの forward の出力の形状"),
    "test_batch_forward_values": ("forward output on a batch", "バッチでの forward の出力"),
    "test_single_sample": ("forward and dX on one sample (C_in, N_in)", "1サンプル (C_in, N_in) での forward と dX"),
    "test_batch_backward_dX": ("dX on a batch", "バッチでの dX"),
    "test_batch_backward_dW": ("dW on a batch", "バッチでの dW"),
    "test_batch_backward_dB": ("dB on a batch", "バッチでの dB"),
    "test_errors": ("answer to an X of the wrong shape", "形状の違う X への反応"),
}

MISTAKES = (
    Mistake("dB averages over the batch and positions instead of summing", {"test_batch_backward_dB"},
            (("self.dB = dA3.sum(axis=(0, 2))", "self.dB = dA3.mean(axis=(0, 2))"),), demo=True,
            why=("dB averages dA over the samples and positions instead of summing",
                 "dB でサンプルと位置について dA の和ではなく平均をとった"),
            fix=("dB[o] = sum_n sum_i dA[n, o, i]: dA.sum(axis=(0, 2)), not mean.",
                 "dB[o] = Σ_n Σ_i dA[n, o, i]：mean ではなく dA.sum(axis=(0, 2)) です。")),
    Mistake("dW is the mean over the batch, not the sum", {"test_batch_backward_dW"},
            (("dA3, self.windows, optimize=True)", "dA3, self.windows, optimize=True) / batch"),),
            why=("dW is divided by the batch size (the mean over the samples, not the sum)",
                 "dW をバッチサイズで割った（サンプルについての和ではなく平均）"),
            fix=("dW is the sum over the samples of each sample's dW: do not divide by the batch size.",
                 "dW は各サンプルの dW のサンプルについての和です。バッチサイズで割りません。")),
    Mistake("one sample comes back as a batch of one", {"test_single_sample"},
            (("return A[0] if self.single else A", "return A"),),
            why=("one sample X (C_in, N_in) comes back as a batch of one (1, C_out, N_out)",
                 "1サンプルの X (C_in, N_in) に対してバッチ1つ分 (1, C_out, N_out) を返した"),
            fix=("remember whether X was 2-D and return A[0] (and dX[0] in backward) for one sample.",
                 "X が2次元だったかを覚えておき、1サンプルなら A[0]（backward では dX[0]）を返します。")),
    Mistake("a wrong ndim raises TypeError, not ValueError", {"test_errors"},
            (('raise ValueError(f"X must have shape', 'raise TypeError(f"X must have shape'),),
            why=("an X of the wrong number of dimensions raises TypeError", "次元数の違う X で TypeError を出した"),
            fix=("a wrong shape is a wrong value: raise ValueError, with the shape in the message.",
                 "形状の誤りは値の誤りです。形状を書いた ValueError を出します。")),
    Mistake("output_size forgets the stride (the visible test uses stride 1)", {"test_output_size"},
            (("return (padded - filter_size) // stride + 1", "return padded - filter_size + 1"),),
            why=("output_size ignores the stride (N_in + 2P - F + 1)",
                 "output_size でストライドを無視した（N_in + 2P − F + 1）"),
            fix=("divide by the stride, rounding down, before adding 1: (N_in + 2P - F) // S + 1.",
                 "1 を足す前にストライドで割って切り捨てます：(N_in + 2P − F) // S + 1。")),
)
