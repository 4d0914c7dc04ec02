"""Typical mistakes in notebook 03 (the sprint's toy example), as edits of the reference
(autograde/problems/mistake.py)."""

from autograde.problems.mistake import Mistake

# what each grade cell's hidden test looks at: "your <result> equals what you get when <Mistake.why>"
RESULTS = {
    "test_toy_a": ('toy_check()["a"]', 'toy_check()["a"]'),
    "test_toy_dB": ('toy_check()["dB"]', 'toy_check()["dB"]'),
    "test_toy_dW": ('toy_check()["dW"]', 'toy_check()["dW"]'),
    "test_toy_dX": ('toy_check()["dX"]', 'toy_check()["dX"]'),
    "test_gradient_check": ("SimpleConv1d (forward, dX, dW, dB)", "SimpleConv1d（forward, dX, dW, dB）"),
}

MISTAKES = (
    Mistake("backward computes dX without flipping the filter (np.convolve flips it once more)",
            {"test_toy_dX", "test_gradient_check"},
            (('dX = np.convolve(dA, self.W, mode="full")', 'dX = np.convolve(dA, self.W[::-1], mode="full")'),),
            demo=True,
            why=("dX is computed with the filter flipped once more (np.convolve(dA, W[::-1]) is a correlation)",
                 "dX をフィルタをもう一度反転して計算した（np.convolve(dA, W[::-1]) は相関です）"),
            fix=("dX[j] = sum_s dA[j-s] W[s], the full convolution of dA with W itself: np.convolve(dA, W, "
                 "mode='full'); the gradient check then agrees.",
                 "dX[j] = Σ_s dA[j−s] W[s]、dA と W そのものの full 畳み込みです：np.convolve(dA, W, mode='full')。"
                 "勾配チェックも一致します。")),
    Mistake("forward forgets the bias", {"test_toy_a", "test_gradient_check"},
            (("return windows @ self.W + self.B[0]", "return windows @ self.W"),),
            why=("forward does not add the bias B", "forward でバイアス B を足さなかった"),
            fix=("add B to every output: a[i] = sum_s x[i+s] W[s] + B[0].",
                 "すべての出力に B を足します：a[i] = Σ_s x[i+s] W[s] + B[0]。")),
    Mistake("toy_check returns the sprint's numbers", {"test_toy_a", "test_toy_dB", "test_toy_dW", "test_toy_dX"},
            (('return {"a": a, "dB": layer.dB, "dW": layer.dW, "dX": dX}',
              'return {"a": np.array([35.0, 50.0]), "dB": np.array([30.0]), "dW": np.array([50.0, 80.0, 110.0]),'
              ' "dX": np.array([30.0, 110.0, 170.0, 140.0])}'),),
            why=("toy_check returns the sprint's numbers whatever its arguments",
                 "引数に関係なくスプリントの例の答えを返した"),
            fix=("run your SimpleConv1d on the x, w, b and dA toy_check is given and return what it computes.",
                 "toy_check に渡された x, w, b, dA で SimpleConv1d を動かし、その結果を返します。")),
)
