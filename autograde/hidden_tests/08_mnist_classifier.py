# Hidden tests for notebooks/08_mnist_classifier.ipynb: each `# %% test_id` section is appended to that grade cell.
# Conv1d: random batches, paddings and strides against loops written out here. Classifier: synthetic data of other
# shapes for the API, and a bounded MNIST run (5000 images, 3 epochs, ~1 s for the reference) for learning.
# ruff: noqa: F821, E402 - names come from the notebook; each section imports what it uses

# %% test_conv1d_forward
import numpy as np

rng = np.random.default_rng(801)
for batch, n_in, F, P, S in [(3, 11, 4, 1, 2), (2, 9, 5, "same", 1), (4, 6, 3, 1, 1), (1, 13, 2, 3, 4),
                             (5, 7, 7, 2, 2)]:
    c_in, c_out = int(rng.integers(1, 4)), int(rng.integers(4, 7))
    X = rng.standard_normal((batch, c_in, n_in))
    W, B = rng.standard_normal((c_out, c_in, F)), rng.standard_normal(c_out)
    p = (F - 1) // 2 if P == "same" else P
    Xp = np.zeros((batch, c_in, n_in + 2 * p))
    Xp[:, :, p : p + n_in] = X
    n_out = (n_in + 2 * p - F) // S + 1
    want = np.zeros((batch, c_out, n_out))
    for n in range(batch):
        for o in range(c_out):
            for i in range(n_out):
                want[n, o, i] = np.sum(Xp[n, :, i * S : i * S + F] * W[o]) + B[o]
    A = np.array(Conv1d(W.copy(), B.copy(), stride=S, padding=P).forward(X.copy()), dtype=np.float64)
    where = f"X {X.shape}, W {W.shape}, padding={P!r}, stride={S}"
    assert A.shape == want.shape, f"{where}: forward shape {A.shape}, expected {want.shape}"
    assert np.allclose(A, want, rtol=1e-7, atol=1e-9), f"{where}: forward max error {np.max(np.abs(A - want)):.3g}"

# %% test_conv1d_backward
import numpy as np

rng = np.random.default_rng(802)
for batch, n_in, F, P, S in [(3, 11, 4, 1, 2), (2, 9, 5, "same", 1), (4, 6, 3, 1, 1), (1, 13, 2, 3, 4),
                             (5, 7, 7, 2, 2)]:
    c_in, c_out = int(rng.integers(1, 4)), int(rng.integers(4, 7))
    X = rng.standard_normal((batch, c_in, n_in))
    W, B = rng.standard_normal((c_out, c_in, F)), rng.standard_normal(c_out)
    p = (F - 1) // 2 if P == "same" else P
    Xp = np.zeros((batch, c_in, n_in + 2 * p))
    Xp[:, :, p : p + n_in] = X
    n_out = (n_in + 2 * p - F) // S + 1
    dA = rng.standard_normal((batch, c_out, n_out))
    dXp, want_dW = np.zeros_like(Xp), np.zeros_like(W)
    for n in range(batch):
        for o in range(c_out):
            for i in range(n_out):
                dXp[n, :, i * S : i * S + F] += dA[n, o, i] * W[o]
                want_dW[o] += dA[n, o, i] * Xp[n, :, i * S : i * S + F]
    layer = Conv1d(W.copy(), B.copy(), stride=S, padding=P)
    layer.forward(X.copy())
    dX = np.array(layer.backward(dA.copy()), dtype=np.float64)
    where = f"X {X.shape}, W {W.shape}, padding={P!r}, stride={S}"
    assert dX.shape == X.shape, f"{where}: dX shape {dX.shape}, expected {X.shape}"
    assert np.allclose(dX, dXp[:, :, p : p + n_in], rtol=1e-7, atol=1e-9), f"{where}: dX values differ"
    dW, dB = np.array(layer.dW, dtype=np.float64), np.array(layer.dB, dtype=np.float64)
    assert dW.shape == W.shape and np.allclose(dW, want_dW, rtol=1e-7, atol=1e-9), f"{where}: dW differs"
    assert dB.shape == B.shape and np.allclose(dB, dA.sum(axis=(0, 2)), rtol=1e-7, atol=1e-9), f"{where}: dB differs"

# %% test_conv1d_optimizer
import numpy as np


