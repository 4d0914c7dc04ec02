"""Typical mistakes in notebook 01 (SimpleConv1d), as edits of the reference (autograde/problems/mistake.py)."""

from autograde.problems.mistake import LAYER_RESULTS, OPTIMIZER_BEFORE_DX, OPTIMIZER_NEVER_CALLED, Mistake

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

# what each grade cell's hidden test looks at: "your <result> equals what you get when <Mistake.why>"
RESULTS = LAYER_RESULTS

MISTAKES = (
    Mistake("forward forgets the bias", {"test_forward_values"}, ((FORWARD, "return windows @ self.W"),), demo=True,
            why=("the bias B is not added", "バイアス B を足さなかった"),
            fix=("add B to every output: a[i] = sum_s x[i+s] W[s] + B[0].",
                 "すべての出力に B を足します：a[i] = Σ_s x[i+s] W[s] + B[0]。")),
    Mistake("forward flips the filter", {"test_forward_values"},
            ((FORWARD, "return windows @ self.W[::-1] + self.B[0]"),),
            why=("the filter is flipped (a convolution like np.convolve, not the cross-correlation)",
                 "フィルタを反転した（相互相関ではなく np.convolve のような畳み込み）"),
            fix=("use W as it is: a[i] = sum_s x[i+s] W[s] + B; np.convolve flips W, np.correlate does not.",
                 "W は反転せずに使います：a[i] = Σ_s x[i+s] W[s] + B。np.convolve は W を反転し、"
                 "np.correlate は反転しません。")),
    Mistake("forward drops the last window (N_out = N_in - F)", {"test_forward_shape", "test_forward_values"},
            ((FORWARD, "return windows[:-1] @ self.W + self.B[0]"),),
            why=("the last window is left out (N_out = N_in - F instead of N_in - F + 1)",
                 "最後の窓を落とした（N_out = N_in − F + 1 ではなく N_in − F）"),
            fix=("let i run over range(N_in - F + 1): the last window starts at N_in - F.",
                 "i は range(N_in − F + 1) を動きます。最後の窓は N_in − F から始まります。")),
    Mistake("forward returns the visible example's numbers", {"test_forward_shape", "test_forward_values"},
            ((FORWARD, "return np.array([35.0, 50.0])"),),
            why=("forward returns the example's answer [35, 50] whatever the input",
                 "入力に関係なく例の答え [35, 50] を返した"),
            fix=("compute a from x, W and B: the hidden tests use other inputs.",
                 "x, W, B から a を計算します。隠しテストは別の入力を使います。")),
    Mistake("dX without flipping the filter", {"test_backward_dX", "test_optimizer"},
            ((DX, 'dX = np.convolve(dA, self.W[::-1], mode="full")'),),
            why=("dX is computed with the filter flipped once more (np.convolve(dA, W[::-1]) is a correlation)",
                 "dX をフィルタをもう一度反転して計算した（np.convolve(dA, W[::-1]) は相関です）"),
            fix=("dX[j] = sum_s dA[j-s] W[s], the full convolution of dA with W itself: np.convolve(dA, W, "
                 "mode='full').",
                 "dX[j] = Σ_s dA[j−s] W[s]、dA と W そのものの full 畳み込みです：np.convolve(dA, W, mode='full')。")),
    Mistake("the optimizer updates W before dX is computed", {"test_optimizer"},
            ((f"{DX}\n        if self.optimizer is not None:\n{UPDATE_CALL}",
              f"if self.optimizer is not None:\n{UPDATE_CALL}\n        {DX}"),),
            **OPTIMIZER_BEFORE_DX),
    Mistake("backward never calls the optimizer", {"test_optimizer"}, ((UPDATE_CALL, "            pass"),),
            **OPTIMIZER_NEVER_CALLED),
    Mistake("right loops, no input checks", {"test_errors"}, replaces=LOOPS_WITHOUT_CHECKS,
            why=("the input is not checked (no ValueError for a 2-D x, for N_in < F or for a dA of the wrong shape)",
                 "入力を確かめなかった（2次元の x、N_in < F、形状の違う dA で ValueError が出ない）"),
            fix=("raise ValueError, with the shapes in the message, when x is not 1-D, when len(x) < F, and in "
                 "backward when dA's shape differs from forward's output.",
                 "x が1次元でないとき、len(x) < F のとき、backward で dA の形状が forward の出力と違うときに、"
                 "形状を書いた ValueError を出します。")),
)
