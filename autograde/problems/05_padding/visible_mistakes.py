"""Known wrong answers of this notebook's checks: when a check fails with one of them, the check names the
mistake that gives it.

Check name -> [(right answer, a mistake's answer, ((why, なぜ), ...))]. Generated from the course's catalogue of
mistakes (python -m autograde.build.visible_mistakes, run by make sync-given); do not edit.
"""

KNOWN_MISTAKES = {
    'output_size(4, 3, padding=1)': [
        (4.0,
         3.0,
         (
             ('output_size adds the padding on one side only (N_in + P instead of N_in + 2P)',
              'output_size でパディングを片側にしか足さなかった（N_in + 2P ではなく N_in + P）'),
         )),
    ],
    'output_size(4, 3, padding=2)': [
        (6.0,
         4.0,
         (
             ('output_size adds the padding on one side only (N_in + P instead of N_in + 2P)',
              'output_size でパディングを片側にしか足さなかった（N_in + 2P ではなく N_in + P）'),
         )),
    ],
    'output_size(28, 5, padding=2)': [
        (28.0,
         26.0,
         (
             ('output_size adds the padding on one side only (N_in + P instead of N_in + 2P)',
              'output_size でパディングを片側にしか足さなかった（N_in + 2P ではなく N_in + P）'),
         )),
    ],
    'Conv1d(w, b, padding=1).forward(x)': [
        ([3.0, 4.0],
         [3.0, 3.0],
         (
             ('output_size adds the padding on one side only (N_in + P instead of N_in + 2P)',
              'output_size でパディングを片側にしか足さなかった（N_in + 2P ではなく N_in + P）'),
         )),
    ],
    'Conv1d(w, b, padding=2).forward(x)': [
        ([3.0, 6.0],
         [3.0, 4.0],
         (
             ('output_size adds the padding on one side only (N_in + P instead of N_in + 2P)',
              'output_size でパディングを片側にしか足さなかった（N_in + 2P ではなく N_in + P）'),
         )),
    ],
    'Conv1d(np.ones((3, 2, 3)), b, padding=1).forward(x)': [
        ([[9.0, 16.0, 22.0, 17.0], [10.0, 17.0, 23.0, 18.0], [11.0, 18.0, 24.0, 19.0]],
         [[9.0, 16.0, 22.0], [10.0, 17.0, 23.0], [11.0, 18.0, 24.0]],
         (
             ('output_size adds the padding on one side only (N_in + P instead of N_in + 2P)',
              'output_size でパディングを片側にしか足さなかった（N_in + 2P ではなく N_in + P）'),
         )),
        ([[9.0, 16.0, 22.0, 17.0], [10.0, 17.0, 23.0, 18.0], [11.0, 18.0, 24.0, 19.0]],
         [[4.0, 9.0, 16.0, 22.0], [5.0, 10.0, 17.0, 23.0], [6.0, 11.0, 18.0, 24.0]],
         (
             ('all 2P zeros are put before the input (none after it)',
              '2P 個の 0 をすべて入力の前に置いた（後ろに置かない）'),
         )),
    ],
    'Conv1d(w2, b, padding=1).forward(x)': [
        ([[7.0, 10.0, 13.0, 9.0], [1.0, 5.0, 8.0, 11.0], [8.0, 8.0, 9.0, -1.0]],
         [[7.0, 10.0, 13.0], [1.0, 5.0, 8.0], [8.0, 8.0, 9.0]],
         (
             ('output_size adds the padding on one side only (N_in + P instead of N_in + 2P)',
              'output_size でパディングを片側にしか足さなかった（N_in + 2P ではなく N_in + P）'),
         )),
        ([[7.0, 10.0, 13.0, 9.0], [1.0, 5.0, 8.0, 11.0], [8.0, 8.0, 9.0, -1.0]],
         [[4.0, 7.0, 10.0, 13.0], [2.0, 1.0, 5.0, 8.0], [6.0, 8.0, 8.0, 9.0]],
         (
             ('all 2P zeros are put before the input (none after it)',
              '2P 個の 0 をすべて入力の前に置いた（後ろに置かない）'),
         )),
    ],
    'Conv1d(w2, b, padding=2).forward(x)': [
        ([[4.0, 7.0, 10.0, 13.0, 9.0, 5.0], [2.0, 1.0, 5.0, 8.0, 11.0, 15.0], [6.0, 8.0, 8.0, 9.0, -1.0, -2.0]],
         [[4.0, 7.0, 10.0, 13.0], [2.0, 1.0, 5.0, 8.0], [6.0, 8.0, 8.0, 9.0]],
         (
             ('output_size adds the padding on one side only (N_in + P instead of N_in + 2P)',
              'output_size でパディングを片側にしか足さなかった（N_in + 2P ではなく N_in + P）'),
         )),
        ([[4.0, 7.0, 10.0, 13.0, 9.0, 5.0], [2.0, 1.0, 5.0, 8.0, 11.0, 15.0], [6.0, 8.0, 8.0, 9.0, -1.0, -2.0]],
         [[1.0, 1.0, 4.0, 7.0, 10.0, 13.0], [2.0, 2.0, 2.0, 1.0, 5.0, 8.0], [3.0, 3.0, 6.0, 8.0, 8.0, 9.0]],
         (
             ('all 2P zeros are put before the input (none after it)',
              '2P 個の 0 をすべて入力の前に置いた（後ろに置かない）'),
         )),
    ],
    "Conv1d(w2, b, padding='same').forward(x)": [
        ([[7.0, 10.0, 13.0, 9.0], [1.0, 5.0, 8.0, 11.0], [8.0, 8.0, 9.0, -1.0]],
         [[7.0, 10.0, 13.0], [1.0, 5.0, 8.0], [8.0, 8.0, 9.0]],
         (
             ('output_size adds the padding on one side only (N_in + P instead of N_in + 2P)',
              'output_size でパディングを片側にしか足さなかった（N_in + 2P ではなく N_in + P）'),
         )),
        ([[7.0, 10.0, 13.0, 9.0], [1.0, 5.0, 8.0, 11.0], [8.0, 8.0, 9.0, -1.0]],
         [[4.0, 7.0, 10.0, 13.0], [2.0, 1.0, 5.0, 8.0], [6.0, 8.0, 8.0, 9.0]],
         (
             ('all 2P zeros are put before the input (none after it)',
              '2P 個の 0 をすべて入力の前に置いた（後ろに置かない）'),
         )),
        ([[7.0, 10.0, 13.0, 9.0], [1.0, 5.0, 8.0, 11.0], [8.0, 8.0, 9.0, -1.0]],
         [[10.0, 13.0], [5.0, 8.0], [8.0, 9.0]],
         (
             ("padding='same' is taken as no padding",
              "padding='same' をパディングなしとして扱った"),
         )),
    ],
    "Conv1d([[[1, 2, 0, -1, 1]]], [0], padding='same').forward([[3, 1, 2]])": [
        ([[1.0, 4.0, 5.0]],
         [[1.0]],
         (
             ('output_size adds the padding on one side only (N_in + P instead of N_in + 2P)',
              'output_size でパディングを片側にしか足さなかった（N_in + 2P ではなく N_in + P）'),
         )),
        ([[1.0, 4.0, 5.0]],
         [[3.0, -2.0, 1.0]],
         (
             ('all 2P zeros are put before the input (none after it)',
              '2P 個の 0 をすべて入力の前に置いた（後ろに置かない）'),
         )),
    ],
    'layer.dW': [
        ([[[-1.0, 1.0, 8.0], [0.0, 3.0, 11.0]], [[3.0, 5.0, 7.0], [5.0, 7.0, 9.0]],
          [[7.0, 11.0, 0.0], [9.0, 15.0, 1.0]]],
         [[[-2.0, -1.0, 1.0], [-3.0, 0.0, 3.0]], [[1.0, 3.0, 5.0], [2.0, 5.0, 7.0]],
          [[5.0, 7.0, 11.0], [7.0, 9.0, 15.0]]],
         (
             ('all 2P zeros are put before the input (none after it)',
              '2P 個の 0 をすべて入力の前に置いた（後ろに置かない）'),
         )),
    ],
    'dX = Conv1d(w2, b, padding=1).backward(dA)': [
        ([[4.0, 4.0, -2.0, -1.0], [2.0, 7.0, 0.0, -2.0]],
         [[4.0, -2.0, -1.0, 4.0], [7.0, 0.0, -2.0, 1.0]],
         (
             ('the padded gradient loses 2P values at its start instead of P at each end',
              'パディング後の勾配の先頭から 2P 個を切り落とした（両端から P 個ずつではなく）'),
         )),
    ],
    'Conv1d(w, b, padding=-1)': [
        ('raised ValueError',
         'returned',
         (
             ('a negative or fractional padding is turned into an integer >= 0 instead of rejected',
              '負の padding や小数の padding を拒まずに 0 以上の整数に直した'),
         )),
    ],
    'Conv1d(w, b, padding=1.5)': [
        ('raised ValueError',
         'returned',
         (
             ('a negative or fractional padding is turned into an integer >= 0 instead of rejected',
              '負の padding や小数の padding を拒まずに 0 以上の整数に直した'),
         )),
    ],
    'output_size(2, 5, padding=1)': [
        ('raised ValueError',
         'returned',
         (
             ("output_size returns the visible test's numbers instead of computing them",
              'output_size が計算せずに可視テストの答えを返した'),
         )),
    ],
}
