"""Every input check: bad input raises ValueError or TypeError, and the message names the offending values."""

import numpy as np
import pytest

from solutions.initializers import HeInitializer, fan_in
from solutions.layers import FC, MaxPool1d
from solutions.minibatch import GetMiniBatch
from solutions.p1_simple_conv1d import SimpleConv1d
from solutions.p2_output_size import output_size
from solutions.p4_conv1d import Conv1d
from solutions.p8_classifier import Scratch1dCNNClassifier

# ---- output_size ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("args, match", [
    ((3, 5), r"filter_size=5 is longer than the padded input .*3 \+ 2\*0 = 3"),
    ((2, 7, 2), r"filter_size=7 .* 2 \+ 2\*2 = 6"),
    ((1, 2), r"filter_size=2 .*= 1$"),
])
def test_output_size_filter_longer_than_padded_input(args, match):
    with pytest.raises(ValueError, match=match):
        output_size(*args)


@pytest.mark.parametrize("kwargs, match", [
    (dict(stride=0), r"stride must be >= 1, got 0"),
    (dict(stride=-2), r"stride must be >= 1, got -2"),
    (dict(padding=-1), r"padding must be >= 0, got -1"),
    (dict(n_in=0), r"n_in must be >= 1, got 0"),
    (dict(filter_size=0), r"filter_size must be >= 1, got 0"),
])
def test_output_size_out_of_range(kwargs, match):
    args = dict(n_in=10, filter_size=3, padding=0, stride=1) | kwargs
    with pytest.raises(ValueError, match=match):
        output_size(**args)


@pytest.mark.parametrize("name", ["n_in", "filter_size", "padding", "stride"])
@pytest.mark.parametrize("value, shown", [
    (2.5, r"2\.5 \(float\)"),
    ("3", r"'3' \(str\)"),
    (True, r"True \(bool\)"),
    (3.0, r"3\.0 \(float\)"),
    (None, r"None \(NoneType\)"),
])
def test_output_size_non_integers(name, value, shown):
    args = dict(n_in=10, filter_size=3, padding=1, stride=1) | {name: value}
    with pytest.raises(ValueError, match=rf"{name} must be an integer, got {shown}"):
        output_size(**args)


# ---- Conv1d ---------------------------------------------------------------------------------------------------
W3 = np.ones((3, 2, 3))
B3 = np.zeros(3)


@pytest.mark.parametrize("W, B, kwargs, match", [
    (np.ones((2, 3)), np.zeros(2), {}, r"W must have shape \(C_out, C_in, F\), got \(2, 3\)"),
    (np.ones((1, 2, 3, 3)), np.zeros(1), {}, r"W must have shape \(C_out, C_in, F\), got \(1, 2, 3, 3\)"),
    (W3, np.zeros(2), {}, r"B has shape \(2,\), expected \(3,\) = \(C_out,\)"),
    (W3, np.zeros((3, 1)), {}, r"B has shape \(3, 1\), expected \(3,\)"),
    (W3, 0.0, {}, r"B has shape \(\), expected \(3,\)"),
    (np.ones((3, 2, 4)), B3, dict(padding="same"), r"padding='same' needs stride=1 and an odd filter size.*F=4"),
    (W3, B3, dict(padding="same", stride=2), r"padding='same' needs stride=1 .*stride=2, F=3"),
    (W3, B3, dict(padding="valid"), r"padding must be an int >= 0 or 'same', got 'valid'"),
    (W3, B3, dict(padding="SAME"), r"got 'SAME'"),
    (W3, B3, dict(padding=-1), r"padding must be >= 0, got -1"),
    (W3, B3, dict(padding=1.5), r"padding must be an integer, got 1\.5"),
    (W3, B3, dict(stride=0), r"stride must be >= 1, got 0"),
    (W3, B3, dict(stride=2.0), r"stride must be an integer, got 2\.0"),
])
def test_conv1d_bad_construction(W, B, kwargs, match):
    with pytest.raises(ValueError, match=match):
        Conv1d(W, B, **kwargs)


@pytest.mark.parametrize("X, match", [
    (np.ones(4), r"X must have shape \(batch, C_in, N_in\) or \(C_in, N_in\), got \(4,\)"),
    (np.ones((1, 1, 2, 4)), r"got \(1, 1, 2, 4\)"),
    (np.ones((3, 4)), r"X has 3 channels \(shape \(3, 4\)\), but W expects C_in=2"),
    (np.ones((5, 1, 4)), r"X has 1 channels \(shape \(5, 1, 4\)\), but W expects C_in=2"),
    (np.ones((2, 2)), r"filter_size=3 is longer than the padded input"),
])
def test_conv1d_bad_input(X, match):
    with pytest.raises(ValueError, match=match):
        Conv1d(W3, B3).forward(X)


