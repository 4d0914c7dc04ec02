"""Problem 8: Scratch1dCNNClassifier's API (fit/predict/predict_proba, history, seeds, bad input) and training."""

import time

import numpy as np
import pytest
from mnist_data import load_mnist

from solutions.p4_conv1d import Conv1d
from solutions.p8_classifier import Scratch1dCNNClassifier

SMALL = dict(conv_channels=(8, 16), n_hidden=32, epochs=2, batch_size=50, lr=3e-3, verbose=False)


@pytest.fixture(scope="module")
def mnist():
    return load_mnist()


@pytest.fixture(scope="module")
def subset(mnist):
    (x_train, y_train), (x_test, y_test) = mnist
    return x_train[:2000], y_train[:2000], x_test[:500], y_test[:500]


@pytest.fixture(scope="module")
def fitted(subset):
    x, y, x_val, y_val = subset
    return Scratch1dCNNClassifier(**SMALL).fit(x, y, x_val, y_val)


def test_fit_returns_self_and_predicts_labels_and_probabilities(subset):
    x, y, x_test, _ = subset
    clf = Scratch1dCNNClassifier(**SMALL)
    assert clf.fit(x[:200], y[:200]) is clf
    labels = clf.predict(x_test)
    assert labels.shape == (len(x_test),) and labels.dtype.kind == "i"
    assert set(np.unique(labels)) <= set(range(10))
    proba = clf.predict_proba(x_test)
    assert proba.shape == (len(x_test), 10) and proba.dtype == np.float32
    np.testing.assert_allclose(proba.sum(axis=1), 1, rtol=1e-5)
    assert np.all(proba >= 0)
    np.testing.assert_array_equal(labels, proba.argmax(axis=1))


def test_history_has_one_entry_per_epoch(fitted, subset):
    assert set(fitted.history) == {"loss", "accuracy", "val_loss", "val_accuracy"}
    assert all(len(values) == SMALL["epochs"] for values in fitted.history.values())
    assert fitted.history["loss"][1] < fitted.history["loss"][0]
    x, y, _, _ = subset
    no_val = Scratch1dCNNClassifier(**{**SMALL, "epochs": 1}).fit(x[:100], y[:100])
    assert set(no_val.history) == {"loss", "accuracy"} and len(no_val.history["loss"]) == 1


def test_history_matches_the_validation_predictions(fitted, subset):
    _, _, x_val, y_val = subset
    assert fitted.history["val_accuracy"][-1] == pytest.approx(np.mean(fitted.predict(x_val) == y_val))
    proba = fitted.predict_proba(x_val)
    assert fitted.history["val_loss"][-1] == pytest.approx(-np.log(proba[np.arange(len(y_val)), y_val]).mean(),
                                                           rel=1e-5)


def test_small_subset_trains_well_above_chance_in_seconds(subset):
    x, y, x_test, y_test = subset
    start = time.perf_counter()
    clf = Scratch1dCNNClassifier(epochs=3, batch_size=50, verbose=False).fit(x, y)  # the reference network
    seconds = time.perf_counter() - start
    accuracy = np.mean(clf.predict(x_test) == y_test)
    assert accuracy > 0.88, f"test accuracy {accuracy:.3f} after {seconds:.1f} s"
    assert seconds < 30  # about 1 s on the course machines; generous for a loaded CI


def test_same_seed_same_model_other_seed_other_model(subset):
    x, y, x_test, _ = subset
    a = Scratch1dCNNClassifier(**SMALL, seed=7).fit(x[:300], y[:300])
    b = Scratch1dCNNClassifier(**SMALL, seed=7).fit(x[:300], y[:300])
    c = Scratch1dCNNClassifier(**SMALL, seed=8).fit(x[:300], y[:300])
    assert a.history == b.history
    np.testing.assert_array_equal(a.predict_proba(x_test), b.predict_proba(x_test))
    assert not np.array_equal(a.predict_proba(x_test), c.predict_proba(x_test))


def test_refit_starts_from_scratch(subset):
    x, y, x_test, _ = subset
    clf = Scratch1dCNNClassifier(**SMALL)
    first = clf.fit(x[:300], y[:300]).predict_proba(x_test)
    second = clf.fit(x[:300], y[:300]).predict_proba(x_test)
    np.testing.assert_array_equal(first, second)


def test_float64_and_flat_1x784_input(subset):
    x, y, x_test, _ = subset
    clf = Scratch1dCNNClassifier(**{**SMALL, "epochs": 1}, dtype=np.float64)
    clf.fit(x[:200].reshape(200, -1), y[:200])
    assert clf.input_shape_ == (1, 784)
    assert clf.layers[0].W.shape[1:] == (1, 3) and clf.layers[0].W.dtype == np.float64
    assert clf.predict_proba(x_test.reshape(len(x_test), -1)).dtype == np.float64
    with pytest.raises(ValueError, match=r"\(1, 784\)"):
        clf.predict(x_test)  # (28, 28) samples for a model fit on (1, 784)


