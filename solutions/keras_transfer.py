"""Cross-check of problem 8: copy a trained Scratch1dCNNClassifier into an equal Keras 3 model.

``to_keras(clf)`` walks ``clf.layers`` (Conv1d, ReLU, MaxPool1d, Flatten, FC) and builds the same network with
keras layers, then copies the weights. Three layout differences are handled here:

* Keras Conv1D is channels-last: its input is (batch, steps, channels) and its kernel (F, C_in, C_out), while
  the scratch Conv1d takes (batch, C_in, N) and holds W (C_out, C_in, F): kernel = W.transpose(2, 1, 0).
  Both compute a cross-correlation (no filter flip), so no reversal of the taps is needed.
* Flatten order: the scratch Flatten reads (C, N) as c * N + n, Keras Flatten reads (N, C) as n * C + c. The
  rows of the first FC weight matrix after Flatten are reordered so the Keras model stays channels-last.
* The scratch model's input (n, C, L) becomes (n, L, C): ``keras_input(clf, X)`` prepares it (same uint8
  scaling and dtype as the classifier), or build with ``input_layout="channels_first"`` to get a model that
  takes the scratch layout directly (a Permute layer in front).

Keras is imported lazily, so this module costs nothing to import. Use inference only (``model.predict``);
with ``KERAS_BACKEND=numpy`` Keras needs jax for its convolution ops. Precision: on its numpy, jax and torch
backends Keras promotes float64 operands to float32 (matmul, and jax's conv without x64), so even a float64
model agrees with the scratch one to float32 rounding (about 1e-7 on probabilities), not to 1e-15.
"""

import numpy as np

from solutions.layers import FC, Flatten, MaxPool1d, ReLU
from solutions.p4_conv1d import Conv1d


def _keras():
    import keras  # lazy: keras picks its backend (KERAS_BACKEND) at first import

    return keras


def _dtype_name(clf):
    return np.dtype(clf.dtype).name


def keras_input(clf, X):
    """Scratch input X (n, C, L) or (n, L), any number type the classifier accepts -> channels-last (n, L, C).

    The same conversion the classifier applies (uint8 scaled to [0, 1], clf.dtype), then the axes swapped.
    """
    return np.ascontiguousarray(clf._prepare_X(X).transpose(0, 2, 1))


def flatten_permutation(channels, length):
    """Index array p with  scratch_flat[:, p] == keras_flat  for one (C, N) feature map.

    keras_flat[:, n * C + c] = x[:, n, c] (channels-last) and scratch_flat[:, c * N + n] = x[:, c, n], so
    p[n * C + c] = c * N + n. The first FC after Flatten needs its rows in Keras order: W_keras = W[p].
    """
    c, n = np.meshgrid(np.arange(channels), np.arange(length), indexing="xy")  # shapes (length, channels)
    return (c * length + n).ravel()


def to_keras(clf, input_layout="channels_last"):
    """Build a keras.Model equal to the fitted classifier ``clf`` and copy its weights into it.

    Parameters
    ----------
    clf : a fitted Scratch1dCNNClassifier (uses clf.layers, clf.input_shape_, clf.dtype)
    input_layout : 'channels_last' (the model takes (n, L, C), see keras_input) or 'channels_first'
        (the model takes the scratch layout (n, C, L), with a Permute((2, 1)) layer in front)

    Returns
    -------
    keras.Model whose predict(...) gives the class probabilities (softmax output). Its layers use clf.dtype,
    but see the module docstring: Keras computes float64 matmuls in float32.
    """
    if getattr(clf, "layers", None) is None:
        raise RuntimeError("the classifier is not fitted yet: call fit(X, y) before to_keras(clf)")
    if input_layout not in ("channels_last", "channels_first"):
        raise ValueError(f"input_layout must be 'channels_last' or 'channels_first', got {input_layout!r}")
    keras = _keras()
    layers = keras.layers
    dtype = _dtype_name(clf)
    channels, length = clf.input_shape_
    if input_layout == "channels_first":
        inputs = keras.Input(shape=(channels, length), dtype=dtype, name="x_channels_first")
        x = layers.Permute((2, 1), dtype=dtype, name="to_channels_last")(inputs)
    else:
        inputs = keras.Input(shape=(length, channels), dtype=dtype, name="x")
        x = inputs
    pending = []  # (keras layer, weights) set once the graph is built
    flat_shape = None  # (C, N) of the map just flattened: the next FC's rows need reordering
    n_conv = n_fc = n_pool = 0
    for layer in clf.layers:
        if isinstance(layer, Conv1d):
            n_conv += 1
            c_out, c_in, F = layer.W.shape
            if c_in != channels:
                raise ValueError(f"Conv1d #{n_conv} expects {c_in} channels, the map has {channels}")
            P, S = layer.padding, layer.stride
            if S == 1 and F % 2 == 1 and P == (F - 1) // 2:
                pad = "same"  # Keras 'same' with stride 1 and odd F pads (F-1)/2 zeros on each side
            else:
                pad = "valid"
                if P:
                    x = layers.ZeroPadding1D(P, dtype=dtype, name=f"pad{n_conv}")(x)
            conv = layers.Conv1D(c_out, F, strides=S, padding=pad, dtype=dtype, name=f"conv{n_conv}")
            x = conv(x)
            pending.append((conv, [layer.W.transpose(2, 1, 0), layer.B]))
            channels, length = c_out, (length + 2 * P - F) // S + 1
        elif isinstance(layer, ReLU):
            x = layers.ReLU(dtype=dtype, name=f"relu{n_conv}_{n_fc}")(x)
        elif isinstance(layer, MaxPool1d):
            n_pool += 1
            p = layer.pool_size
            x = layers.MaxPooling1D(p, strides=p, padding="valid", dtype=dtype, name=f"pool{n_pool}")(x)
            length //= p
        elif isinstance(layer, Flatten):
            x = layers.Flatten(dtype=dtype, name="flatten")(x)
            flat_shape = (channels, length)
        elif isinstance(layer, FC):
            n_fc += 1
            W = layer.W
            if flat_shape is not None:
                W = W[flatten_permutation(*flat_shape)]
                flat_shape = None
            dense = layers.Dense(W.shape[1], dtype=dtype, name=f"fc{n_fc}")
            x = dense(x)
            pending.append((dense, [W, layer.B]))
        else:
            raise TypeError(f"to_keras does not know the layer {type(layer).__name__}")
    outputs = layers.Softmax(dtype=dtype, name="softmax")(x)
    model = keras.Model(inputs, outputs, name="scratch_1d_cnn")
    for keras_layer, weights in pending:
        keras_layer.set_weights([np.asarray(w, dtype=dtype) for w in weights])
    return model


def max_abs_proba_difference(clf, X, model=None, batch_size=1000):
    """max |clf.predict_proba(X) - keras model probabilities| over X; builds the model when not given."""
    if model is None:
        model = to_keras(clf)
    expected = clf.predict_proba(X)
    got = model.predict(keras_input(clf, X), batch_size=batch_size, verbose=0)
    return float(np.max(np.abs(np.asarray(got, dtype=np.float64) - expected)))
