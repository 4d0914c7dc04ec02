"""Known wrong answers of this notebook's checks: when a check fails with one of them, the check names the
mistake that gives it.

Check name -> [(right answer, a mistake's answer, ((why, なぜ), ...))]. Generated from the course's catalogue of
mistakes (python -m autograde.build.visible_mistakes, run by make sync-given); do not edit.
"""

KNOWN_MISTAKES = {
    'forward(x)': [
        ([35.0, 50.0],
         [34.0, 49.0],
         (
             ('the bias B is not added',
              'バイアス B を足さなかった'),
         )),
        ([35.0, 50.0],
         [27.0, 42.0],
         (
             ('the filter is flipped (a convolution like np.convolve, not the cross-correlation)',
              'フィルタを反転した（相互相関ではなく np.convolve のような畳み込み）'),
         )),
        ([2.0],
         [1.0],
         (
             ('the last window is left out (N_out = N_in - F instead of N_in - F + 1)',
              '最後の窓を落とした（N_out = N_in − F + 1 ではなく N_in − F）'),
         )),
        ([35.0, 50.0],
         [35.0],
         (
             ('the last window is left out (N_out = N_in - F instead of N_in - F + 1)',
              '最後の窓を落とした（N_out = N_in − F + 1 ではなく N_in − F）'),
         )),
    ],
    'backward(dA)': [
        ([30.0, 110.0, 170.0, 140.0],
         [70.0, 190.0, 130.0, 60.0],
         (
             ('dX is computed with the filter flipped once more (np.convolve(dA, W[::-1]) is a correlation)',
              'dX をフィルタをもう一度反転して計算した（np.convolve(dA, W[::-1]) は相関です）'),
         )),
    ],
    'dX of backward with an optimizer': [
        ([30.0, 110.0, 170.0, 140.0],
         [70.0, 190.0, 130.0, 60.0],
         (
             ('dX is computed with the filter flipped once more (np.convolve(dA, W[::-1]) is a correlation)',
              'dX をフィルタをもう一度反転して計算した（np.convolve(dA, W[::-1]) は相関です）'),
         )),
        ([30.0, 110.0, 170.0, 140.0],
         [-220.0, -790.0, -1180.0, -960.0],
         (
             ('the optimizer updates W before dX is computed (dX then uses the new W)',
              'dX を求める前に optimizer が W を更新した（dX が更新後の W を使う）'),
         )),
    ],
    'calls of optimizer.update in backward': [
        (1.0,
         0.0,
         (
             ('backward does not call the optimizer (W and B stay as they were)',
              'backward が optimizer を呼ばなかった（W と B が変わらない）'),
         )),
    ],
    'layer.W after backward': [
        ([-22.0, -35.0, -48.0],
         [3.0, 5.0, 7.0],
         (
             ('backward does not call the optimizer (W and B stay as they were)',
              'backward が optimizer を呼ばなかった（W と B が変わらない）'),
         )),
    ],
    'layer.B after backward': [
        ([-14.0],
         [1.0],
         (
             ('backward does not call the optimizer (W and B stay as they were)',
              'backward が optimizer を呼ばなかった（W と B が変わらない）'),
         )),
    ],
    'forward(x) with N_in = 2 < F = 3': [
        ('raised ValueError',
         'returned',
         (
             ('the input is not checked (no ValueError for a 2-D x, for N_in < F or for a dA of the wrong shape)',
              '入力を確かめなかった（2次元の x、N_in < F、形状の違う dA で ValueError が出ない）'),
         )),
    ],
    'forward(x) with x of shape (2, 4)': [
        ('raised ValueError',
         'returned',
         (
             ('the input is not checked (no ValueError for a 2-D x, for N_in < F or for a dA of the wrong shape)',
              '入力を確かめなかった（2次元の x、N_in < F、形状の違う dA で ValueError が出ない）'),
         )),
    ],
    'backward(dA) with dA of shape (3,) after forward gave (2,)': [
        ('raised ValueError',
         'raised IndexError',
         (
             ('the input is not checked (no ValueError for a 2-D x, for N_in < F or for a dA of the wrong shape)',
              '入力を確かめなかった（2次元の x、N_in < F、形状の違う dA で ValueError が出ない）'),
         )),
    ],
}
