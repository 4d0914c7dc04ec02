"""Problem 7: arbitrary stride. Conv1d(W, B, stride=S) moves the filter S steps: N_out = (N_in + 2P - F) // S + 1.

The stride code is part of Conv1d.forward/backward in p4_conv1d (every notebook must run on its own);
this module names what notebook 7 asks for.
"""

from solutions.p2_output_size import output_size
from solutions.p4_conv1d import Conv1d

__all__ = ["output_size", "Conv1d"]
