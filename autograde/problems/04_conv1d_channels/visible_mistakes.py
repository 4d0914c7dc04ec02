"""Known wrong answers of this notebook's checks: when a check fails with one of them, the check names the
mistake that gives it.

Check name -> [(right answer, a mistake's answer, ((why, なぜ), ...))]. Generated from the course's catalogue of
mistakes (python -m autograde.build.visible_mistakes, run by make sync-given); do not edit.
"""

KNOWN_MISTAKES = {
    'layer.dB': [
        ([108.0, 67.0, 20.0],
         [93.0, 102.0],
         (
             ('dB sums dA over the output channels instead of over the positions (shape (N_out,), not (C_out,))',
              'dB で dA を位置ではなく出力チャンネルについて足した（形状が (C_out,) ではなく (N_out,)）'),
         )),
    ],
    'Conv1d(w, b).forward(x)': [
        ([[16.0, 22.0], [17.0, 23.0], [18.0, 24.0]],
         [[15.0, 21.0], [15.0, 21.0], [15.0, 21.0]],
         (
             ('the biases B are not added',
              'バイアス B を足さなかった'),
         )),
    ],
    'layer.dW': [
        ([[[164.0, 272.0, 380.0], [272.0, 380.0, 488.0]], [[102.0, 169.0, 236.0], [169.0, 236.0, 303.0]],
          [[31.0, 51.0, 71.0], [51.0, 71.0, 91.0]]],
         [[[164.0, 272.0, 272.0], [380.0, 380.0, 488.0]], [[102.0, 169.0, 169.0], [236.0, 236.0, 303.0]],
          [[31.0, 51.0, 51.0], [71.0, 71.0, 91.0]]],
         (
             ("dW is computed as (C_out, F, C_in) and reshaped to W's shape (the C_in and F axes mixed up)",
              'dW を (C_out, F, C_in) で求めて W の形状に reshape した（C_in と F の軸が入れ替わる）'),
         )),
    ],
    'layer.W[0] after backward': [
        ([[-81.0, -135.0, -189.0], [-135.0, -189.0, -243.0]],
         [[-81.0, -135.0, -135.0], [-189.0, -189.0, -243.0]],
         (
             ("dW is computed as (C_out, F, C_in) and reshaped to W's shape (the C_in and F axes mixed up)",
              'dW を (C_out, F, C_in) で求めて W の形状に reshape した（C_in と F の軸が入れ替わる）'),
         )),
        ([[-81.0, -135.0, -189.0], [-135.0, -189.0, -243.0]],
         [[1.0, 1.0, 1.0], [1.0, 1.0, 1.0]],
         (
             ('backward does not call the optimizer (W and B stay as they were)',
              'backward が optimizer を呼ばなかった（W と B が変わらない）'),
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
    'layer.B after backward': [
        ([-53.0, -31.5, -7.0],
         [1.0, 2.0, 3.0],
         (
             ('backward does not call the optimizer (W and B stay as they were)',
              'backward が optimizer を呼ばなかった（W と B が変わらない）'),
         )),
    ],
    'Conv1d(w, np.array([1, 2]))': [
        ('raised ValueError',
         'returned',
         (
             ('B is only checked to be 1-D (a B of the wrong length is accepted)',
              'B が1次元かどうかしか確かめなかった（長さの違う B を受け付ける）'),
             ('the shapes are not checked (no ValueError for W, B or X of the wrong shape)',
              '形状を確かめなかった（形状の違う W, B, X で ValueError が出ない）'),
         )),
    ],
    'Conv1d(np.ones((3, 3)), b)': [
        ('raised ValueError',
         'returned',
         (
             ('the shapes are not checked (no ValueError for W, B or X of the wrong shape)',
              '形状を確かめなかった（形状の違う W, B, X で ValueError が出ない）'),
         )),
    ],
}
