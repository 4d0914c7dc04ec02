"""Judges of notebook 08_mnist_classifier (the grader's half; cases: autograde/problems/08_mnist_classifier/probe.py).

Conv1d: the loop oracle of autograde/problems/oracles.py, independent of solutions/. Classifier: training is the
student's own (its numbers cannot be recomputed here), so its results are judged by the properties they must have
(shapes, probabilities, argmax consistency, history lengths) and, for MNIST, by the accuracy computed here from the
predicted labels and the true ones.
"""

import numpy as np

from autograde.grade.expect import expect_close, expect_optimizer_step, expect_raises, named, value
from autograde.problems.oracles import backward, forward

CONV_TOLERANCE = {"rtol": 1e-7, "atol": 1e-9}
MIN_MNIST_ACCURACY = 0.80
FORWARD_HINT = ("This is problem 7's Conv1d: pad, take windows starting at i * S, for every sample.\n"
                "問題7の Conv1d です。パディングし、各サンプルで i * S から始まる窓をとります。")
BACKWARD_HINT = ("Add into the padded gradient at i*S + s, sum dW and dB over the batch, then cut P values off each "
                 "end.\nパディング後の勾配の i*S + s に足し込み、dW と dB はバッチで和をとり、最後に両端の P 個ずつを"
                 "切り落とします。")


def _padding(P, F: int) -> int:
    return (F - 1) // 2 if P == "same" else P


def _where(X, W, P, S) -> str:
    return f"X {X.shape}, W {W.shape}, padding={P!r}, stride={S}"


def _is_one(number: np.ndarray) -> bool:
    """A fact the probe recorded as float(True): exactly the scalar 1."""
    return number.shape == () and float(number) == 1.0


def test_conv1d_forward(key, got, *, X, W, B, P, S):
    what = f"Conv1d forward with {_where(X, W, P, S)}"
    expect_close(what, value(got, what), forward(X, W, B, _padding(P, W.shape[2]), S), FORWARD_HINT,
                 **CONV_TOLERANCE)


def test_conv1d_backward(key, got, *, X, W, B, P, S, dA):
    where = _where(X, W, P, S)
    results = named(got, f"Conv1d backward with {where}", ["dX", "dW", "dB"])
    expected = backward(X, W, dA, _padding(P, W.shape[2]), S)
    for name in ("dX", "dW", "dB"):
        expect_close(f"{where}: {name}", results[name], expected[name], BACKWARD_HINT, **CONV_TOLERANCE)


def test_conv1d_optimizer(key, got, *, X, W, B, P, S, dA):
    expected = backward(X, W, dA, _padding(P, W.shape[2]), S)
    expect_optimizer_step(f"{_where(X, W, P, S)}, an SGD optimizer with lr=0.5", got, W=W, B=B, lr=0.5, **expected,
                          **CONV_TOLERANCE)


def test_fit_history(key, got, *, X, y, epochs):
    names = ["fit_returns_self", "history_is_dict", "loss", "accuracy", "val_loss", "val_accuracy"]
    results = named(got, "fit(X, y)", names + ["has_loss", "has_accuracy"])
    if not _is_one(results["fit_returns_self"]):
        raise AssertionError("fit must return self. / fit は self を返します。")
    if not _is_one(results["history_is_dict"]):
        raise AssertionError("after fit, clf.history must be a dict. / fit のあと clf.history は dict です。")
    for name in ("loss", "accuracy"):
        if not _is_one(results[f"has_{name}"]):
            raise AssertionError(f"history has no key {name!r} after fit without validation data.\n"
                                 f"検証データなしの fit のあと history にキー {name!r} がありません。")
        values = results[name]
        if values.shape != (epochs,):
            raise AssertionError(f"history[{name!r}] has shape {values.shape} after {epochs} epochs, expected "
                                 f"({epochs},): one value per epoch.\nhistory[{name!r}] の形状が {values.shape} です"
                                 f"（{epochs} エポックなら ({epochs},)、エポックごとに1つ）。")
        if not np.all(np.isfinite(values)):
            raise AssertionError(f"history[{name!r}] = {values} is not finite. / 有限ではありません。")
    accuracy = results["accuracy"]
    if not np.all((accuracy >= 0) & (accuracy <= 1)):
        raise AssertionError(f"history['accuracy'] = {accuracy} must be fractions in [0, 1]. / 0〜1 の割合にします。")
    for name in ("val_loss", "val_accuracy"):
        if results[name].size:
            raise AssertionError(f"history[{name!r}] = {results[name]} must stay empty or absent without validation "
                                 f"data.\n検証データがないとき history[{name!r}] は空（またはなし）です。")


