"""Problem 8: Scratch1dCNNClassifier, a 1D CNN trained with mini-batch gradient descent.

Each sample is a sequence of shape (C, L); an MNIST image (28, 28) is read as 28 channels (rows) x 28 steps.
Network: [Conv1d -> ReLU -> MaxPool1d] per entry of conv_channels -> Flatten -> FC -> ReLU -> FC -> softmax.
"""

import copy

import numpy as np
from tqdm import tqdm

from solutions.fast_conv1d import FastConv1d as Conv1d  # the model answer of problem 4, tuned for speed
from solutions.initializers import HeInitializer, SimpleInitializer, XavierInitializer
from solutions.layers import FC, Flatten, MaxPool1d, ReLU, SoftmaxCrossEntropy, softmax
from solutions.minibatch import GetMiniBatch
from solutions.optimizers import SGD, AdaGrad, Adam
from solutions.validation import check_int

OPTIMIZERS = {"sgd": SGD, "adagrad": AdaGrad, "adam": Adam}
INITIALIZERS = {"simple": SimpleInitializer, "xavier": XavierInitializer, "he": HeInitializer}


class Scratch1dCNNClassifier:
    """1D CNN classifier in NumPy.

    Parameters
    ----------
    conv_channels : tuple of int, output channels of each Conv1d block
    filter_size : int, odd (the convolutions use padding='same')
    pool_size : int, MaxPool1d window after each convolution
    n_hidden : int, width of the hidden FC layer
    n_classes : int
    epochs, batch_size : training length and mini-batch size
    optimizer : 'adam' | 'adagrad' | 'sgd';  lr : its learning rate
    initializer : 'he' | 'xavier' | 'simple'
    seed : int, seeds weights, batch order and shifts: the same seed gives the same model
    dtype : np.float32 (fast) or np.float64 (exact)
    verbose : bool, show a tqdm bar per epoch
    lr_decay : float, the learning rate is multiplied by it after each epoch (1.0: constant)
    shift : int >= 0, data augmentation: each training sample is moved by a random offset in [-shift, shift]
        along the steps and, when there are several channels, along the channels (an image's rows), zeros
        shifted in. 0 turns it off. The reference configuration (the defaults) uses 1.

    The defaults are the reference configuration: >= 98.5 % test accuracy on full MNIST in about 15 s
    (docs/benchmarks.md).

    Attributes
    ----------
    history : dict of per-epoch lists 'loss', 'accuracy' and, with validation data, 'val_loss', 'val_accuracy'
    layers : list of layers, in forward order
    """

    def __init__(self, conv_channels=(32, 64), filter_size=3, pool_size=2, n_hidden=96, n_classes=10,
                 epochs=5, batch_size=128, optimizer="adam", lr=5e-3, initializer="he", seed=0,
                 dtype=np.float32, verbose=True, lr_decay=0.5, shift=1):
        if optimizer not in OPTIMIZERS:
            raise ValueError(f"optimizer must be one of {sorted(OPTIMIZERS)}, got {optimizer!r}")
        if initializer not in INITIALIZERS:
            raise ValueError(f"initializer must be one of {sorted(INITIALIZERS)}, got {initializer!r}")
        self.conv_channels, self.filter_size, self.pool_size = tuple(conv_channels), filter_size, pool_size
        self.n_hidden, self.n_classes = n_hidden, n_classes
        self.epochs, self.batch_size, self.lr, self.seed = epochs, batch_size, lr, seed
        self.optimizer, self.initializer, self.dtype, self.verbose = optimizer, initializer, dtype, verbose
        self.lr_decay, self.shift = lr_decay, check_int("shift", shift, 0)
        self.layers = None

    # ---- data checks ---------------------------------------------------------------------------
    def _prepare_X(self, X):
        """(n, C, L) or (n, L) numbers -> (n, C, L) in self.dtype; uint8 images are scaled to [0, 1]."""
        X = np.asarray(X)
        if X.dtype.kind not in "uif":
            raise TypeError(f"X must hold numbers, got dtype {X.dtype}")
        if X.ndim == 2:
            X = X[:, np.newaxis, :]
        if X.ndim != 3:
            raise ValueError(f"X must have shape (n_samples, C, L) or (n_samples, L), got {X.shape}")
        if self.layers is not None and X.shape[1:] != self.input_shape_:
            raise ValueError(f"X has sample shape {X.shape[1:]}, but the model was fit on {self.input_shape_}")
        if X.dtype == np.uint8:
            X = X.astype(self.dtype)  # one copy in self.dtype (X * (1 / 255) would make a float64 one first)
            X /= 255
            return X
        return X.astype(self.dtype, copy=False)  # no copy when X already has self.dtype

    def _prepare_y(self, y, n_samples):
        y = np.asarray(y)
        if y.shape != (n_samples,):
            raise ValueError(f"y must have shape ({n_samples},), got {y.shape}")
        if y.dtype.kind not in "iu" and not (y.dtype.kind == "f" and np.all(y == np.round(y))):
            raise ValueError(f"y must hold integer class labels, got dtype {y.dtype}")
        if y.size and (y.min() < 0 or y.max() >= self.n_classes):
            raise ValueError(f"labels must be in 0..{self.n_classes - 1}, got values from {y.min()} to {y.max()}")
        return y.astype(np.int64)

    # ---- network -------------------------------------------------------------------------------
    def _build(self, channels, length):
        init = INITIALIZERS[self.initializer](seed=self.seed, dtype=self.dtype)
        prototype = OPTIMIZERS[self.optimizer](lr=self.lr)
        layers = []
        for c_out in self.conv_channels:
            W = init.W(c_out, channels, self.filter_size)
            layers += [Conv1d(W, init.B(c_out), padding="same", optimizer=copy.deepcopy(prototype)),
                       ReLU(), MaxPool1d(self.pool_size)]
            channels, length = c_out, length // self.pool_size
        layers[0].need_dX = False  # its input is the data: skip the gradient nobody reads
        n_flat = channels * length
        layers += [Flatten(),
                   FC(init.W(n_flat, self.n_hidden), init.B(self.n_hidden), copy.deepcopy(prototype)), ReLU(),
                   FC(init.W(self.n_hidden, self.n_classes), init.B(self.n_classes), copy.deepcopy(prototype))]
        self.layers = layers
        self.loss_layer = SoftmaxCrossEntropy()

    def _forward(self, X):
        for layer in self.layers:
            X = layer.forward(X)
        return X

    def _backward(self, dA):
        for layer in reversed(self.layers):
            dA = layer.backward(dA)  # layers with an optimizer update themselves here

    # ---- API -----------------------------------------------------------------------------------
    def fit(self, X, y, X_val=None, y_val=None):
        """Train for self.epochs epochs. X (n, C, L) or (n, L), y (n,) ints in 0..n_classes-1. Returns self."""
        import sys  # the progress bar writes to stdout

        self.layers = None
        X = self._prepare_X(X)
        y = self._prepare_y(y, len(X))
        self.input_shape_ = X.shape[1:]
        self._build(*self.input_shape_)
        if X_val is not None:
            X_val = self._prepare_X(X_val)
            y_val = self._prepare_y(y_val, len(X_val))
        self.history = {"loss": [], "accuracy": []}
        if X_val is not None:
            self.history.update(val_loss=[], val_accuracy=[])
        batches = GetMiniBatch(X, y, batch_size=self.batch_size, seed=self.seed)
        shift_rng = np.random.default_rng([self.seed, 1])
        k_steps, k_channels = self.shift, self.shift if X.shape[1] > 1 else 0  # one channel: shift the steps only
        # a zero frame around a batch, allocated once: each step copies the batch in, the border stays 0
        frame = np.zeros((self.batch_size, X.shape[1] + 2 * k_channels, X.shape[2] + 2 * k_steps), dtype=X.dtype)
        for epoch in range(self.epochs):
            total_loss = correct = 0.0
            # a text bar on stdout, erased when the epoch ends: a saved notebook keeps the epoch summaries only
            # (a widget bar would stay "0%" in static HTML)
            bar = tqdm(batches, total=len(batches), desc=f"epoch {epoch + 1}/{self.epochs}",
                       disable=not self.verbose, leave=False, file=sys.stdout)
            for X_batch, y_batch in bar:
                if self.shift:  # augmentation: each sample moved by its own random offset, zeros shifted in
                    n, channels, length = X_batch.shape
                    Xp = frame[:n]
                    Xp[:, k_channels : k_channels + channels, k_steps : k_steps + length] = X_batch
                    # every shifted copy is a window of Xp: (n, 2*k_channels+1, 2*k_steps+1, C, L), a view
                    windows = np.lib.stride_tricks.sliding_window_view(Xp, (channels, length), axis=(1, 2))
                    X_batch = windows[np.arange(n), shift_rng.integers(0, 2 * k_channels + 1, n),
                                      shift_rng.integers(0, 2 * k_steps + 1, n)]
                scores = self._forward(X_batch)
                loss = self.loss_layer.forward(scores, y_batch)
                self._backward(self.loss_layer.backward())
                total_loss += loss * len(y_batch)
                correct += np.sum(scores.argmax(axis=1) == y_batch)
                bar.set_postfix_str(f"loss={loss:.4f}", refresh=False)  # drawn at tqdm's pace, not every step
            for layer in self.layers:
                if getattr(layer, "optimizer", None) is not None:
                    layer.optimizer.lr *= self.lr_decay
            self.history["loss"].append(total_loss / len(y))
            self.history["accuracy"].append(correct / len(y))
            if X_val is not None:
                proba = self._predict_proba_prepared(X_val)
                picked = proba[np.arange(len(y_val)), y_val]
                self.history["val_loss"].append(float(-np.log(np.maximum(picked, 1e-12)).mean()))
                self.history["val_accuracy"].append(float(np.mean(proba.argmax(axis=1) == y_val)))
            if self.verbose:
                summary = ", ".join(f"{k}={v[-1]:.4f}" for k, v in self.history.items())
                print(f"epoch {epoch + 1}/{self.epochs}: {summary}")
        return self

    def _predict_proba_prepared(self, X, batch_size=1000):
        # in chunks: keeps memory bounded on the full test set
        return np.concatenate([softmax(self._forward(X[i : i + batch_size]))
                               for i in range(0, len(X), batch_size)])

    def predict_proba(self, X):
        """X (n, C, L) or (n, L) -> class probabilities (n, n_classes)."""
        if self.layers is None:
            raise RuntimeError("this Scratch1dCNNClassifier is not fitted yet: call fit(X, y) first")
        return self._predict_proba_prepared(self._prepare_X(X))

    def predict(self, X):
        """X (n, C, L) or (n, L) -> predicted labels (n,)."""
        return self.predict_proba(X).argmax(axis=1)
