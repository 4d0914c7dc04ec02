"""Problem 4: Conv1d with several channels. The same class answers problems 5-7 (padding, mini-batch, stride).

Each notebook must run on its own, so forward/backward use only numpy, output_size (problem 2) and the
validation helpers that every notebook is given; no other course function.
"""

import numpy as np

from solutions.p2_output_size import output_size
from solutions.validation import as_float_array, check_int


class Conv1d:
    """1D convolution (cross-correlation) with C_in input channels and C_out filters.

    A[b, o, i] = sum_c sum_s Xp[b, c, i*S + s] * W[o, c, s] + B[o],   Xp = X with P zeros on each side,
    N_out = (N_in + 2P - F) // S + 1.

    Parameters
    ----------
    W : array of shape (C_out, C_in, F)
    B : array of shape (C_out,)
    stride : int >= 1
    padding : int >= 0 (zeros per side) or 'same' (stride 1 and odd F: N_out == N_in)
    optimizer : object with update(layer), optional; called at the end of backward

    Attributes
    ----------
    dW (C_out, C_in, F), dB (C_out,) : gradients of the last backward
    cols (batch, N_out, C_in, F) : input windows kept for backward (im2col)
    """

    def __init__(self, W, B, stride=1, padding=0, optimizer=None):
        self.W = as_float_array("W", W)
        self.B = as_float_array("B", B)
        if self.W.ndim != 3:
            raise ValueError(f"W must have shape (C_out, C_in, F), got {self.W.shape}")
        if self.B.shape != (self.W.shape[0],):
            raise ValueError(f"B has shape {self.B.shape}, expected ({self.W.shape[0]},) = (C_out,)")
        self.stride = check_int("stride", stride, 1)
        F = self.W.shape[2]
        if isinstance(padding, str):
            if padding != "same":
                raise ValueError(f"padding must be an int >= 0 or 'same', got {padding!r}")
            if self.stride != 1 or F % 2 == 0:
                raise ValueError(f"padding='same' needs stride=1 and an odd filter size, got stride={stride}, F={F}")
            padding = (F - 1) // 2
        self.padding = check_int("padding", padding, 0)
        self.optimizer = optimizer

    def forward(self, X):
        """X (batch, C_in, N_in) or one sample (C_in, N_in) -> A (batch, C_out, N_out) or (C_out, N_out)."""
        X = as_float_array("X", X)
        c_out, c_in, F = self.W.shape
        if X.ndim not in (2, 3):
            raise ValueError(f"X must have shape (batch, C_in, N_in) or (C_in, N_in), got {X.shape}")
        self.single = X.ndim == 2
        X3 = X[np.newaxis] if self.single else X
        if X3.shape[1] != c_in:
            raise ValueError(f"X has {X3.shape[1]} channels (shape {X.shape}), but W expects C_in={c_in}")
        n_out = output_size(X3.shape[2], F, self.padding, self.stride)
        P, S = self.padding, self.stride
        Xp = np.pad(X3, ((0, 0), (0, 0), (P, P)))
        self.padded_length = Xp.shape[2]
        # im2col: cols[b, i, c, s] = Xp[b, c, i*S + s], copied contiguous so one GEMM does the whole layer
        windows = np.lib.stride_tricks.sliding_window_view(Xp, F, axis=2)[:, :, : S * (n_out - 1) + 1 : S]
        self.cols = np.ascontiguousarray(windows.transpose(0, 2, 1, 3))
        A = self.cols.reshape(-1, c_in * F) @ self.W.reshape(c_out, -1).T + self.B  # (batch*N_out, C_out)
        A = A.reshape(X3.shape[0], n_out, c_out).transpose(0, 2, 1)
        return A[0] if self.single else A

    def backward(self, dA):
        """dA shaped like the forward output -> dX shaped like the forward input; sets dW, dB first."""
        dA = as_float_array("dA", dA)
        batch, n_out, c_in, F = self.cols.shape
        c_out = self.W.shape[0]
        expected = (c_out, n_out) if self.single else (batch, c_out, n_out)
        if dA.shape != expected:
            raise ValueError(f"dA has shape {dA.shape}, expected {expected} like the forward output")
        dA2 = (dA[np.newaxis] if self.single else dA).transpose(0, 2, 1).reshape(-1, c_out)
        self.dB = dA2.sum(axis=0)
        self.dW = (dA2.T @ self.cols.reshape(-1, c_in * F)).reshape(self.W.shape)
        dcols = (dA2 @ self.W.reshape(c_out, -1)).reshape(batch, n_out, c_in, F)  # pre-update W
        # col2im: add each window's gradient back where it was read; loops over the F taps only
        dXp = np.zeros((batch, c_in, self.padded_length), dtype=dcols.dtype)
        last = self.stride * (n_out - 1) + 1
        for s in range(F):
            dXp[:, :, s : s + last : self.stride] += dcols[:, :, :, s].transpose(0, 2, 1)
        dX = dXp[:, :, self.padding : self.padded_length - self.padding]
        if self.optimizer is not None:
            self.optimizer.update(self)
        return dX[0] if self.single else dX
