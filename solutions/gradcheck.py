"""Numeric gradient check students can run on their own layers (given from problem 3 on)."""

import numpy as np


def numerical_gradient(f, x, eps=1e-6):
    """Centered differences (f(x + eps) - f(x - eps)) / 2eps for each element of x, changed in place and restored."""
    grad = np.zeros_like(x, dtype=np.float64)
    flat, grad_flat = x.reshape(-1), grad.reshape(-1)
    for i in range(flat.size):
        original = flat[i]
        flat[i] = original + eps
        plus = f()
        flat[i] = original - eps
        minus = f()
        flat[i] = original
        grad_flat[i] = (plus - minus) / (2 * eps)
    return grad


def relative_error(a, b):
    """max |a - b| / max(|a| + |b|), 0 when both are 0."""
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    scale = np.max(np.abs(a) + np.abs(b))
    return 0.0 if scale == 0 else float(np.max(np.abs(a - b)) / scale)


def check_layer_gradients(layer, X, seed=0, eps=1e-6):
    """Compare a layer's backward with numeric gradients of L = sum(forward(X) * G), G random.

    Returns {"dX": err, "dW": err, "dB": err} of relative errors (dW, dB only when the layer has W, B).
    Values below ~1e-7 in float64 mean the backward is right.
    """
    X = np.array(X, dtype=np.float64)
    G = np.random.default_rng(seed).standard_normal(np.shape(layer.forward(X)))

    def loss():
        return float(np.sum(layer.forward(X) * G))

    layer.forward(X)
    dX = layer.backward(G)
    errors = {"dX": relative_error(dX, numerical_gradient(loss, X, eps))}
    for name in ("W", "B"):
        if hasattr(layer, name):
            analytic = getattr(layer, "d" + name)
            errors["d" + name] = relative_error(analytic, numerical_gradient(loss, getattr(layer, name), eps))
    return errors
