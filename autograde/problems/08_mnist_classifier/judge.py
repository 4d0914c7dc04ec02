"""Judges of notebook 08_mnist_classifier (the grader's half; cases: autograde/problems/08_mnist_classifier/probe.py).

Conv1d: the loop oracle of autograde/problems/oracles.py, independent of solutions/. Classifier: training is the
student's own (its numbers cannot be recomputed here), so its results are judged by the properties they must have
(shapes, probabilities, argmax consistency, history lengths) and, for MNIST, by the accuracy computed here from the
predicted labels and the true ones.

The MNIST run is judged on images only the grader has (_grader_test_set: chosen, shifted and noised with the run's
grader-only seed, sent into the hidden region by run_inputs), with the predictions recomputed here from the trained
network the classifier holds in clf.layers: a classifier that looks images up, or one that is not a CNN of the
skeleton's layers (sklearn ...), scores 0 there.
"""

import base64
import io
import zlib

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from autograde.grade.expect import expect_close, expect_optimizer_step, expect_raises, named, value
from autograde.problems.oracles import backward, forward, pad
from autograde.sandbox.grading_data import grading_data_dir

GRADER_IMAGES = 1000  # test images of the hidden MNIST run, made by the grader for each run
NOISE = 0.1  # standard deviation of the noise on the strokes, as a fraction of full intensity
MIN_MNIST_ACCURACY = 0.75  # on those images; the reference: about 0.85 (0.94 on unperturbed ones)
MIN_AGREEMENT = 0.98  # kernel's labels vs the network recomputed here (float32 vs float64 rounding may flip a tie)
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
    expect_close(what, value(got, what), forward(X, W, B, _padding(P, W.shape[2]), S), FORWARD_HINT)


def test_conv1d_backward(key, got, *, X, W, B, P, S, dA):
    where = _where(X, W, P, S)
    results = named(got, f"Conv1d backward with {where}", ["dX", "dW", "dB"])
    expected = backward(X, W, dA, _padding(P, W.shape[2]), S)
    for name in ("dX", "dW", "dB"):
        expect_close(f"{where}: {name}", results[name], expected[name], BACKWARD_HINT)


def test_conv1d_optimizer(key, got, *, X, W, B, P, S, dA):
    expected = backward(X, W, dA, _padding(P, W.shape[2]), S)
    expect_optimizer_step(f"{_where(X, W, P, S)}, an SGD optimizer with lr=0.5", got, W=W, B=B, lr=0.5, **expected)


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


# ---- the hidden MNIST run: images only the grader has, and the network recomputed here --------------------------

def _grader_test_set(judge_seed: int) -> tuple[np.ndarray, np.ndarray]:
    """GRADER_IMAGES test images (uint8 (n, 28, 28)) and their labels, drawn with a seed only the grader knows: each
    moved by one pixel (up, down, left or right, zeros shifted in) and light noise on the strokes. A CNN still reads
    them; no file the kernel can read holds them, so a classifier that looks images up in MNIST finds nothing."""
    rng = np.random.default_rng((judge_seed, 808))
    with np.load(grading_data_dir() / "mnist.npz") as npz:
        chosen = rng.choice(len(npz["y_test"]), GRADER_IMAGES, replace=False)
        images, labels = npz["x_test"][chosen].astype(np.float64), npz["y_test"][chosen].astype(np.int64)
    moved = np.zeros_like(images)
    for index, direction in enumerate(rng.integers(0, 4, len(images))):
        axis, step = divmod(int(direction), 2)
        source = images[index]
        if axis == 0:
            if step:
                moved[index, 1:] = source[:-1]
            else:
                moved[index, :-1] = source[1:]
        elif step:
            moved[index, :, 1:] = source[:, :-1]
        else:
            moved[index, :, :-1] = source[:, 1:]
    strokes = moved > 0
    noisy = moved + strokes * rng.normal(0.0, NOISE * 255, moved.shape)
    return np.clip(np.rint(noisy), 0, 255).astype(np.uint8), labels


def run_inputs(grade_id: str, judge_seed: int) -> str | None:
    """The data the grader writes into a hidden region for this run (autograde/grade/judging.py): test_learns's
    images, as base64 of a zlib-compressed .npy (no labels)."""
    if grade_id != "test_learns":
        return None
    images, _ = _grader_test_set(judge_seed)
    buffer = io.BytesIO()
    np.save(buffer, images, allow_pickle=False)
    # level 6, not 9: 0.02 s instead of 0.25 s of every student's grading, for 2 % more text (~240 kB)
    return base64.b64encode(zlib.compress(buffer.getvalue(), 6)).decode("ascii")


def _network_layers(results: dict[str, np.ndarray]) -> list[tuple[str, dict]]:
    """The network the probe exported from clf.layers: [(kind, parameters)] in forward order."""
    layers: dict[int, tuple[str, dict]] = {}
    for name, array in results.items():
        number, _, rest = name.partition(" ")
        if not number.isdigit():
            continue
        kind, _, parameter = rest.partition(" ")
        layers.setdefault(int(number), (kind, {}))[1][parameter] = array
    return [layers[number] for number in sorted(layers)]


