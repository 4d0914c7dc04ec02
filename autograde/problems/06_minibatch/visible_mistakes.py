"""Known wrong answers of this notebook's checks: when a check fails with one of them, the check names the
mistake that gives it.

Check name -> [(right answer, a mistake's answer, ((why, なぜ), ...))]. Generated from the course's catalogue of
mistakes (python -m autograde.build.visible_mistakes, run by make sync-given); do not edit.
"""

KNOWN_MISTAKES = {
    'layer.dB': [
        ([5.0, 1.0, 5.0],
         [1.25, 0.25, 1.25],
         (
             ('dB averages dA over the samples and positions instead of summing',
              'dB でサンプルと位置について dA の和ではなく平均をとった'),
         )),
    ],
    'layer.dW': [
        ([[[13.0, 14.0, 15.0], [8.0, 13.0, 14.0]], [[5.0, 2.0, -1.0], [-2.0, -3.0, -6.0]],
          [[7.0, 10.0, 13.0], [11.0, 12.0, 15.0]]],
         [[[6.5, 7.0, 7.5], [4.0, 6.5, 7.0]], [[2.5, 1.0, -0.5], [-1.0, -1.5, -3.0]],
          [[3.5, 5.0, 6.5], [5.5, 6.0, 7.5]]],
         (
             ('dW is divided by the batch size (the mean over the samples, not the sum)',
              'dW をバッチサイズで割った（サンプルについての和ではなく平均）'),
         )),
    ],
    'Conv1d(w2, b).forward(x2)': [
        ([[4.0, 1.0], [12.0, 11.0], [5.0, 2.0]],
         [[[4.0, 1.0], [12.0, 11.0], [5.0, 2.0]]],
         (
             ('one sample X (C_in, N_in) comes back as a batch of one (1, C_out, N_out)',
              '1サンプルの X (C_in, N_in) に対してバッチ1つ分 (1, C_out, N_out) を返した'),
         )),
    ],
    'forward(x[0]) (1-D)': [
        ('raised ValueError',
         'raised TypeError',
         (
             ('an X of the wrong number of dimensions raises TypeError',
              '次元数の違う X で TypeError を出した'),
         )),
    ],
    'forward(X[np.newaxis]) (4-D)': [
        ('raised ValueError',
         'raised TypeError',
         (
             ('an X of the wrong number of dimensions raises TypeError',
              '次元数の違う X で TypeError を出した'),
         )),
    ],
}