def test_uint8_and_scaled_float_input_give_the_same_model(subset):
    x, y, x_test, _ = subset
    a = Scratch1dCNNClassifier(**{**SMALL, "epochs": 1}).fit(x[:200], y[:200])
    b = Scratch1dCNNClassifier(**{**SMALL, "epochs": 1}).fit(x[:200].astype(np.float32) / 255, y[:200])
    np.testing.assert_allclose(a.predict_proba(x_test), b.predict_proba(x_test), atol=1e-5)


def test_first_convolution_skips_the_input_gradient(fitted):
    convs = [layer for layer in fitted.layers if isinstance(layer, Conv1d)]
    assert [getattr(c, "need_dX", True) for c in convs] == [False, True]  # only the first skips dX
    assert [c.W.shape for c in convs] == [(8, 28, 3), (16, 8, 3)]


def test_lr_decay_scales_every_optimizer_once_per_epoch(subset):
    x, y, _, _ = subset
    clf = Scratch1dCNNClassifier(**{**SMALL, "epochs": 3}, lr_decay=0.5).fit(x[:100], y[:100])
    rates = [layer.optimizer.lr for layer in clf.layers if getattr(layer, "optimizer", None) is not None]
    assert len(rates) == 4 and rates == pytest.approx([SMALL["lr"] * 0.5**3] * 4)


def test_shift_augmentation_changes_training_and_is_validated(subset):
    x, y, x_test, _ = subset
    plain = Scratch1dCNNClassifier(**SMALL, shift=0).fit(x[:300], y[:300])
    shifted = Scratch1dCNNClassifier(**SMALL, shift=2).fit(x[:300], y[:300])
    assert not np.array_equal(plain.predict_proba(x_test), shifted.predict_proba(x_test))
    with pytest.raises(ValueError, match="shift"):
        Scratch1dCNNClassifier(shift=-1)
    with pytest.raises(ValueError, match="shift"):
        Scratch1dCNNClassifier(shift=1.5)


@pytest.mark.parametrize("X, error, match", [
    (np.zeros((10, 1, 28, 28)), ValueError, r"shape \(n_samples, C, L\)"),
    (np.zeros(10), ValueError, r"shape \(n_samples, C, L\)"),
    (np.full((10, 28, 28), "a"), TypeError, "numbers"),
])
def test_bad_X_is_refused(X, error, match):
    with pytest.raises(error, match=match):
        Scratch1dCNNClassifier(**SMALL).fit(X, np.zeros(len(X), dtype=int))


@pytest.mark.parametrize("y, match", [
    (np.r_[np.zeros(9, int), 10], r"0\.\.9.*10"),
    (np.r_[np.zeros(9, int), -1], r"0\.\.9.*-1"),
    (np.zeros(9, int), r"shape \(10,\)"),
    (np.zeros((10, 1), int), r"shape \(10,\)"),
    (np.full(10, 0.5), "integer"),
    (np.array(["1"] * 10), "integer"),
])
def test_bad_labels_are_refused(y, match):
    with pytest.raises(ValueError, match=match):
        Scratch1dCNNClassifier(**SMALL).fit(np.zeros((10, 28, 28)), y)


def test_bad_validation_data_and_constructor_arguments_are_refused():
    X, y = np.zeros((10, 28, 28)), np.zeros(10, dtype=int)
    with pytest.raises(ValueError, match=r"0\.\.9"):
        Scratch1dCNNClassifier(**SMALL).fit(X, y, X[:4], np.array([0, 1, 2, 12]))
    with pytest.raises(ValueError, match=r"sample shape \(28, 27\)"):
        Scratch1dCNNClassifier(**SMALL).fit(X, y, np.zeros((4, 28, 27)), np.zeros(4, int))
    with pytest.raises(ValueError, match="optimizer"):
        Scratch1dCNNClassifier(optimizer="rmsprop")
    with pytest.raises(ValueError, match="initializer"):
        Scratch1dCNNClassifier(initializer="glorot")


def test_predict_before_fit_is_refused():
    with pytest.raises(RuntimeError, match="not fitted"):
        Scratch1dCNNClassifier().predict(np.zeros((2, 28, 28)))
    with pytest.raises(RuntimeError, match="not fitted"):
        Scratch1dCNNClassifier().predict_proba(np.zeros((2, 28, 28)))


@pytest.mark.slow
def test_reference_configuration_reaches_98_5_percent_on_full_mnist(mnist):
    (x_train, y_train), (x_test, y_test) = mnist
    start = time.perf_counter()
    clf = Scratch1dCNNClassifier(verbose=False).fit(x_train, y_train)
    seconds = time.perf_counter() - start
    accuracy = np.mean(clf.predict(x_test) == y_test)
    print(f"reference configuration: test accuracy {accuracy:.4f}, training {seconds:.1f} s")
    assert accuracy >= 0.985