def _network_forward(layers: list[tuple[str, dict]], X: np.ndarray) -> np.ndarray:
    """The scores of the exported network for X (n, C, L), computed here in float64 (vectorized from the formulas
    of autograde/problems/oracles.py); ValueError naming the layer that cannot be computed."""
    A = np.asarray(X, dtype=np.float64)
    for number, (kind, parameters) in enumerate(layers):
        where = f"clf.layers[{number}] ({kind})"
        if kind == "conv":
            W, B = parameters["W"], parameters["B"].reshape(-1)
            S, P = parameters["stride"], parameters["padding"]
            if W.ndim != 3 or A.ndim != 3 or W.shape[1] != A.shape[1] or B.shape != (W.shape[0],) \
                    or S.shape != () or P.shape != () or S < 1 or P < 0 or S != int(S) or P != int(P):
                raise ValueError(f"{where}: W {W.shape}, B {B.shape}, stride {S}, padding {P} do not fit an input "
                                 f"{A.shape}")
            windows = sliding_window_view(pad(A, int(P)), W.shape[2], axis=2)[:, :, :: int(S)]
            A = np.einsum("ncif,ocf->noi", windows, W) + B[:, None]
        elif kind == "fc":
            W, B = parameters["W"], parameters["B"].reshape(-1)
            if A.ndim != 2 or W.ndim != 2 or W.shape[0] != A.shape[1] or B.shape != (W.shape[1],):
                raise ValueError(f"{where}: W {W.shape}, B {B.shape} do not fit an input {A.shape}")
            A = A @ W + B
        elif kind == "relu":
            A = np.maximum(A, 0)
        elif kind == "pool":
            size = parameters["size"]
            if A.ndim != 3 or size.shape != () or not 1 <= size <= A.shape[2] or size != int(size):
                raise ValueError(f"{where}: pool size {size} for an input {A.shape}")
            size = int(size)
            length = A.shape[2] // size
            A = A[:, :, : length * size].reshape(A.shape[0], A.shape[1], length, size).max(axis=3)
        elif kind == "flatten":
            A = A.reshape(len(A), -1)
        else:
            raise ValueError(f"{where}: a layer the grader cannot recompute (known: Conv1d, ReLU, MaxPool1d, "
                             "Flatten, FC)")
    if A.ndim != 2:
        raise ValueError(f"the network's output has shape {A.shape}, not (n, n_classes)")
    return A


def test_learns(key, got, *, X_train, y_train, X_test, judge_seed):
    images, y_test = _grader_test_set(judge_seed)
    if X_test.shape != images.shape or not np.array_equal(X_test, images.astype(np.float32) / 255):
        raise AssertionError("hidden MNIST run: the test images are not this run's (an instructor error)")
    results = named(got, "the hidden MNIST run", ["labels"])
    labels = results["labels"]
    if labels.shape != y_test.shape:
        raise AssertionError(f"hidden MNIST run: {labels.shape} predicted labels, expected {y_test.shape}")
    layers = _network_layers(results)
    if not any(kind == "conv" for kind, _ in layers):
        raise AssertionError(
            "hidden MNIST run: after fit, clf.layers must hold the network (its Conv1d layers first) as in the "
            "skeleton: the grader recomputes the predictions from it.\n隠し MNIST テスト：fit のあと clf.layers に"
            "ネットワーク（最初に Conv1d）が必要です（雛形どおり）。採点側がそこから予測を計算し直します。")
    try:
        recomputed = np.argmax(_network_forward(layers, X_test), axis=1)
    except (ValueError, KeyError) as error:
        raise AssertionError(f"hidden MNIST run: the network in clf.layers cannot be recomputed: {error}\n"
                             "隠し MNIST テスト：clf.layers のネットワークを計算し直せません。") from None
    agreement = float(np.mean(recomputed == labels))
    if agreement < MIN_AGREEMENT:
        raise AssertionError(
            f"hidden MNIST run: predict_proba agrees with the network in clf.layers on only {agreement:.1%} of the "
            f"{len(labels)} test images: the predictions must come from that network (its layers in forward order, "
            "the images as given).\n隠し MNIST テスト：predict_proba と clf.layers のネットワークの予測が "
            f"{agreement:.1%} しか一致しません。予測はそのネットワークから計算します。")
    accuracy = float(np.mean(recomputed == y_test))
    if not accuracy >= MIN_MNIST_ACCURACY:
        raise AssertionError(
            f"hidden MNIST run ({len(y_train)} training images, 3 epochs): test accuracy {accuracy:.3f} < "
            f"{MIN_MNIST_ACCURACY:.2f} on {len(y_test)} test images shifted by a pixel, with light noise; guessing "
            f"gives 0.10. Does backward reach every layer, and does each layer update its weights?\n"
            f"隠し MNIST テスト（学習 {len(y_train)} 枚・3エポック）：1画素ずらしノイズを加えたテスト画像"
            f" {len(y_test)} 枚の正解率 {accuracy:.3f} < {MIN_MNIST_ACCURACY:.2f}（当てずっぽうは 0.10）。"
            "backward はすべての層に届いていますか？ 各層は重みを更新していますか？")
