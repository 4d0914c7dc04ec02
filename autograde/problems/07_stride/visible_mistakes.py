"""Known wrong answers of this notebook's checks: when a check fails with one of them, the check names the
mistake that gives it.

Check name -> [(right answer, a mistake's answer, ((why, なぜ), ...))]. Generated from the course's catalogue of
mistakes (python -m autograde.build.visible_mistakes, run by make sync-given); do not edit.
"""

KNOWN_MISTAKES = {
    'dX (stride=2)': [
        ([[-1.0, -1.0, 3.0, 0.0, 4.0, 2.0, -2.0], [-3.0, 2.0, 5.0, 2.0, 4.0, 1.0, 7.0]],
         [[-1.0, 1.0, 8.0, -1.0, -2.0, 0.0, 0.0], [-3.0, 3.0, 7.0, 4.0, 7.0, 0.0, 0.0]],
         (
             ("the stride is ignored in backward (window i's gradient goes to x[i + s], not x[i*S + s])",
              '逆伝播でストライドを無視した（窓 i の勾配を x[i*S + s] ではなく x[i + s] に足した）'),
         )),
    ],
    'dX (stride=3)': [
        ([[-1.0, -1.0, 1.0, 8.0, 3.0, -4.0, 0.0], [-3.0, 2.0, 4.0, 5.0, -1.0, 2.0, 0.0]],
         [[-1.0, 7.0, 4.0, -4.0, 0.0, 0.0, 0.0], [-3.0, 7.0, 3.0, 2.0, 0.0, 0.0, 0.0]],
         (
             ("the stride is ignored in backward (window i's gradient goes to x[i + s], not x[i*S + s])",
              '逆伝播でストライドを無視した（窓 i の勾配を x[i*S + s] ではなく x[i + s] に足した）'),
         )),
    ],
    'dX': [
        ([[[0.0, 2.0, -1.0, -1.0], [1.0, 3.0, 3.0, 5.0]], [[1.0, -1.0, 1.0, 2.0], [1.0, 2.0, -1.0, 2.0]]],
         [[[0.0, 1.0, -1.0, 0.0], [-1.0, 8.0, 5.0, 0.0]], [[3.0, -2.0, 2.0, 0.0], [0.0, 2.0, 2.0, 0.0]]],
         (
             ("the stride is ignored in backward (window i's gradient goes to x[i + s], not x[i*S + s])",
              '逆伝播でストライドを無視した（窓 i の勾配を x[i*S + s] ではなく x[i + s] に足した）'),
         )),
    ],
    'Conv1d(w2, b, stride=2, padding=0).forward(x7)': [
        ([[1.0, 4.0, 3.0], [8.0, 10.0, 19.0], [5.0, 8.0, 11.0]],
         [[1.0, 6.0, 4.0], [8.0, 8.0, 10.0], [5.0, 10.0, 8.0]],
         (
             ('forward takes the first N_out consecutive windows (window i starts at i, not at i*S)',
              '順伝播で連続する最初の N_out 個の窓をとった（窓 i の始まりが i*S ではなく i）'),
         )),
    ],
    'Conv1d(w2, b, stride=3, padding=0).forward(x7)': [
        ([[1.0, 0.0], [8.0, 17.0], [5.0, 6.0]],
         [[1.0, 6.0], [8.0, 8.0], [5.0, 10.0]],
         (
             ('forward takes the first N_out consecutive windows (window i starts at i, not at i*S)',
              '順伝播で連続する最初の N_out 個の窓をとった（窓 i の始まりが i*S ではなく i）'),
         )),
    ],
    'dW (stride=2)': [
        ([[[22.0, 28.0, 34.0], [7.0, 6.0, 9.0]], [[9.0, 10.0, 11.0], [0.0, 0.0, 3.0]],
          [[4.0, 6.0, 8.0], [4.0, -3.0, 3.0]]],
         [[[14.0, 20.0, 26.0], [5.0, 11.0, 10.0]], [[5.0, 6.0, 7.0], [0.0, 6.0, 1.0]],
          [[3.0, 5.0, 7.0], [5.0, 2.0, 0.0]]],
         (
             ('forward takes the first N_out consecutive windows (window i starts at i, not at i*S)',
              '順伝播で連続する最初の N_out 個の窓をとった（窓 i の始まりが i*S ではなく i）'),
         )),
    ],
    'dW (stride=3)': [
        ([[[9.0, 12.0, 15.0], [8.0, 2.0, 1.0]], [[11.0, 13.0, 15.0], [7.0, 3.0, -1.0]],
          [[-6.0, -6.0, -6.0], [-2.0, -2.0, 2.0]]],
         [[[5.0, 8.0, 11.0], [2.0, 2.0, 7.0]], [[5.0, 7.0, 9.0], [-2.0, 3.0, 8.0]],
          [[-2.0, -2.0, -2.0], [4.0, -2.0, -4.0]]],
         (
             ('forward takes the first N_out consecutive windows (window i starts at i, not at i*S)',
              '順伝播で連続する最初の N_out 個の窓をとった（窓 i の始まりが i*S ではなく i）'),
         )),
    ],
    'Conv1d(np.ones((3, 2, 3)), b, stride=2, padding=1).forward(X)': [
        ([[[9.0, 22.0], [10.0, 23.0], [11.0, 24.0]], [[9.0, 7.0], [10.0, 8.0], [11.0, 9.0]]],
         [[[9.0, 16.0], [10.0, 17.0], [11.0, 18.0]], [[9.0, 11.0], [10.0, 12.0], [11.0, 13.0]]],
         (
             ('forward takes the first N_out consecutive windows (window i starts at i, not at i*S)',
              '順伝播で連続する最初の N_out 個の窓をとった（窓 i の始まりが i*S ではなく i）'),
         )),
    ],
    'Conv1d(w2, b, stride=2, padding=1).forward(X)': [
        ([[[7.0, 13.0], [1.0, 8.0], [8.0, 9.0]], [[0.0, 1.0], [6.0, 11.0], [7.0, 2.0]]],
         [[[7.0, 10.0], [1.0, 5.0], [8.0, 8.0]], [[0.0, 4.0], [6.0, 12.0], [7.0, 5.0]]],
         (
             ('forward takes the first N_out consecutive windows (window i starts at i, not at i*S)',
              '順伝播で連続する最初の N_out 個の窓をとった（窓 i の始まりが i*S ではなく i）'),
         )),
    ],
    'layer.dW': [
        ([[[4.0, 15.0, 16.0], [6.0, 10.0, 15.0]], [[1.0, 3.0, 0.0], [-2.0, -4.0, -5.0]],
          [[8.0, 6.0, 9.0], [5.0, 10.0, 11.0]]],
         [[[2.0, 13.0, 14.0], [4.0, 8.0, 13.0]], [[3.0, 5.0, 2.0], [-2.0, -2.0, -3.0]],
          [[9.0, 7.0, 10.0], [2.0, 11.0, 12.0]]],
         (
             ('forward takes the first N_out consecutive windows (window i starts at i, not at i*S)',
              '順伝播で連続する最初の N_out 個の窓をとった（窓 i の始まりが i*S ではなく i）'),
         )),
    ],
    "Conv1d(w2, b, stride=2, padding='same')": [
        ('raised ValueError',
         'returned',
         (
             ("padding='same' is accepted with a stride > 1",
              "stride > 1 でも padding='same' を受け付けた"),
         )),
    ],
    'output_size(7, 3, stride=0)': [
        ('raised ValueError',
         'returned',
         (
             ('a stride <= 0 is turned into 1 instead of rejected',
              '0 以下のストライドを拒まずに 1 に直した'),
         )),
    ],
}