class _HiddenSGD:
    """lr = 0.5, counting its calls (defined here: the notebook's SGD could be redefined)."""

    def __init__(self):
        self.calls = 0

    def update(self, layer):
        self.calls += 1
        layer.W -= 0.5 * layer.dW
        layer.B -= 0.5 * layer.dB
        return layer


rng = np.random.default_rng(803)
for batch, n_in, F, P, S in [(3, 11, 4, 1, 2), (2, 9, 5, "same", 1)]:
    X = rng.standard_normal((batch, 3, n_in))
    W, B = rng.standard_normal((5, 3, F)), rng.standard_normal(5)
    plain = Conv1d(W.copy(), B.copy(), stride=S, padding=P)  # the same layer without an optimizer
    dA = rng.standard_normal(np.shape(plain.forward(X.copy())))
    dX_plain = np.array(plain.backward(dA.copy()), dtype=np.float64)
    dW_plain, dB_plain = np.array(plain.dW, dtype=np.float64), np.array(plain.dB, dtype=np.float64)
    optimizer = _HiddenSGD()
    layer = Conv1d(W.copy(), B.copy(), stride=S, padding=P, optimizer=optimizer)
    layer.forward(X.copy())
    dX = np.array(layer.backward(dA.copy()), dtype=np.float64)
    where = f"X {X.shape}, W {W.shape}, padding={P!r}, stride={S}, an SGD optimizer with lr=0.5"
    assert optimizer.calls == 1, f"{where}: optimizer.update was called {optimizer.calls} times, expected once"
    assert dX.shape == dX_plain.shape and np.allclose(dX, dX_plain, rtol=1e-7, atol=1e-9), (
        f"{where}: dX differs from the layer without optimizer: compute dX with W before the update")
    assert np.allclose(np.array(layer.W, dtype=np.float64), W - 0.5 * dW_plain, rtol=1e-7, atol=1e-9), (
        f"{where}: after backward, W is not W - lr * dW")
    assert np.allclose(np.array(layer.B, dtype=np.float64), B - 0.5 * dB_plain, rtol=1e-7, atol=1e-9), (
        f"{where}: after backward, B is not B - lr * dB")

# %% test_fit_history
import numpy as np

rng = np.random.default_rng(804)
X = rng.random((120, 28, 28)).astype(np.float32)
y = rng.integers(0, 10, 120)
clf = Scratch1dCNNClassifier(conv_channels=(3,), n_hidden=8, epochs=3, batch_size=40, seed=1, verbose=False,
                             lr_decay=1.0, shift=0)
assert clf.fit(X, y) is clf, "fit must return self"
history = clf.history
assert isinstance(history, dict), f"history must be a dict, got {type(history).__name__}"
for key in ("loss", "accuracy"):
    assert key in history, f"history has no key {key!r} after fit without validation data"
    values = np.array(history[key], dtype=np.float64)
    assert values.shape == (3,), f"history[{key!r}] has {values.size} values after 3 epochs, expected 3"
    assert np.all(np.isfinite(values)), f"history[{key!r}] = {values} is not finite"
assert np.all((np.array(history["accuracy"]) >= 0) & (np.array(history["accuracy"]) <= 1)), (
    f"history['accuracy'] = {history['accuracy']} must be fractions in [0, 1]")
for key in ("val_loss", "val_accuracy"):
    assert len(history.get(key, [])) == 0, f"history[{key!r}] must stay empty or absent without validation data"

# %% test_predict_proba
import numpy as np

rng = np.random.default_rng(805)
for n_train, n_test, C, L, n_classes, channels in [(60, 23, 3, 20, 4, (4, 6)), (80, 101, 28, 28, 10, (5,))]:
    X, y = rng.standard_normal((n_train, C, L)).astype(np.float32), rng.integers(0, n_classes, n_train)
    clf = Scratch1dCNNClassifier(conv_channels=channels, n_hidden=8, n_classes=n_classes, epochs=1, batch_size=16,
                                 seed=2, verbose=False, lr_decay=1.0, shift=0)
    clf.fit(X, y)
    proba = np.array(clf.predict_proba(rng.standard_normal((n_test, C, L)).astype(np.float32)), dtype=np.float64)
    where = f"model on samples ({C}, {L}), n_classes={n_classes}, conv_channels={channels}"
    assert proba.shape == (n_test, n_classes), (
        f"{where}: predict_proba shape {proba.shape}, expected {(n_test, n_classes)}")
    assert np.all(proba >= 0), f"{where}: predict_proba has negative values"
    assert np.allclose(proba.sum(axis=1), 1, atol=1e-5), f"{where}: predict_proba rows do not sum to 1"

