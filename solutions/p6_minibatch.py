"""Problem 6: mini-batches. Conv1d takes X of shape (batch, C_in, N_in); GetMiniBatch feeds it batches.

The batch code is part of Conv1d.forward/backward in p4_conv1d (every notebook must run on its own);
this module names what notebook 6 asks for.
"""

from solutions.minibatch import GetMiniBatch
from solutions.p2_output_size import output_size
from solutions.p4_conv1d import Conv1d

__all__ = ["output_size", "Conv1d", "GetMiniBatch"]
