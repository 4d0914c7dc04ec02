"""The non-convolution layers problem 8 needs (the previous sprint's work), in the same forward/backward style."""

import numpy as np

from solutions.validation import as_float_array, check_int


class FC:
    """Fully connected layer. X (batch, n_in) -> A (batch, n_out) = X @ W + B.

    W (n_in, n_out), B (n_out,); backward sets dW, dB and returns dX computed with the pre-update W.
    """

    def __init__(self, W, B, optimizer=None):
        self.W = as_float_array("W", W)
        self.B = as_float_array("B", B)
        if self.W.ndim != 2 or self.B.shape != (self.W.shape[1],):
            raise ValueError(f"FC needs W (n_in, n_out) and B (n_out,), got {self.W.shape} and {self.B.shape}")
        self.optimizer = optimizer

    def forward(self, X):
        X = as_float_array("X", X)
        if X.ndim != 2 or X.shape[1] != self.W.shape[0]:
            raise ValueError(f"FC expects X of shape (batch, {self.W.shape[0]}), got {X.shape}")
        self.X = X
        return X @ self.W + self.B

    def backward(self, dA):
        self.dW = self.X.T @ dA
        self.dB = dA.sum(axis=0)
        dX = dA @ self.W.T
        if self.optimizer is not None:
            self.optimizer.update(self)
        return dX


class ReLU:
    """A = max(X, 0), any shape; the gradient passes where X > 0."""

    def forward(self, X):
        self.mask = X > 0
        return X * self.mask

    def backward(self, dA):
        return dA * self.mask


class MaxPool1d:
    """Max over non-overlapping windows. X (batch, C, N) -> A (batch, C, N // pool_size); a tail shorter
    than the window is dropped. The gradient goes to the *first* maximum of each window only, so ties
    (frequent in MNIST: many exact zeros after ReLU) do not duplicate it.

    Works on strided views X[:, :, k::pool_size] (element k of every window), so it keeps the memory layout
    of its input: a channels-last input (a Conv1d output) gives a channels-last A and dX, with no copy."""

    def __init__(self, pool_size=2):
        self.pool_size = check_int("pool_size", pool_size, 1)

    def forward(self, X):
        if X.ndim != 3:
            raise ValueError(f"MaxPool1d expects X of shape (batch, C, N), got {X.shape}")
        p, length = self.pool_size, X.shape[2]
        n_out = length // p
        if n_out == 0:
            raise ValueError(f"input length {length} is shorter than pool_size {p}")
        self.X, self.end = X, n_out * p
        A = X[:, :, 0 : self.end : p]
        # greater[k - 1]: element k of the window beats every element before it (strictly, so ties keep the first)
        self.greater = []
        for k in range(1, p):
            Xk = X[:, :, k : self.end : p]
            self.greater.append(Xk > A)
            A = np.maximum(A, Xk)
        return A

    def backward(self, dA):
        p = self.pool_size
        dX = np.empty_like(self.X, dtype=dA.dtype)  # same memory layout as X; every element is written below
        dX[:, :, self.end :] = 0  # the dropped tail
        # the first maximum of a window is its last element that beat all before it, or element 0
        later = None  # where a later element of the window won
        for k in range(p - 1, 0, -1):
            won = self.greater[k - 1] if later is None else self.greater[k - 1] & ~later
            np.multiply(dA, won, out=dX[:, :, k : self.end : p])
            later = self.greater[k - 1] if later is None else later | self.greater[k - 1]
        np.multiply(dA, True if later is None else ~later, out=dX[:, :, 0 : self.end : p])
        return dX


class Flatten:
    """(batch, ...) -> (batch, prod(...)) in C order, and back. backward returns dX in the memory layout of the
    forward input (e.g. channels-last), so the layer before works on arrays of one layout only."""

    def forward(self, X):
        self.input_shape = X.shape
        self.X = X
        return X.reshape(X.shape[0], -1)

    def backward(self, dA):
        dX = np.empty_like(self.X, dtype=dA.dtype)  # the layout of X
        dX[...] = dA.reshape(self.input_shape)
        return dX


class SoftmaxCrossEntropy:
    """Softmax and mean cross-entropy in one layer. forward(A, y) -> loss; backward() -> dA (batch, n_classes).

    y holds integer labels (batch,). Subtracting the row max keeps exp() finite; log-softmax avoids log(0).
    """

    def forward(self, A, y):
        shifted = A - A.max(axis=1, keepdims=True)
        log_z = np.log(np.exp(shifted).sum(axis=1, keepdims=True))
        log_proba = shifted - log_z
        self.proba = np.exp(log_proba)
        self.y = y
        return float(-log_proba[np.arange(len(y)), y].mean())

    def backward(self):
        dA = self.proba.copy()
        dA[np.arange(len(self.y)), self.y] -= 1
        return dA / len(self.y)


def softmax(A):
    """Row-wise softmax of A (batch, n_classes), numerically stable."""
    e = np.exp(A - A.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)