# %% test_predict
import numpy as np

rng = np.random.default_rng(806)
for n_train, n_test, C, L, n_classes in [(60, 23, 3, 20, 4), (80, 101, 28, 28, 10)]:
    X, y = rng.standard_normal((n_train, C, L)).astype(np.float32), rng.integers(0, n_classes, n_train)
    clf = Scratch1dCNNClassifier(conv_channels=(4,), n_hidden=8, n_classes=n_classes, epochs=1, batch_size=16,
                                 seed=3, verbose=False, lr_decay=1.0, shift=0)
    clf.fit(X, y)
    X_new = rng.standard_normal((n_test, C, L)).astype(np.float32)
    pred = np.asarray(clf.predict(X_new))
    where = f"model on samples ({C}, {L}), n_classes={n_classes}"
    assert pred.shape == (n_test,), f"{where}: predict shape {pred.shape}, expected {(n_test,)}"
    assert pred.dtype.kind in "iu", f"{where}: predict dtype {pred.dtype}, expected integer labels"
    want = np.argmax(np.array(clf.predict_proba(X_new), dtype=np.float64), axis=1)
    assert np.array_equal(pred, want), f"{where}: predict differs from predict_proba(X).argmax(axis=1)"

# %% test_labels
import numpy as np

rng = np.random.default_rng(807)
X = rng.random((30, 28, 28)).astype(np.float32)
for bad, n_classes in [(12, 10), (-3, 10), (4, 4), (10, 10)]:
    y = rng.integers(0, n_classes, 30)
    y[int(rng.integers(0, 30))] = bad
    try:
        Scratch1dCNNClassifier(conv_channels=(2,), n_hidden=8, n_classes=n_classes, epochs=1,
                               verbose=False, lr_decay=1.0, shift=0).fit(X, y)
    except ValueError:
        pass
    except Exception as error:  # noqa: BLE001
        raise AssertionError(f"fit with a label {bad} (n_classes={n_classes}) raised {type(error).__name__}, "
                             "expected ValueError") from None
    else:
        raise AssertionError(f"fit with a label {bad} (n_classes={n_classes}) did not raise ValueError")
y = rng.integers(0, 4, 30)  # valid labels with n_classes=4 must still work
_ = Scratch1dCNNClassifier(conv_channels=(2,), n_hidden=8, n_classes=4, epochs=1, verbose=False, lr_decay=1.0,
                           shift=0).fit(X, y)

# %% test_learns
import time as _time
from pathlib import Path

import numpy as np

_here = Path.cwd()
_path = next((f / "data" / "mnist.npz" for f in (_here, *_here.parents) if (f / "data" / "mnist.npz").is_file()), None)
assert _path is not None, f"hidden test: data/mnist.npz not found in {_here} or its parents"
rng = np.random.default_rng(808)
with np.load(_path) as _npz:
    _train = rng.choice(60000, 5000, replace=False)
    _test = rng.choice(10000, 2000, replace=False)
    _X_tr, _y_tr = _npz["x_train"][_train].astype(np.float32) / 255, _npz["y_train"][_train]
    _X_te, _y_te = _npz["x_test"][_test].astype(np.float32) / 255, _npz["y_test"][_test]
_start = _time.perf_counter()
clf = Scratch1dCNNClassifier(conv_channels=(16,), filter_size=3, pool_size=2, n_hidden=64, epochs=3, batch_size=50,
                             optimizer="adam", lr=3e-3, initializer="he", seed=1, verbose=False,
                             lr_decay=1.0, shift=0)
clf.fit(_X_tr, _y_tr)
_accuracy = float(np.mean(np.argmax(np.array(clf.predict_proba(_X_te), dtype=np.float64), axis=1) == _y_te))
_seconds = _time.perf_counter() - _start
assert _accuracy >= 0.80, (
    f"hidden MNIST run (5000 training images, 3 epochs): test accuracy {_accuracy:.3f} < 0.80 "
    f"({_seconds:.1f} s); guessing gives 0.10")
