"""Conv1d tuned for training speed: problem 8's network and `make bench` use it (tests/bench_conv1d.py,
tests/bench_training.py print what it gains over solutions/p4_conv1d.py, the model answer of problems 4-7).

The same layer as p4_conv1d.Conv1d (it inherits the checks of __init__), computed the fastest way measured here:

- channels-last inside, (batch, N, C): a window of F steps is F rows of C contiguous numbers, and the layer returns
  A and dX as transposed views of channels-last arrays, so a next layer that transposes them back (MaxPool1d,
  another Conv1d) copies nothing;
- im2col: the windows copied once into a matrix, then forward, dW and dX are one GEMM each;
- need_dX: a network's first layer may set it to False (its input is data, nobody reads dX): backward then skips
  dX, the costliest part of the backward pass, and returns None.
"""

import numpy as np

from solutions.p2_output_size import output_size
from solutions.p4_conv1d import Conv1d
from solutions.validation import as_float_array


class FastConv1d(Conv1d):
    """Conv1d (solutions/p4_conv1d.py) with the same shapes and values, computed channels-last with im2col.

    Attributes
    ----------
    need_dX : bool, True unless set. False: backward skips dX and returns None (dW and dB are still computed)
    cols (batch, N_out, C_in, F) : input windows kept for backward (im2col)
    """

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
        self.dB = np.ones(len(dA2), dtype=dA2.dtype) @ dA2  # dA2.sum(axis=0) as one BLAS call (make bench)
        self.dW = (dA2.T @ self.cols.reshape(-1, c_in * F)).reshape(self.W.shape)
        dX = None
        if getattr(self, "need_dX", True):
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
