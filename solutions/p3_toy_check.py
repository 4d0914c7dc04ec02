"""Problem 3: the sprint's small example, checked by hand and with SimpleConv1d."""

import numpy as np

from solutions.p1_simple_conv1d import SimpleConv1d

TOY_X = np.array([1.0, 2.0, 3.0, 4.0])
TOY_W = np.array([3.0, 5.0, 7.0])
TOY_B = np.array([1.0])
TOY_DA = np.array([10.0, 20.0])


def toy_check(x=TOY_X, w=TOY_W, b=TOY_B, dA=TOY_DA):
    """Run forward and backward on the toy arrays.

    Returns
    -------
    dict with a (N_out,), dB (1,), dW (F,), dX (N_in,)
    For the sprint's arrays: a=[35, 50], dB=[30], dW=[50, 80, 110], dX=[30, 110, 170, 140].
    """
    layer = SimpleConv1d(w, b)
    a = layer.forward(x)
    dX = layer.backward(dA)
    return {"a": a, "dB": layer.dB, "dW": layer.dW, "dX": dX}
