"""Typical mistakes in notebook 04 (Conv1d with channels), as edits of the reference
(autograde/problems/mistake.py)."""

from autograde.problems.mistake import LAYER_RESULTS, OPTIMIZER_NEVER_CALLED, Mistake

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

# what each grade cell's hidden test looks at: "your <result> equals what you get when <Mistake.why>"
RESULTS = LAYER_RESULTS

MISTAKES = (
    # the optimizer cell then updates B with a dB of the wrong shape
    Mistake("dB sums over the output channels instead of the positions", {"test_backward_dB", "test_optimizer"},
            (("self.dB = dA3.sum(axis=(0, 2))", "self.dB = dA3.sum(axis=(0, 1))"),), demo=True,
            why=("dB sums dA over the output channels instead of over the positions (shape (N_out,), not (C_out,))",
                 "dB で dA を位置ではなく出力チャンネルについて足した（形状が (C_out,) ではなく (N_out,)）"),
            fix=("dB[o] = sum_i dA[o, i]: one value per output channel, dA.sum(axis=1) for dA of shape "
                 "(C_out, N_out).",
                 "dB[o] = Σ_i dA[o, i]：出力チャンネルごとに1つです。形状 (C_out, N_out) の dA なら dA.sum(axis=1)。")),
    Mistake("forward flips the filter", {"test_forward_values"},
            (('"bcis,ocs->boi", self.windows, self.W,', '"bcis,ocs->boi", self.windows, self.W[:, :, ::-1],'),),
            why=("the filters are flipped along F (a convolution, not the cross-correlation)",
                 "フィルタを F の向きに反転した（相互相関ではなく畳み込み）"),
            fix=("A[o, i] = sum_c sum_s X[c, i+s] W[o, c, s] + B[o]: use W[o, c, s] as it is.",
                 "A[o, i] = Σ_c Σ_s X[c, i+s] W[o, c, s] + B[o]：W[o, c, s] は反転せずに使います。")),
    Mistake("forward forgets the bias", {"test_forward_values"},
            (("A = A + self.B[:, np.newaxis]", "A = A + 0.0"),),
            why=("the biases B are not added", "バイアス B を足さなかった"),
            fix=("add B[o] to every position of output channel o: A + B[:, np.newaxis].",
                 "出力チャンネル o のすべての位置に B[o] を足します：A + B[:, np.newaxis]。")),
    Mistake("forward returns the visible example's numbers",
            {"test_forward_shape", "test_forward_values", "test_errors"},
            (("return A[0] if self.single else A", "return np.array([[16.0, 22.0], [17.0, 23.0], [18.0, 24.0]])"),),
            why=("forward returns the example's answer whatever the input", "入力に関係なく例の答えを返した"),
            fix=("compute A from X, W and B: the hidden tests use other shapes and values.",
                 "X, W, B から A を計算します。隠しテストは別の形状と値を使います。")),
    Mistake("dW with the C_in and F axes swapped", {"test_backward_dW", "test_optimizer"},
            (('self.dW = np.einsum("boi,bcis->ocs", dA3, self.windows, optimize=True)',
              'self.dW = np.einsum("boi,bcis->osc", dA3, self.windows, optimize=True).reshape(self.W.shape)'),),
            why=("dW is computed as (C_out, F, C_in) and reshaped to W's shape (the C_in and F axes mixed up)",
                 "dW を (C_out, F, C_in) で求めて W の形状に reshape した（C_in と F の軸が入れ替わる）"),
            fix=("dW[o, c, s] = sum_i dA[o, i] X[c, i+s]: build it in the order (C_out, C_in, F); reshape never "
                 "moves axes (use transpose if you must).",
                 "dW[o, c, s] = Σ_i dA[o, i] X[c, i+s]：(C_out, C_in, F) の順に作ります。reshape は軸を入れ替えません"
                 "（必要なら transpose）。")),
    Mistake("backward never calls the optimizer", {"test_optimizer"}, ((UPDATE_CALL, "            pass"),),
            **OPTIMIZER_NEVER_CALLED),
    Mistake("B is only checked to be 1-D", {"test_errors"},
            (("if self.B.shape != (self.W.shape[0],):", "if self.B.ndim != 1:"),),
            why=("B is only checked to be 1-D (a B of the wrong length is accepted)",
                 "B が1次元かどうかしか確かめなかった（長さの違う B を受け付ける）"),
            fix=("raise ValueError unless B.shape == (C_out,), with both shapes in the message.",
                 "B.shape == (C_out,) でなければ、両方の形状を書いた ValueError を出します。")),
    Mistake("right loops, no input checks", {"test_errors"}, replaces=LOOPS_WITHOUT_CHECKS,
            why=("the shapes are not checked (no ValueError for W, B or X of the wrong shape)",
                 "形状を確かめなかった（形状の違う W, B, X で ValueError が出ない）"),
            fix=("raise ValueError, with the shapes in the message, when W is not 3-D (C_out, C_in, F), when B is "
                 "not (C_out,), and when X does not have C_in channels.",
                 "W が3次元 (C_out, C_in, F) でないとき、B が (C_out,) でないとき、X のチャンネル数が C_in で"
                 "ないときに、形状を書いた ValueError を出します。")),
)