@pytest.mark.parametrize("X, dA, match", [
    (np.ones((2, 5)), np.ones((3, 2)), r"dA has shape \(3, 2\), expected \(3, 3\)"),
    (np.ones((2, 5)), np.ones((1, 3, 3)), r"dA has shape \(1, 3, 3\), expected \(3, 3\)"),
    (np.ones((4, 2, 5)), np.ones((3, 3)), r"dA has shape \(3, 3\), expected \(4, 3, 3\)"),
    (np.ones((4, 2, 5)), np.ones((4, 3, 4)), r"expected \(4, 3, 3\)"),
])
def test_conv1d_dA_of_the_wrong_shape(X, dA, match):
    layer = Conv1d(W3, B3)
    layer.forward(X)
    with pytest.raises(ValueError, match=match):
        layer.backward(dA)


@pytest.mark.parametrize("bad", [
    np.ones((2, 5), dtype=complex),
    np.ones((2, 5), dtype=bool),
    np.ones((2, 5), dtype=object),
    np.full((2, 5), "1"),
])
def test_conv1d_non_real_dtypes_are_a_type_error(bad):
    name = bad.dtype.name if bad.dtype.kind != "U" else "<U1"
    with pytest.raises(TypeError, match=rf"X must hold real numbers, got dtype {name}"):
        Conv1d(W3, B3).forward(bad)
    with pytest.raises(TypeError, match=r"W must hold real numbers"):
        Conv1d(np.ones((3, 2, 3), dtype=bad.dtype), B3)
    with pytest.raises(TypeError, match=r"B must hold real numbers"):
        Conv1d(W3, np.zeros(3, dtype=bad.dtype))
    layer = Conv1d(W3, B3)
    layer.forward(np.ones((2, 5)))
    with pytest.raises(TypeError, match=r"dA must hold real numbers"):
        layer.backward(np.ones((3, 3), dtype=bad.dtype))


# ---- SimpleConv1d ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("W, B, error, match", [
    (np.ones((2, 3)), [0.0], ValueError, r"W must have shape \(F,\) with F >= 1, got \(2, 3\)"),
    (np.ones(0), [0.0], ValueError, r"got \(0,\)"),
    (5.0, [0.0], ValueError, r"W must have shape \(F,\).*got \(\)"),
    (np.ones(3), [0.0, 1.0], ValueError, r"B must have shape \(1,\), got \(2,\)"),
    (np.ones(3), [], ValueError, r"B must have shape \(1,\), got \(0,\)"),
    (np.ones(3, dtype=complex), [0.0], TypeError, r"W must hold real numbers, got dtype complex128"),
    (np.ones(3), [True], TypeError, r"B must hold real numbers, got dtype bool"),
])
def test_simple_conv1d_bad_parameters(W, B, error, match):
    with pytest.raises(error, match=match):
        SimpleConv1d(W, B)


@pytest.mark.parametrize("X, error, match", [
    (np.ones((1, 5)), ValueError, r"one channel X of shape \(N_in,\), got \(1, 5\)"),
    (np.ones(2), ValueError, r"input length 2 is shorter than the filter length 3"),
    (np.ones(4, dtype=bool), TypeError, r"X must hold real numbers, got dtype bool"),
])
def test_simple_conv1d_bad_input(X, error, match):
    with pytest.raises(error, match=match):
        SimpleConv1d(np.ones(3), [0.0]).forward(X)


@pytest.mark.parametrize("dA, match", [(np.ones(3), r"dA has shape \(3,\), expected \(2,\)"),
                                       (np.ones((1, 2)), r"dA has shape \(1, 2\), expected \(2,\)")])
def test_simple_conv1d_dA_of_the_wrong_shape(dA, match):
    layer = SimpleConv1d(np.ones(3), [0.0])
    layer.forward(np.ones(4))
    with pytest.raises(ValueError, match=match):
        layer.backward(dA)


# ---- FC, MaxPool1d, initializers ------------------------------------------------------------------------------
@pytest.mark.parametrize("W, B, match", [
    (np.ones(4), np.zeros(4), r"W \(n_in, n_out\) and B \(n_out,\), got \(4,\) and \(4,\)"),
    (np.ones((4, 3)), np.zeros(4), r"got \(4, 3\) and \(4,\)"),
    (np.ones((4, 3)), np.zeros((1, 3)), r"got \(4, 3\) and \(1, 3\)"),
])
def test_fc_bad_parameters(W, B, match):
    with pytest.raises(ValueError, match=match):
        FC(W, B)


@pytest.mark.parametrize("X, match", [(np.ones((2, 5)), r"X of shape \(batch, 4\), got \(2, 5\)"),
                                      (np.ones(4), r"got \(4,\)"),
                                      (np.ones((2, 1, 4)), r"got \(2, 1, 4\)")])
def test_fc_bad_input(X, match):
    with pytest.raises(ValueError, match=match):
        FC(np.ones((4, 3)), np.zeros(3)).forward(X)


