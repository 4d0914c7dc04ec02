"""Known wrong answers of this notebook's checks: when a check fails with one of them, the check names the
mistake that gives it.

Check name -> [(right answer, a mistake's answer, ((why, なぜ), ...))]. Generated from the course's catalogue of
mistakes (python -m autograde.build.visible_mistakes, run by make sync-given); do not edit.
"""

KNOWN_MISTAKES = {
    'toy_check()["dX"]': [
        ([30.0, 110.0, 170.0, 140.0],
         [70.0, 190.0, 130.0, 60.0],
         (
             ('dX is computed with the filter flipped once more (np.convolve(dA, W[::-1]) is a correlation)',
              'dX をフィルタをもう一度反転して計算した（np.convolve(dA, W[::-1]) は相関です）'),
         )),
    ],
    'toy_check()["a"]': [
        ([35.0, 50.0],
         [34.0, 49.0],
         (
             ('forward does not add the bias B',
              'forward でバイアス B を足さなかった'),
         )),
    ],
}
