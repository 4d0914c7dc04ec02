"""Known wrong answers of this notebook's checks: when a check fails with one of them, the check names the
mistake that gives it.

Check name -> [(right answer, a mistake's answer, ((why, なぜ), ...))]. Generated from the course's catalogue of
mistakes (python -m autograde.build.visible_mistakes, run by make sync-given); do not edit.
"""

KNOWN_MISTAKES = {
    'predict(X_test[:37])': [
        ([37.0],
         [37.0, 10.0],
         (
             ("predict returns predict_proba's probabilities (n, n_classes)",
              'predict が predict_proba の確率 (n, n_classes) を返した'),
         )),
    ],
    'fit(X, y) with a label 10': [
        ('raised ValueError',
         'raised IndexError',
         (
             ('fit does not check the labels',
              'fit でラベルを確かめなかった'),
         )),
    ],
    'fit(X, y) with a label -1': [
        ('raised ValueError',
         'returned',
         (
             ('fit does not check the labels',
              'fit でラベルを確かめなかった'),
         )),
    ],
    'dX with an optimizer': [
        ([[[4.0, 4.0, -2.0, -1.0], [2.0, 7.0, 0.0, -2.0]], [[2.0, 0.0, 1.0, 3.0], [-1.0, -1.0, 3.0, 1.0]]],
         [[[-0.5, 1.6, -8.1, -5.9], [-1.9, 5.3, -5.6, -7.2]], [[0.7, -4.0, -3.5, 1.6], [-1.6, -4.6, -1.6, 0.6]]],
         (
             ('the optimizer updates W before dX is computed (dX then uses the new W)',
              'dX を求める前に optimizer が W を更新した（dX が更新後の W を使う）'),
         )),
    ],
}
