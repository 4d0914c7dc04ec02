"""Optimizers. update(layer) changes layer.W and layer.B in place from layer.dW and layer.dB.

An optimizer keeps per-parameter state, so give each layer its own instance (copy.deepcopy a prototype).
"""

import numpy as np


class SGD:
    def __init__(self, lr=0.01):
        self.lr = lr

    def update(self, layer):
        layer.W -= self.lr * layer.dW
        layer.B -= self.lr * layer.dB
        return layer


class AdaGrad:
    """Per-weight step lr / sqrt(sum of squared past gradients)."""

    def __init__(self, lr=0.01, eps=1e-7):
        self.lr, self.eps = lr, eps
        self.h = None

    def update(self, layer):
        if self.h is None:
            self.h = {"W": np.zeros_like(layer.W), "B": np.zeros_like(layer.B)}
        for name in ("W", "B"):
            grad = getattr(layer, "d" + name)
            self.h[name] += grad * grad
            getattr(layer, name)[...] -= self.lr * grad / (np.sqrt(self.h[name]) + self.eps)
        return layer


class Adam:
    """Adam (Kingma & Ba 2015) with bias-corrected first and second moments."""

    def __init__(self, lr=0.001, beta1=0.9, beta2=0.999, eps=1e-8):
        self.lr, self.beta1, self.beta2, self.eps = lr, beta1, beta2, eps
        self.t = 0
        self.m = self.v = None

    def update(self, layer):
        if self.m is None:
            self.m = {"W": np.zeros_like(layer.W), "B": np.zeros_like(layer.B)}
            self.v = {"W": np.zeros_like(layer.W), "B": np.zeros_like(layer.B)}
            self.buffer = {"W": np.empty_like(layer.W), "B": np.empty_like(layer.B)}
        self.t += 1
        step = float(self.lr * np.sqrt(1 - self.beta2**self.t) / (1 - self.beta1**self.t))
        for name in ("W", "B"):
            grad, m, v, tmp = getattr(layer, "d" + name), self.m[name], self.v[name], self.buffer[name]
            # in place through one scratch buffer: temporary arrays would cost more than the arithmetic
            np.subtract(grad, m, out=tmp)
            tmp *= 1 - self.beta1
            m += tmp  # m += (1 - beta1) * (grad - m)
            np.multiply(grad, grad, out=tmp)
            tmp -= v
            tmp *= 1 - self.beta2
            v += tmp  # v += (1 - beta2) * (grad**2 - v)
            np.sqrt(v, out=tmp)
            tmp += self.eps
            np.divide(m, tmp, out=tmp)
            tmp *= step
            param = getattr(layer, name)
            param -= tmp  # in place: W -= step * m / (sqrt(v) + eps)
        return layer
