"""Mini-batch iterator (the previous sprint's GetMiniBatch), seeded with np.random.default_rng."""

import numpy as np


class GetMiniBatch:
    """Iterate over shuffled mini-batches (X[idx], y[idx]), a new order for every epoch's iterator.

    Parameters
    ----------
    X : array of shape (n_samples, ...)
    y : array of shape (n_samples,)
    batch_size : int
    seed : int, seed of np.random.default_rng
    """

    def __init__(self, X, y, batch_size=20, seed=0):
        if len(X) != len(y):
            raise ValueError(f"X has {len(X)} samples but y has {len(y)}")
        if batch_size < 1:
            raise ValueError(f"batch_size must be >= 1, got {batch_size}")
        self.X, self.y, self.batch_size = X, y, batch_size
        self._rng = np.random.default_rng(seed)

    def __len__(self):
        return -(-len(self.X) // self.batch_size)

    def __iter__(self):
        order = self._rng.permutation(len(self.X))
        for start in range(0, len(order), self.batch_size):
            idx = order[start : start + self.batch_size]
            yield self.X[idx], self.y[idx]
