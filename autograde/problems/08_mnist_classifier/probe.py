"""Hidden tests of notebook 08_mnist_classifier: one `# %% grade_id` section per grade cell (the probe half).

Conv1d: random batches, paddings and strides. Classifier: synthetic data of other shapes for the API, and a bounded
MNIST run (5000 images, 3 epochs, ~1 s for the reference) for learning, evaluated on images only the grader has
(grader-chosen test images, shifted by a pixel, with light noise: nothing the kernel can look up) by recomputing the
trained network the classifier holds in clf.layers. Each section runs in the student's kernel
after the visible test and only reports the results (numbers); autograde/problems/08_mnist_classifier/judge.py
computes the expected values (loops for Conv1d, the accuracy for MNIST) and applies the thresholds in the grader.
"""
# ruff: noqa: F821  (Conv1d, Scratch1dCNNClassifier: the student's; _probe: autograde/grade/probe.py, put in by the build)

# %% common
CONV = [(3, 11, 4, 1, 2), (2, 9, 5, "same", 1), (4, 6, 3, 1, 1), (1, 13, 2, 3, 4), (5, 7, 7, 2, 2)]  # batch N_in F P S

# %% test_conv1d_forward
_probe("test_conv1d_forward", _conv_cases(801, "batch N_in F P S", CONV), _forward)

# %% test_conv1d_backward
_probe("test_conv1d_backward", _conv_cases(802, "batch N_in F P S", CONV, backward=True), _gradients)

# %% test_conv1d_optimizer
def _run(X, W, B, P, S, dA):
    optimizer = _RecordingSGD(0.5)
    return _step(_layer(W, B, P, S, optimizer), X, dA, optimizer)


_probe("test_conv1d_optimizer", _conv_cases(803, "batch N_in F P S", CONV[:2], backward=True), _run)
del _run

# %% test_fit_history
def _cases():
    import numpy as np

    rng = np.random.default_rng((_HIDDEN_SEED, 804))
    X = rng.random((120, 28, 28)).astype(np.float32)
    yield "120 samples (28, 28), 3 epochs, no validation data", {"X": X, "y": rng.integers(0, 10, 120), "epochs": 3}


def _run(X, y, epochs):
    clf = Scratch1dCNNClassifier(conv_channels=(3,), n_hidden=8, n_classes=10, epochs=epochs, batch_size=40, seed=1,
                                 verbose=False, lr_decay=1.0, shift=0)
    results = {"fit_returns_self": float(clf.fit(X, y) is clf)}
    history = getattr(clf, "history", None)
    results["history_is_dict"] = float(isinstance(history, dict))
    for name in ("loss", "accuracy", "val_loss", "val_accuracy"):
        present = isinstance(history, dict) and name in history
        results[f"has_{name}"] = float(present)
        results[name] = history[name] if present else []
    return results


_probe("test_fit_history", _cases(), _run)
del _cases, _run

# %% test_predict_proba
def _cases():
    import numpy as np

    rng = np.random.default_rng((_HIDDEN_SEED, 805))
    for n_train, n_test, C, L, n_classes, channels in [(60, 23, 3, 20, 4, (4, 6)), (80, 101, 28, 28, 10, (5,))]:
        X, y = rng.standard_normal((n_train, C, L)).astype(np.float32), rng.integers(0, n_classes, n_train)
        X_new = rng.standard_normal((n_test, C, L)).astype(np.float32)
        yield (f"samples ({C}, {L}), n_classes={n_classes}, conv_channels={channels}",
               {"X": X, "y": y, "X_new": X_new, "n_classes": n_classes, "channels": channels})


def _run(X, y, X_new, n_classes, channels):
    clf = Scratch1dCNNClassifier(conv_channels=channels, n_hidden=8, n_classes=n_classes, epochs=1, batch_size=16,
                                 seed=2, verbose=False, lr_decay=1.0, shift=0)
    clf.fit(X.copy(), y.copy())
    return clf.predict_proba(X_new.copy())


_probe("test_predict_proba", _cases(), _run)
del _cases, _run

# %% test_predict
def _cases():
    import numpy as np

    rng = np.random.default_rng((_HIDDEN_SEED, 806))
    for n_train, n_test, C, L, n_classes in [(60, 23, 3, 20, 4), (80, 101, 28, 28, 10)]:
        X, y = rng.standard_normal((n_train, C, L)).astype(np.float32), rng.integers(0, n_classes, n_train)
        X_new = rng.standard_normal((n_test, C, L)).astype(np.float32)
        yield f"samples ({C}, {L}), n_classes={n_classes}", {"X": X, "y": y, "X_new": X_new, "n_classes": n_classes}


