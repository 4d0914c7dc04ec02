"""Keras cross-check of problem 8: the scratch weights copied into Keras give the same probabilities."""

import os

os.environ.setdefault("KERAS_BACKEND", "numpy")  # before keras is first imported (the Makefile sets it too)

from types import SimpleNamespace  # noqa: E402

import numpy as np  # noqa: E402
import pytest  # noqa: E402
from mnist_data import load_mnist  # noqa: E402

from solutions.keras_transfer import flatten_permutation, keras_input, max_abs_proba_difference, to_keras  # noqa: E402
from solutions.layers import FC, Flatten, MaxPool1d, ReLU, softmax  # noqa: E402
from solutions.p4_conv1d import Conv1d  # noqa: E402
from solutions.p8_classifier import Scratch1dCNNClassifier  # noqa: E402

# keras's own variables.py warns about numpy 2's __array__ copy keyword: not ours
pytestmark = pytest.mark.filterwarnings("ignore:__array__ implementation:DeprecationWarning")


@pytest.fixture(scope="module")
def mnist_small():
    (x_train, y_train), (x_test, y_test) = load_mnist()
    return x_train[:1000], y_train[:1000], x_test[:300], y_test[:300]


@pytest.fixture(scope="module")
def trained(mnist_small):
    x, y, _, _ = mnist_small
    clf = Scratch1dCNNClassifier(conv_channels=(8, 16), n_hidden=32, epochs=2, batch_size=50, lr=3e-3,
                                 seed=3, verbose=False)
    return clf.fit(x, y)


def test_flatten_permutation_maps_channels_last_to_channels_first():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((2, 3, 5))  # (batch, C, N) scratch layout
    scratch_flat = x.reshape(2, -1)
    keras_flat = x.transpose(0, 2, 1).reshape(2, -1)
    np.testing.assert_array_equal(scratch_flat[:, flatten_permutation(3, 5)], keras_flat)


def test_weights_are_copied_in_keras_layouts(trained):
    model = to_keras(trained)
    conv1 = trained.layers[0]
    kernel, bias = model.get_layer("conv1").get_weights()
    assert kernel.shape == (3, 28, 8)  # Keras Conv1D: (F, C_in, C_out)
    np.testing.assert_array_equal(kernel, conv1.W.transpose(2, 1, 0))
    np.testing.assert_array_equal(bias, conv1.B)
    fc2 = trained.layers[-1]
    np.testing.assert_array_equal(model.get_layer("fc2").get_weights()[0], fc2.W)


def test_keras_predicts_like_the_scratch_model_float32(trained, mnist_small):
    _, _, x_test, y_test = mnist_small
    model = to_keras(trained)
    keras_proba = np.asarray(model.predict(keras_input(trained, x_test), verbose=0))
    scratch_proba = trained.predict_proba(x_test)
    assert keras_proba.shape == scratch_proba.shape == (len(x_test), 10)
    assert np.max(np.abs(keras_proba - scratch_proba)) < 1e-5
    np.testing.assert_array_equal(keras_proba.argmax(axis=1), trained.predict(x_test))
    assert np.mean(trained.predict(x_test) == y_test) > 0.3  # the weights are trained, not random


def test_channels_first_input_layout_takes_the_scratch_layout(trained, mnist_small):
    _, _, x_test, _ = mnist_small
    model = to_keras(trained, input_layout="channels_first")
    proba = np.asarray(model.predict(trained._prepare_X(x_test), verbose=0))
    assert np.max(np.abs(proba - trained.predict_proba(x_test))) < 1e-5


def test_float64_model_and_flattened_1x784_input(mnist_small):
    # Keras computes float64 matmuls in float32, so the bound is float32 rounding even here
    x, y, x_test, _ = mnist_small
    clf = Scratch1dCNNClassifier(conv_channels=(4,), filter_size=5, pool_size=4, n_hidden=16, epochs=1,
                                 batch_size=100, dtype=np.float64, verbose=False)
    clf.fit(x.reshape(len(x), -1), y)
    assert clf.input_shape_ == (1, 784)
    assert max_abs_proba_difference(clf, x_test.reshape(len(x_test), -1)) < 1e-6


def test_stride_and_integer_padding_are_transferred():
    rng = np.random.default_rng(1)
    conv = Conv1d(rng.standard_normal((4, 3, 4)), rng.standard_normal(4), stride=2, padding=1)  # even F: no 'same'
    n_out = (20 + 2 - 4) // 2 + 1
    fc = FC(rng.standard_normal((4 * (n_out // 3), 5)) * 0.3, rng.standard_normal(5))
    fake = SimpleNamespace(layers=[conv, ReLU(), MaxPool1d(3), Flatten(), fc], input_shape_=(3, 20),
                           dtype=np.float64)
    model = to_keras(fake)
    X = rng.standard_normal((6, 3, 20))
    h = X
    for layer in fake.layers:
        h = layer.forward(h)
    proba = np.asarray(model.predict(X.transpose(0, 2, 1), verbose=0))
    assert np.max(np.abs(proba - softmax(h))) < 1e-6


def test_unfitted_classifier_and_bad_layout_are_refused(trained):
    with pytest.raises(RuntimeError, match="not fitted"):
        to_keras(Scratch1dCNNClassifier())
    with pytest.raises(ValueError, match="input_layout"):
        to_keras(trained, input_layout="nchw")
