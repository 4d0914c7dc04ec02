"""Weight initializers. W(*shape) takes (n_in, n_out) for FC or (C_out, C_in, F) for Conv1d; B(n) the bias."""

import numpy as np


def fan_in(shape):
    """Inputs feeding one output: n_in for FC (n_in, n_out), C_in * F for Conv1d (C_out, C_in, F)."""
    if len(shape) == 2:
        return shape[0]
    if len(shape) == 3:
        return shape[1] * shape[2]
    raise ValueError(f"expected an FC shape (n_in, n_out) or a Conv1d shape (C_out, C_in, F), got {shape}")


class SimpleInitializer:
    """Gaussian with a fixed standard deviation sigma."""

    def __init__(self, sigma=0.01, seed=0, dtype=np.float64):
        self.sigma, self.dtype = sigma, dtype
        self.rng = np.random.default_rng(seed)

    def scale(self, shape):
        return self.sigma

    def W(self, *shape):
        return (self.scale(shape) * self.rng.standard_normal(shape)).astype(self.dtype)

    def B(self, n):
        return np.zeros(n, dtype=self.dtype)


class XavierInitializer(SimpleInitializer):
    """sigma = 1 / sqrt(fan_in): keeps activations' variance for sigmoid/tanh."""

    def scale(self, shape):
        return 1.0 / np.sqrt(fan_in(shape))


class HeInitializer(SimpleInitializer):
    """sigma = sqrt(2 / fan_in): keeps activations' variance through ReLU."""

    def scale(self, shape):
        return np.sqrt(2.0 / fan_in(shape))
