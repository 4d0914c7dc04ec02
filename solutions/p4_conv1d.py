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
    need_dX : bool, True. Set it to False on a network's first layer: backward then skips dX, the costliest
        part of the backward pass, and returns None (dW and dB are still computed)
    dW (C_out, C_in, F), dB (C_out,) : gradients of the last backward
    cols (batch, N_out, C_in, F) : input windows kept for backward (im2col)

    Memory layout: inside, the layer works channels-last, (batch, N, C), and returns A and dX as transposed
    views of channels-last arrays. Their shapes and values are the channels-first ones above; a next layer that
    transposes them back (MaxPool1d, another Conv1d) then copies nothing.
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
        self.need_dX = True  # a network's first layer may set False: its input is data, nobody reads dX

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
        batch, _, n_in = X3.shape
        n_out = output_size(n_in, F, self.padding, self.stride)
        P, S = self.padding, self.stride
        # Work channels-last, (batch, N, C): a window of F steps is then F rows of C contiguous numbers.
        # Xp = X with P zeros on each side; X.transpose is free when X came from a channels-last layer.
        Xp = np.zeros((batch, n_in + 2 * P, c_in), dtype=X3.dtype)
        Xp[:, P : P + n_in] = X3.transpose(0, 2, 1)
        self.padded_length = Xp.shape[1]
        # im2col: cols[b, i, c, s] = Xp[b, i*S + s, c], one slice copy per tap s, so one GEMM does the layer
        last = S * (n_out - 1) + 1
        self.cols = np.empty((batch, n_out, c_in, F), dtype=Xp.dtype)
        for s in range(F):
            self.cols[:, :, :, s] = Xp[:, s : s + last : S]
        A = self.cols.reshape(-1, c_in * F) @ self.W.reshape(c_out, -1).T  # (batch*N_out, C_out)
        A = np.add(A, self.B, out=A) if np.result_type(A, self.B) == A.dtype else A + self.B  # in place if it can
        A = A.reshape(batch, n_out, c_out).transpose(0, 2, 1)  # a view: (batch, C_out, N_out), channels-last memory
        return A[0] if self.single else A

    def backward(self, dA):
        """dA shaped like the forward output -> dX shaped like the forward input (None when need_dX is False);
        sets dW, dB first."""
        dA = as_float_array("dA", dA)
        batch, n_out, c_in, F = self.cols.shape
        c_out = self.W.shape[0]
        expected = (c_out, n_out) if self.single else (batch, c_out, n_out)
        if dA.shape != expected:
            raise ValueError(f"dA has shape {dA.shape}, expected {expected} like the forward output")
        dA2 = (dA[np.newaxis] if self.single else dA).transpose(0, 2, 1).reshape(-1, c_out)  # (batch*N_out, C_out)
        self.dB = np.ones(len(dA2), dtype=dA2.dtype) @ dA2  # dA2.sum(axis=0), but one BLAS call: 5x faster
        self.dW = (dA2.T @ self.cols.reshape(-1, c_in * F)).reshape(self.W.shape)
        dX = None
        if self.need_dX:
            dcols = (dA2 @ self.W.reshape(c_out, -1)).reshape(batch, n_out, c_in, F)  # pre-update W
            # col2im: add each window's gradient back where it was read; loops over the F taps only
            dXp = np.zeros((batch, self.padded_length, c_in), dtype=dcols.dtype)
            last = self.stride * (n_out - 1) + 1
            for s in range(F):
                dXp[:, s : s + last : self.stride] += dcols[:, :, :, s]
            dX = dXp[:, self.padding : self.padded_length - self.padding].transpose(0, 2, 1)  # (batch, C_in, N_in)
            dX = dX[0] if self.single else dX
        if self.optimizer is not None:
            self.optimizer.update(self)
        return dX
