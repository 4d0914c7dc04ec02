"""Numeric gradients: check your backward on random input, where no hand computation is possible.

check_layer_gradients(layer, X) -> relative errors of dX, dW, dB
check_gradients(name, layer, X)  -> a check: "ok" when every relative error is small for the layer's precision
"""

import numpy as np

from solutions.checks import check_that


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


def low_precision(layer, X):
    """True when the layer computes in float32 (or less): numeric gradients then need a larger step."""
    output = np.asarray(layer.forward(np.array(X, dtype=np.float64)))
    return output.dtype.kind == "f" and output.dtype.itemsize < 8


def check_layer_gradients(layer, X, seed=0, eps=None):
    """Compare a layer's backward with numeric gradients of L = sum(forward(X) * G), G random.

    Returns {"dX": err, "dW": err, "dB": err} of relative errors (dW, dB only when the layer has W, B).
    Values below ~1e-7 (float64) or ~1e-4 (a layer computing in float32) mean the backward is right.
    eps: the step of the centered differences; by default 1e-6, or 1e-2 for a layer computing in float32.
    """
    X = np.array(X, dtype=np.float64)
    if eps is None:
        eps = 1e-2 if low_precision(layer, X) else 1e-6
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


def check_gradients(name, layer, X, seed=0):
    """A check: the layer's dX, dW and dB agree with numeric gradients (1e-6 in float64, 1e-3 in float32)."""
    tolerance = 1e-3 if low_precision(layer, X) else 1e-6
    errors = check_layer_gradients(layer, X, seed=seed)
    check_that(f"{name}: the layer has W and B", set(errors) == {"dX", "dW", "dB"},
               ("Keep the parameters in layer.W and layer.B.",
                "パラメータは layer.W, layer.B という名前で持たせてください。"))
    for key, error in errors.items():
        check_that(f"{name}: {key} equals the numeric gradient", error < tolerance,
                   (f"Its relative error is {error:.1e} (should be below {tolerance:g}): check {key} in backward.",
                    f"相対誤差が {error:.1e} です（正しくは {tolerance:g} 未満）。{key} の式を確かめてください。"))
