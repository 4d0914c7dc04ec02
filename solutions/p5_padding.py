"""Problem 5: zero padding. Conv1d(W, B, padding=P) adds P zeros on each side (padding='same': N_out == N_in).

The padding code is part of Conv1d.forward/backward in p4_conv1d (every notebook must run on its own);
this module names what notebook 5 asks for.
"""

from solutions.p2_output_size import output_size
from solutions.p4_conv1d import Conv1d

__all__ = ["output_size", "Conv1d"]
