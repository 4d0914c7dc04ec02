"""Typical mistakes in notebook 06 (mini-batches), as edits of the reference (autograde/problems/mistake.py)."""

from autograde.problems.mistake import Mistake

MISTAKES = (
    Mistake("dB averages over the batch and positions instead of summing", {"test_batch_backward_dB"},
            (("self.dB = dA3.sum(axis=(0, 2))", "self.dB = dA3.mean(axis=(0, 2))"),), demo=True),
    Mistake("dW is the mean over the batch, not the sum", {"test_batch_backward_dW"},
            (("dA3, self.windows, optimize=True)", "dA3, self.windows, optimize=True) / batch"),)),
    Mistake("one sample comes back as a batch of one", {"test_single_sample"},
            (("return A[0] if self.single else A", "return A"),)),
    Mistake("a wrong ndim raises TypeError, not ValueError", {"test_errors"},
            (('raise ValueError(f"X must have shape', 'raise TypeError(f"X must have shape'),)),
    Mistake("output_size forgets the stride (the visible test uses stride 1)", {"test_output_size"},
            (("return (padded - filter_size) // stride + 1", "return padded - filter_size + 1"),)),
)
