"""Problem 4: Conv1d with several channels. The same class answers problems 5-7 (padding, mini-batch, stride).

The model answer students get after the deadline: one vectorized idea per method, every shape written down. Each
notebook must run on its own, so forward/backward use only numpy, output_size (problem 2) and the validation
helpers every notebook is given.
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
    dW (C_out, C_in, F), dB (C_out,) : gradients of the last backward, summed over the batch
    windows (batch, C_in, N_out, F) : the input windows of the last forward, kept for backward

    One idea does the whole layer: take every window of the padded input at once (a view, nothing copied), then
    forward, dW and dX are each one sum over the right axes (np.einsum). solutions/fast_conv1d.py is the same layer
    tuned for training speed (problem 8).
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
        X3 = X[np.newaxis] if self.single else X  # (batch, C_in, N_in)
        if X3.shape[1] != c_in:
            raise ValueError(f"X has {X3.shape[1]} channels (shape {X.shape}), but W expects C_in={c_in}")
        self.n_in = X3.shape[2]
        n_out = output_size(self.n_in, F, self.padding, self.stride)
        P, S = self.padding, self.stride
        # Xp: P zeros on each side, (batch, C_in, N_in + 2P)
        Xp = np.pad(X3, ((0, 0), (0, 0), (P, P)))
        # windows[b, c, i, s] = Xp[b, c, i*S + s]: the F inputs window i reads, (batch, C_in, N_out, F), a view
        self.windows = np.lib.stride_tricks.sliding_window_view(Xp, F, axis=2)[:, :, : S * (n_out - 1) + 1 : S]
        # A[b, o, i] = sum_c sum_s windows[b, c, i, s] * W[o, c, s] + B[o]
        A = np.einsum("bcis,ocs->boi", self.windows, self.W, optimize=True)
        A = A + self.B[:, np.newaxis]
        return A[0] if self.single else A

    def backward(self, dA):
        """dA shaped like the forward output -> dX shaped like the forward input; sets dW, dB first."""
        dA = as_float_array("dA", dA)
        batch, c_in, n_out, F = self.windows.shape
        c_out = self.W.shape[0]
        expected = (c_out, n_out) if self.single else (batch, c_out, n_out)
        if dA.shape != expected:
            raise ValueError(f"dA has shape {dA.shape}, expected {expected} like the forward output")
        dA3 = dA[np.newaxis] if self.single else dA  # (batch, C_out, N_out)
        # dB[o] = sum_b sum_i dA[b, o, i]
        self.dB = dA3.sum(axis=(0, 2))
        # dW[o, c, s] = sum_b sum_i dA[b, o, i] * Xp[b, c, i*S + s]
        self.dW = np.einsum("boi,bcis->ocs", dA3, self.windows, optimize=True)
        # each window sends its gradient back to the inputs it read: dwindows[b, c, i, s] = sum_o dA[b, o, i] W[o, c, s]
        dwindows = np.einsum("boi,ocs->bcis", dA3, self.W, optimize=True)  # the W from before the update
        P, S = self.padding, self.stride
        dXp = np.zeros((batch, c_in, self.n_in + 2 * P), dtype=dwindows.dtype)  # (batch, C_in, N_in + 2P)
        for s in range(F):  # tap s of window i read input i*S + s
            dXp[:, :, s : s + S * (n_out - 1) + 1 : S] += dwindows[:, :, :, s]
        dX = dXp[:, :, P : P + self.n_in]  # the padding's gradient is dropped
        if self.optimizer is not None:
            self.optimizer.update(self)
        return dX[0] if self.single else dX