def _run(X, y, X_new, n_classes):
    import numpy

    clf = Scratch1dCNNClassifier(conv_channels=(4,), n_hidden=8, n_classes=n_classes, epochs=1, batch_size=16,
                                 seed=3, verbose=False, lr_decay=1.0, shift=0)
    clf.fit(X.copy(), y.copy())
    labels = numpy.asarray(clf.predict(X_new.copy()))
    return {"labels": labels, "integer_dtype": float(labels.dtype.kind in "iu"),
            "proba": clf.predict_proba(X_new.copy())}


_probe("test_predict", _cases(), _run)
del _cases, _run

# %% test_labels
def _cases():
    import numpy as np

    rng = np.random.default_rng((_HIDDEN_SEED, 807))
    X = rng.random((30, 28, 28)).astype(np.float32)
    for bad, n_classes in [(12, 10), (-3, 10), (4, 4), (10, 10)]:
        y = rng.integers(0, n_classes, 30)
        y[int(rng.integers(0, 30))] = bad
        yield f"a label {bad}, n_classes={n_classes}", {"X": X, "y": y, "n_classes": n_classes}
    yield "valid labels 0..3, n_classes=4", {"X": X, "y": rng.integers(0, 4, 30), "n_classes": 4}


def _run(X, y, n_classes):
    Scratch1dCNNClassifier(conv_channels=(2,), n_hidden=8, n_classes=n_classes, epochs=1, verbose=False,
                           lr_decay=1.0, shift=0).fit(X.copy(), y.copy())
    return 1.0  # fit returned: the judge wants this only for valid labels


_probe("test_labels", _cases(), _run)
del _cases, _run

# %% test_learns
_HIDDEN_INPUTS = None  # this run's grader data, written here before the notebook runs


def _cases():
    """Training: 5000 MNIST images from the data file (drawn with the run's seed). Test: the grader's images, sent
    in this region (shifted by a pixel, with light noise, drawn with a seed only the grader knows); no labels."""
    import base64
    import io
    import zlib
    from pathlib import Path

    import numpy as np

    here = Path.cwd()
    path = next((f / "data" / "mnist.npz" for f in (here, *here.parents) if (f / "data" / "mnist.npz").is_file()), None)
    if path is None:
        raise FileNotFoundError(f"hidden test: data/mnist.npz not found in {here} or its parents")
    rng = np.random.default_rng((_HIDDEN_SEED, 808))
    with np.load(path) as npz:
        train = rng.choice(60000, 5000, replace=False)
        X_train, y_train = npz["x_train"][train].astype(np.float32) / 255, npz["y_train"][train]
        stand_in = npz["x_test"][rng.choice(10000, 100, replace=False)]  # outside a grading run only
    images = stand_in if _HIDDEN_INPUTS is None else np.load(io.BytesIO(zlib.decompress(base64.b64decode(
        _HIDDEN_INPUTS))), allow_pickle=False)
    yield (f"MNIST: 5000 training images, 3 epochs, {len(images)} test images from the grader",
           {"X_train": X_train, "y_train": y_train, "X_test": images.astype(np.float32) / 255})


def _run(X_train, y_train, X_test):
    """The predicted labels, and the trained network (clf.layers) for the grader to recompute them."""
    import numpy

    # every setting of the skeleton's signature is given, so a student's own defaults do not matter
    clf = Scratch1dCNNClassifier(conv_channels=(16,), filter_size=3, pool_size=2, n_hidden=64, n_classes=10,
                                 epochs=3, batch_size=50, optimizer="adam", lr=3e-3, initializer="he", seed=1,
                                 dtype=numpy.float32, verbose=False, lr_decay=1.0, shift=0)
    clf.fit(X_train.copy(), y_train.copy())
    results = {"labels": numpy.argmax(numpy.asarray(clf.predict_proba(X_test.copy()), dtype=numpy.float64), axis=1)}
    for number, layer in enumerate(list(getattr(clf, "layers", None) or [])[:50]):
        name, W = type(layer).__name__.lower(), getattr(layer, "W", None)
        prefix = f"{number:02d} "
        if W is not None and numpy.ndim(W) in (2, 3):
            kind = "conv" if numpy.ndim(W) == 3 else "fc"
            results[prefix + kind + " W"], results[prefix + kind + " B"] = W, getattr(layer, "B", 0.0)
            if kind == "conv":
                padding = getattr(layer, "padding", 0)
                padding = (numpy.shape(W)[2] - 1) // 2 if isinstance(padding, str) and padding == "same" else padding
                results[prefix + "conv stride"] = getattr(layer, "stride", 1)
                results[prefix + "conv padding"] = padding
        elif "relu" in name:
            results[prefix + "relu"] = 0
        elif "flatten" in name:
            results[prefix + "flatten"] = 0
        elif "pool" in name:
            results[prefix + "pool size"] = getattr(layer, "pool_size", 0)
        else:
            results[prefix + "unknown " + name[:40]] = 0
    return results


_probe("test_learns", _cases(), _run)
del _cases, _run, _HIDDEN_INPUTS
