"""Known wrong answers of this notebook's checks: when a check fails with one of them, the check names the
mistake that gives it.

Check name -> [(right answer, a mistake's answer, ((why, なぜ), ...))]. Generated from the course's catalogue of
mistakes (python -m autograde.build.visible_mistakes, run by make sync-given); do not edit.
"""

KNOWN_MISTAKES = {
    'output_size(7, 3, stride=2)': [
        (3.0,
         5.0,
         (
             ('the stride is ignored (N_in + 2P - F + 1)',
              'ストライドを無視した（N_in + 2P − F + 1）'),
         )),
    ],
    'output_size(8, 3, stride=2)': [
        (3.0,
         6.0,
         (
             ('the stride is ignored (N_in + 2P - F + 1)',
              'ストライドを無視した（N_in + 2P − F + 1）'),
         )),
        (3.0,
         3.5,
         (
             ('it divides with / (a float such as 3.5 instead of rounding down)',
              '/ で割った（切り捨てずに 3.5 のような小数になる）'),
         )),
    ],
    'output_size(8, 3, padding=1, stride=2)': [
        (4.0,
         8.0,
         (
             ('the stride is ignored (N_in + 2P - F + 1)',
              'ストライドを無視した（N_in + 2P − F + 1）'),
         )),
        (4.0,
         4.5,
         (
             ('it divides with / (a float such as 3.5 instead of rounding down)',
              '/ で割った（切り捨てずに 3.5 のような小数になる）'),
         )),
    ],
    'output_size(28, 4, padding=1, stride=3)': [
        (9.0,
         27.0,
         (
             ('the stride is ignored (N_in + 2P - F + 1)',
              'ストライドを無視した（N_in + 2P − F + 1）'),
         )),
        (9.0,
         9.66666667,
         (
             ('it divides with / (a float such as 3.5 instead of rounding down)',
              '/ で割った（切り捨てずに 3.5 のような小数になる）'),
         )),
    ],
    'output_size(4, 3, padding=1)': [
        (4.0,
         3.0,
         (
             ('the padding is added on one side only (N_in + P instead of N_in + 2P)',
              'パディングを片側にしか足さなかった（N_in + 2P ではなく N_in + P）'),
         )),
    ],
    'output_size(28, 5, padding=2)': [
        (28.0,
         26.0,
         (
             ('the padding is added on one side only (N_in + P instead of N_in + 2P)',
              'パディングを片側にしか足さなかった（N_in + 2P ではなく N_in + P）'),
         )),
    ],
    'output_size(2, 3)': [
        ('raised ValueError',
         'returned',
         (
             ('the arguments are not checked (no ValueError for impossible or non-integer values)',
              '引数を確かめなかった（ありえない値や整数でない値で ValueError が出ない）'),
         )),
    ],
    'output_size(2, 5, padding=1)': [
        ('raised ValueError',
         'returned',
         (
             ('the arguments are not checked (no ValueError for impossible or non-integer values)',
              '引数を確かめなかった（ありえない値や整数でない値で ValueError が出ない）'),
         )),
    ],
    'output_size(4, 3, stride=0)': [
        ('raised ValueError',
         'raised ZeroDivisionError',
         (
             ('the arguments are not checked (no ValueError for impossible or non-integer values)',
              '引数を確かめなかった（ありえない値や整数でない値で ValueError が出ない）'),
         )),
    ],
    'output_size(4, 3, padding=-1)': [
        ('raised ValueError',
         'returned',
         (
             ('the arguments are not checked (no ValueError for impossible or non-integer values)',
              '引数を確かめなかった（ありえない値や整数でない値で ValueError が出ない）'),
         )),
    ],
    'output_size(0, 1)': [
        ('raised ValueError',
         'returned',
         (
             ('the arguments are not checked (no ValueError for impossible or non-integer values)',
              '引数を確かめなかった（ありえない値や整数でない値で ValueError が出ない）'),
         )),
    ],
    'output_size(4, 0)': [
        ('raised ValueError',
         'returned',
         (
             ('the arguments are not checked (no ValueError for impossible or non-integer values)',
              '引数を確かめなかった（ありえない値や整数でない値で ValueError が出ない）'),
         )),
    ],
    'output_size(4.5, 3)': [
        ('raised ValueError',
         'returned',
         (
             ('the arguments are not checked (no ValueError for impossible or non-integer values)',
              '引数を確かめなかった（ありえない値や整数でない値で ValueError が出ない）'),
         )),
    ],
    'output_size(4, 3, stride=1.5)': [
        ('raised ValueError',
         'returned',
         (
             ('the arguments are not checked (no ValueError for impossible or non-integer values)',
              '引数を確かめなかった（ありえない値や整数でない値で ValueError が出ない）'),
         )),
    ],
    "output_size(4, 3, padding='1')": [
        ('raised ValueError',
         'raised TypeError',
         (
             ('the arguments are not checked (no ValueError for impossible or non-integer values)',
              '引数を確かめなかった（ありえない値や整数でない値で ValueError が出ない）'),
         )),
    ],
}
