"""Input checks shared by every layer: bad input must fail loudly with the offending value in the message."""

import numbers

import numpy as np


def as_float_array(name, value):
    """Return ``value`` as a floating ndarray; integers become float64, float32 stays float32.

    Raises TypeError for bool, complex, object or string data: they have no meaning in a conv layer.
    """
    array = np.asarray(value)
    if array.dtype.kind in "iu":
        return array.astype(np.float64)
    if array.dtype.kind != "f":
        raise TypeError(f"{name} must hold real numbers, got dtype {array.dtype}")
    return array


def check_int(name, value, minimum):
    """Return ``value`` as int, raising ValueError unless it is an integer >= ``minimum``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise ValueError(f"{name} must be an integer, got {value!r} ({type(value).__name__})")
    if value < minimum:
        raise ValueError(f"{name} must be >= {minimum}, got {value}")
    return int(value)


def check_shape(name, array, expected):
    """Raise ValueError naming both shapes unless ``array.shape == expected``."""
    if array.shape != tuple(expected):
        raise ValueError(f"{name} has shape {array.shape}, expected {tuple(expected)}")