def test_fc_non_real_dtype():
    with pytest.raises(TypeError, match=r"X must hold real numbers, got dtype complex128"):
        FC(np.ones((4, 3)), np.zeros(3)).forward(np.ones((2, 4), dtype=complex))


def test_maxpool1d_bad_input():
    with pytest.raises(ValueError, match=r"pool_size must be >= 1, got 0"):
        MaxPool1d(0)
    with pytest.raises(ValueError, match=r"pool_size must be an integer, got 2\.0"):
        MaxPool1d(2.0)
    with pytest.raises(ValueError, match=r"X of shape \(batch, C, N\), got \(3, 4\)"):
        MaxPool1d(2).forward(np.ones((3, 4)))
    with pytest.raises(ValueError, match=r"input length 2 is shorter than pool_size 3"):
        MaxPool1d(3).forward(np.ones((1, 1, 2)))


def test_initializer_bad_shape():
    with pytest.raises(ValueError, match=r"got \(5,\)"):
        fan_in((5,))
    with pytest.raises(ValueError, match=r"Conv1d shape \(C_out, C_in, F\), got \(1, 2, 3, 4\)"):
        HeInitializer().W(1, 2, 3, 4)


# ---- GetMiniBatch ---------------------------------------------------------------------------------------------
def test_get_mini_batch_mismatched_lengths_and_bad_batch_size():
    with pytest.raises(ValueError, match=r"X has 10 samples but y has 9"):
        GetMiniBatch(np.zeros((10, 2, 3)), np.zeros(9))
    with pytest.raises(ValueError, match=r"batch_size must be >= 1, got 0"):
        GetMiniBatch(np.zeros((10, 3)), np.zeros(10), batch_size=0)


# ---- the classifier -------------------------------------------------------------------------------------------
SMALL = dict(conv_channels=(2,), n_hidden=4, epochs=1, batch_size=5, verbose=False)
X_OK = np.zeros((10, 3, 8))
Y_OK = np.arange(10)


@pytest.mark.parametrize("X, match", [
    (np.zeros((10, 1, 3, 8)), r"shape \(n_samples, C, L\) or \(n_samples, L\), got \(10, 1, 3, 8\)"),
    (np.zeros(10), r"got \(10,\)"),
])
def test_classifier_wrong_X_ndim(X, match):
    with pytest.raises(ValueError, match=match):
        Scratch1dCNNClassifier(**SMALL).fit(X, Y_OK)


def test_classifier_non_numeric_X():
    with pytest.raises(TypeError, match=r"X must hold numbers, got dtype <U1"):
        Scratch1dCNNClassifier(**SMALL).fit(np.full((10, 3, 8), "a"), Y_OK)


@pytest.mark.parametrize("y, match", [
    (np.r_[np.arange(9), 10], r"labels must be in 0\.\.9, got values from 0 to 10"),
    (np.r_[-1, np.arange(9)], r"labels must be in 0\.\.9, got values from -1 to 8"),
    (np.arange(9), r"y must have shape \(10,\), got \(9,\)"),
    (np.arange(11), r"y must have shape \(10,\), got \(11,\)"),
    (np.arange(10).reshape(10, 1), r"y must have shape \(10,\), got \(10, 1\)"),
    (np.full(10, 0.5), r"integer class labels, got dtype float64"),
])
def test_classifier_bad_labels(y, match):
    with pytest.raises(ValueError, match=match):
        Scratch1dCNNClassifier(**SMALL).fit(X_OK, y)


def test_classifier_labels_outside_a_smaller_class_count():
    with pytest.raises(ValueError, match=r"labels must be in 0\.\.2, got values from 0 to 9"):
        Scratch1dCNNClassifier(**SMALL, n_classes=3).fit(X_OK, Y_OK)


def test_classifier_predict_before_fit():
    with pytest.raises(RuntimeError, match=r"not fitted yet: call fit\(X, y\) first"):
        Scratch1dCNNClassifier(**SMALL).predict(X_OK)
    with pytest.raises(RuntimeError, match="not fitted"):
        Scratch1dCNNClassifier(**SMALL).predict_proba(X_OK)


def test_classifier_unknown_names():
    with pytest.raises(ValueError, match=r"optimizer must be one of \['adagrad', 'adam', 'sgd'\], got 'rmsprop'"):
        Scratch1dCNNClassifier(optimizer="rmsprop")
    with pytest.raises(ValueError, match=r"optimizer must be one of .*got 'Adam'"):
        Scratch1dCNNClassifier(optimizer="Adam")
    with pytest.raises(ValueError, match=r"initializer must be one of \['he', 'simple', 'xavier'\], got 'glorot'"):
        Scratch1dCNNClassifier(initializer="glorot")


def test_classifier_predict_on_another_sample_shape():
    clf = Scratch1dCNNClassifier(**SMALL).fit(X_OK, Y_OK)
    with pytest.raises(ValueError, match=r"sample shape \(3, 9\), but the model was fit on \(3, 8\)"):
        clf.predict(np.zeros((2, 3, 9)))
