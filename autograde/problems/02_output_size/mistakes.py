"""Typical mistakes in notebook 02 (output_size), as edits of the reference (autograde/problems/mistake.py)."""

from autograde.problems.mistake import Mistake

RESULT = "return (padded - filter_size) // stride + 1"

MISTAKES = (
    # the not-integer cell's hidden part first checks output_size(12, 4, 1, 2) == 6
    Mistake("output_size forgets the stride", {"test_output_size_stride", "test_output_size_not_integer"},
            ((RESULT, "return padded - filter_size + 1"),), demo=True),
    Mistake("pads one side only (P instead of 2P)",
            {"test_output_size_padding", "test_output_size_stride", "test_output_size_invalid",
             "test_output_size_not_integer"},
            (("padded = n_in + 2 * padding", "padded = n_in + padding"),)),
    Mistake("divides with / (returns a float)", {"test_output_size_stride"},
            ((RESULT, "return (padded - filter_size) / stride + 1"),)),
    Mistake("returns a float of the right value", {"test_output_size_stride"},
            ((RESULT, "return float((padded - filter_size) // stride + 1)"),)),
    Mistake("no input checks at all",
            {"test_output_size_invalid", "test_output_size_not_integer", "test_output_size_message"},
            (("    n_in = check_int(",
              "    return (n_in + 2 * padding - filter_size) // stride + 1\n    n_in = check_int("),)),
    Mistake("the message does not name the numbers", {"test_output_size_message"},
            (('f"filter_size={filter_size} is longer than the padded input "', '"the filter is too long"'),
             ('f"n_in + 2*padding = {n_in} + 2*{padding} = {padded}"', '""'))),
)
