"""Problem 1: SimpleConv1d, one channel, stride 1, no padding."""

import numpy as np

from solutions.validation import as_float_array


class SimpleConv1d:
    """1D convolution (cross-correlation) of one channel with one filter.

    a[i] = sum_s x[i + s] * w[s] + b,  i = 0 .. N_in - F

    Parameters
    ----------
    W : array of shape (F,)   filter
    B : array of shape (1,)   bias (the notebook promises (1,) only; this reference also takes a scalar)
    optimizer : object with update(layer), optional; called at the end of backward

    Attributes
    ----------
    W, B : parameters;  dW (F,), dB (1,) : gradients of the last backward;  X (N_in,) : input kept for backward
    """

    def __init__(self, W, B, optimizer=None):
        self.W = as_float_array("W", W)
        self.B = as_float_array("B", B).reshape(-1)
        if self.W.ndim != 1 or self.W.size == 0:
            raise ValueError(f"W must have shape (F,) with F >= 1, got {self.W.shape}")
        if self.B.shape != (1,):
            raise ValueError(f"B must have shape (1,), got {np.shape(B)}")
        self.optimizer = optimizer

    def forward(self, X):
        """X (N_in,) -> A (N_out,), N_out = N_in - F + 1."""
        X = as_float_array("X", X)
        F = self.W.shape[0]
        if X.ndim != 1:
            raise ValueError(f"SimpleConv1d takes one channel X of shape (N_in,), got {X.shape}")
        if X.shape[0] < F:
            raise ValueError(f"input length {X.shape[0]} is shorter than the filter length {F}")
        self.X = X
        windows = np.lib.stride_tricks.sliding_window_view(X, F)  # (N_out, F), a view: no copy
        return windows @ self.W + self.B[0]

    def backward(self, dA):
        """dA (N_out,) -> dX (N_in,); sets dW (F,), dB (1,), then lets the optimizer update W, B."""
        dA = as_float_array("dA", dA)
        F = self.W.shape[0]
        n_out = self.X.shape[0] - F + 1
        if dA.shape != (n_out,):
            raise ValueError(f"dA has shape {dA.shape}, expected ({n_out},) like the forward output")
        windows = np.lib.stride_tricks.sliding_window_view(self.X, F)
        self.dB = np.array([dA.sum()])
        self.dW = dA @ windows  # dW[s] = sum_i dA[i] x[i + s]
        # dX[j] = sum_s dA[j - s] w[s]: a full convolution of dA with the filter (pre-update W)
        dX = np.convolve(dA, self.W, mode="full")
        if self.optimizer is not None:
            self.optimizer.update(self)
        return dX
