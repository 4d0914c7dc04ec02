"""Typical mistakes in notebook 02 (output_size), as edits of the reference (autograde/problems/mistake.py)."""

from autograde.problems.mistake import Mistake

RESULT = "return (padded - filter_size) // stride + 1"

# what each grade cell's hidden test looks at: "your <result> equals what you get when <Mistake.why>"
RESULTS = {
    "test_output_size_basic": ("N_out", "N_out"),
    "test_output_size_padding": ("N_out with padding", "パディングありの N_out"),
    "test_output_size_stride": ("N_out with a stride", "ストライドありの N_out"),
    "test_output_size_invalid": ("answer to impossible arguments", "ありえない引数への反応"),
    "test_output_size_not_integer": ("answer to arguments that are not integers", "整数でない引数への反応"),
    "test_output_size_message": ("ValueError message", "ValueError のメッセージ"),
}

MISTAKES = (
    # the not-integer cell's hidden part first checks output_size(12, 4, 1, 2) == 6
    Mistake("output_size forgets the stride", {"test_output_size_stride", "test_output_size_not_integer"},
            ((RESULT, "return padded - filter_size + 1"),), demo=True,
            why=("the stride is ignored (N_in + 2P - F + 1)", "ストライドを無視した（N_in + 2P − F + 1）"),
            fix=("divide by the stride, rounding down, before adding 1: (N_in + 2P - F) // S + 1.",
                 "1 を足す前にストライドで割って切り捨てます：(N_in + 2P − F) // S + 1。")),
    Mistake("pads one side only (P instead of 2P)",
            {"test_output_size_padding", "test_output_size_stride", "test_output_size_invalid",
             "test_output_size_not_integer"},
            (("padded = n_in + 2 * padding", "padded = n_in + padding"),),
            why=("the padding is added on one side only (N_in + P instead of N_in + 2P)",
                 "パディングを片側にしか足さなかった（N_in + 2P ではなく N_in + P）"),
            fix=("P zeros go on each side: the padded length is N_in + 2P.",
                 "0 は両側に P 個ずつ入ります。パディング後の長さは N_in + 2P です。")),
    Mistake("divides with / (returns a float)", {"test_output_size_stride"},
            ((RESULT, "return (padded - filter_size) / stride + 1"),),
            why=("it divides with / (a float such as 3.5 instead of rounding down)",
                 "/ で割った（切り捨てずに 3.5 のような小数になる）"),
            fix=("use floor division //: a last window that would stick out is not used.",
                 "切り捨て除算 // を使います。はみ出す最後の窓は使いません。")),
    Mistake("returns a float of the right value", {"test_output_size_stride"},
            ((RESULT, "return float((padded - filter_size) // stride + 1)"),),
            why=("N_out is returned as a float", "N_out を float で返した"),
            fix=("return an int: (N_in + 2P - F) // S + 1 of ints is one already; do not wrap it in float().",
                 "int を返します。int どうしの (N_in + 2P − F) // S + 1 はすでに int です。float() で包みません。")),
    Mistake("no input checks at all",
            {"test_output_size_invalid", "test_output_size_not_integer", "test_output_size_message"},
            (("    n_in = check_int(",
              "    return (n_in + 2 * padding - filter_size) // stride + 1\n    n_in = check_int("),),
            why=("the arguments are not checked (no ValueError for impossible or non-integer values)",
                 "引数を確かめなかった（ありえない値や整数でない値で ValueError が出ない）"),
            fix=("raise ValueError when an argument is not an int (check_int), is out of range (N_in, F, S >= 1, "
                 "P >= 0) or when F > N_in + 2P.",
                 "引数が int でないとき（check_int）、範囲外のとき（N_in, F, S ≥ 1、P ≥ 0）、F > N_in + 2P のときに "
                 "ValueError を出します。")),
    Mistake("the message does not name the numbers", {"test_output_size_message"},
            (('f"filter_size={filter_size} is longer than the padded input "', '"the filter is too long"'),
             ('f"n_in + 2*padding = {n_in} + 2*{padding} = {padded}"', '""')),
            why=("the ValueError's message does not name the numbers", "ValueError のメッセージに数値が入っていない"),
            fix=("put the values in the message, e.g. f\"filter_size={filter_size} is longer than n_in + 2*padding "
                 "= {padded}\".",
                 "メッセージに値を書きます。例：f\"filter_size={filter_size} is longer than n_in + 2*padding = "
                 "{padded}\"。")),
)