def test_predict_proba(key, got, *, X, y, X_new, n_classes, channels):
    where = f"model on samples {X.shape[1:]}, n_classes={n_classes}, conv_channels={channels}"
    proba = value(got, f"predict_proba, {where}")
    want = (len(X_new), n_classes)
    if proba.shape != want:
        raise AssertionError(f"{where}: predict_proba shape {proba.shape}, expected {want}\n"
                             f"One row per sample, one column per class. / サンプルごとに1行、クラスごとに1列です。")
    if not np.all(proba >= 0):
        raise AssertionError(f"{where}: predict_proba has negative values. / predict_proba が負の値を返しました。")
    expect_close(f"{where}: predict_proba(X).sum(axis=1)", proba.sum(axis=1), np.ones(len(X_new)),
                 "Apply softmax to the last layer's scores. / 最後の層の出力に softmax をかけます。", rtol=0, atol=1e-5)


def test_predict(key, got, *, X, y, X_new, n_classes):
    where = f"model on samples {X.shape[1:]}, n_classes={n_classes}"
    results = named(got, f"predict, {where}", ["labels", "integer_dtype", "proba"])
    labels, proba = results["labels"], results["proba"]
    if labels.shape != (len(X_new),):
        raise AssertionError(f"{where}: predict shape {labels.shape}, expected {(len(X_new),)}\n"
                             "One label per sample, not probabilities.\n"
                             "サンプルごとにラベルを1つ返します（確率ではなく）。")
    if not _is_one(results["integer_dtype"]):
        raise AssertionError(f"{where}: predict must return integer labels (argmax).\n"
                             "predict はラベルを整数（argmax）で返します。")
    if proba.shape != (len(X_new), n_classes) or not np.array_equal(labels, np.argmax(proba, axis=1)):
        raise AssertionError(f"{where}: predict differs from predict_proba(X).argmax(axis=1)\n"
                             "predict(X) は predict_proba(X).argmax(axis=1) です。")


def test_labels(key, got, *, X, y, n_classes):
    bad = y[(y < 0) | (y >= n_classes)]
    what = f"fit(X, y) with n_classes={n_classes}"
    if bad.size:
        expect_raises(f"{what} and a label {int(bad[0])}", got, ValueError,
                      "Check the labels in fit before training: 0 <= y < n_classes.\n"
                      "学習の前に fit でラベルを確かめます：0 <= y < n_classes。")
    else:
        value(got, f"{what} and valid labels 0..{n_classes - 1}")


def test_learns(key, got, *, X_train, y_train, X_test, y_test):
    labels = value(got, "the hidden MNIST run")
    if labels.shape != y_test.shape:
        raise AssertionError(f"hidden MNIST run: {labels.shape} predicted labels, expected {y_test.shape}")
    accuracy = float(np.mean(labels == y_test))
    if not accuracy >= MIN_MNIST_ACCURACY:
        raise AssertionError(
            f"hidden MNIST run ({len(y_train)} training images, 3 epochs): test accuracy {accuracy:.3f} < "
            f"{MIN_MNIST_ACCURACY:.2f} on {len(y_test)} test images; guessing gives 0.10. Does backward reach every "
            f"layer, and does each layer update its weights?\n隠し MNIST テスト（学習 {len(y_train)} 枚・3エポック）："
            f"テスト画像 {len(y_test)} 枚の正解率 {accuracy:.3f} < {MIN_MNIST_ACCURACY:.2f}（当てずっぽうは 0.10）。"
            "backward はすべての層に届いていますか？ 各層は重みを更新していますか？")
