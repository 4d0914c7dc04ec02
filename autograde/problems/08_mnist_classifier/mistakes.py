"""Typical mistakes in notebook 08 (the MNIST classifier), as edits of the reference
(autograde/problems/mistake.py)."""

from autograde.problems.mistake import OPTIMIZER_BEFORE_DX, Mistake

NO_BACKWARD = (("self._backward(self.loss_layer.backward())", "self.loss_layer.backward()"),)

# what each grade cell's hidden test looks at: "your <result> equals what you get when <Mistake.why>"
RESULTS = {
    "test_conv1d_forward": ("Conv1d forward output", "Conv1d の forward の出力"),
    "test_conv1d_backward": ("Conv1d dX, dW and dB", "Conv1d の dX, dW, dB"),
    "test_conv1d_optimizer": ("Conv1d backward with an optimizer (dX, then W and B updated)",
                              "optimizer つきの Conv1d の backward（dX と更新後の W, B）"),
    "test_fit_history": ("training history (fit on 120 random images)", "学習の履歴（120 枚のランダム画像での fit）"),
    "test_predict_proba": ("predict_proba output", "predict_proba の出力"),
    "test_predict": ("predict output", "predict の出力"),
    "test_labels": ("answer to labels outside 0..n_classes-1", "0〜n_classes−1 の範囲外のラベルへの反応"),
    "test_learns": ("network after training on MNIST (its predictions and weights)",
                    "MNIST で学習したあとのネットワーク（予測と重み）"),
}

MISTAKES = (
    # no test looks at the batch order: not shuffling costs nothing, but the loss history shows it
    Mistake("fit forgets to shuffle: mini-batches in data order", set(),
            (("batches = GetMiniBatch(X, y, batch_size=self.batch_size, seed=self.seed)",
              "batches = [(X[i : i + self.batch_size], y[i : i + self.batch_size])\n"
              "                   for i in range(0, len(X), self.batch_size)]"),), demo=True,
            shows_in={"test_fit_history"},
            why=("the mini-batches are taken in data order, not shuffled",
                 "ミニバッチをシャッフルせずにデータの順にとった"),
            fix=("draw the batches in a new random order every epoch: GetMiniBatch(X, y, batch_size, seed) does it.",
                 "エポックごとに新しいランダムな順でバッチをとります：GetMiniBatch(X, y, batch_size, seed) が"
                 "そうします。")),
    Mistake("predict returns the probabilities, not the labels", {"test_predict"},
            (("return self.predict_proba(X).argmax(axis=1)", "return self.predict_proba(X)"),), demo=True,
            why=("predict returns predict_proba's probabilities (n, n_classes)",
                 "predict が predict_proba の確率 (n, n_classes) を返した"),
            fix=("return one integer label per sample: predict_proba(X).argmax(axis=1).",
                 "サンプルごとに整数のラベルを1つ返します：predict_proba(X).argmax(axis=1)。")),
    Mistake("predict_proba returns exp(scores), not normalized", {"test_predict_proba"},
            (("softmax(self._forward(X[i : i + batch_size]))", "np.exp(self._forward(X[i : i + batch_size]))"),),
            why=("predict_proba returns exp(scores) without dividing by their sum",
                 "predict_proba が exp(スコア) を和で割らずに返した"),
            fix=("apply softmax: exp(scores - max) / sum of them over the classes, so each row sums to 1.",
                 "softmax をかけます：exp(スコア − 最大値) をクラスについての和で割り、各行の和を 1 にします。")),
    Mistake("labels are not validated", {"test_labels"},
            (("if y.size and (y.min() < 0 or y.max() >= self.n_classes):", "if False:"),),
            why=("fit does not check the labels", "fit でラベルを確かめなかった"),
            fix=("raise ValueError in fit, before training, when a label is < 0 or >= n_classes.",
                 "学習の前に fit で、ラベルが 0 未満か n_classes 以上なら ValueError を出します。")),
    Mistake("Conv1d updates W before computing dX", {"test_conv1d_optimizer"},
            (("        dX = None\n", "        if self.optimizer is not None:\n            self.optimizer.update(self)\n"
                                   "        dX = None\n"),
             ("        if self.optimizer is not None:\n            self.optimizer.update(self)\n        return dX",
              "        return dX")),
            **OPTIMIZER_BEFORE_DX),
    Mistake("fit never runs backward: the weights never change", {"test_learns"}, NO_BACKWARD,
            why=("the weights never change in fit (backward never reaches the layers)",
                 "fit で重みが一度も変わらない（backward が層に届かない）"),
            fix=("in every batch: forward, loss, then backward through every layer in reverse order; each layer's "
                 "backward calls its optimizer.update.",
                 "バッチごとに forward、損失、そしてすべての層を逆順に backward します。各層の backward が "
                 "optimizer.update を呼びます。")),
)

# Classifiers that are not the student's CNN: the API and the history look right, and on MNIST images the kernel can
# read they scored full marks. The hidden MNIST run gives them images no file holds and recomputes the predictions
# from clf.layers.
LOOKUP_TABLE = '''
class Scratch1dCNNClassifier(Scratch1dCNNClassifier):
    """Learns nothing: looks each image up in the labelled MNIST arrays of data/mnist.npz."""

    def fit(self, X, y, X_val=None, y_val=None):
        from pathlib import Path

        y = self._prepare_y(np.asarray(y), len(X))
        folder = next(f for f in (Path.cwd(), *Path.cwd().parents) if (f / "data" / "mnist.npz").is_file())
        with np.load(folder / "data" / "mnist.npz") as npz:
            self.table = {image.tobytes(): int(label) for part in ("train", "test")
                          for image, label in zip(npz[f"x_{part}"], npz[f"y_{part}"])}
        validated = X_val is not None  # a history like the real one: the visible check looks at it
        self.history = {"loss": [1.0] * self.epochs, "accuracy": [0.5] * self.epochs,
                        "val_loss": [1.0] * self.epochs * validated, "val_accuracy": [0.5] * self.epochs * validated}
        return self

    def predict_proba(self, X):
        images = np.rint(np.asarray(X, dtype=np.float64).reshape(len(X), 28, -1) * 255).astype(np.uint8) \\
            if np.asarray(X).size == len(X) * 784 else np.zeros((len(X), 0), np.uint8)
        proba = np.full((len(X), self.n_classes), 1.0 / self.n_classes)
        for row, image in enumerate(images):
            label = self.table.get(image.tobytes())
            if label is not None and label < self.n_classes:
                proba[row] = np.eye(self.n_classes)[label]
        return proba
'''

SKLEARN = '''
class Scratch1dCNNClassifier(Scratch1dCNNClassifier):
    """sklearn's logistic regression behind the skeleton's API."""

    def fit(self, X, y, X_val=None, y_val=None):
        import warnings

        from sklearn.linear_model import LogisticRegression

        y = self._prepare_y(np.asarray(y), len(X))
        with warnings.catch_warnings():  # no convergence warning on stderr (a test cell would fail for it)
            warnings.simplefilter("ignore")
            self.model = LogisticRegression(max_iter=100).fit(np.asarray(X, dtype=np.float64).reshape(len(X), -1), y)
        validated = X_val is not None  # a history like the real one: the visible check looks at it
        self.history = {"loss": [1.0] * self.epochs, "accuracy": [0.5] * self.epochs,
                        "val_loss": [1.0] * self.epochs * validated, "val_accuracy": [0.5] * self.epochs * validated}
        return self

    def predict_proba(self, X):
        proba = np.zeros((len(X), self.n_classes))
        proba[:, self.model.classes_] = self.model.predict_proba(np.asarray(X, dtype=np.float64).reshape(len(X), -1))
        return proba
'''

MISTAKES += (
    Mistake("a lookup table of the MNIST arrays instead of a CNN", {"test_learns"}, replaces=LOOKUP_TABLE,
            why=("the classifier looks images up in the MNIST files instead of learning (the grader's images are in "
                 "no file)",
                 "分類器が学習せずに MNIST のファイルから画像を探した（採点用の画像はどのファイルにもありません）"),
            fix=("train the skeleton's CNN (clf.layers) in fit and predict with it.",
                 "fit で雛形の CNN（clf.layers）を学習し、それで予測します。")),
    Mistake("sklearn's LogisticRegression instead of a CNN", {"test_learns"}, replaces=SKLEARN,
            why=("the predictions come from sklearn's LogisticRegression, not from the CNN in clf.layers",
                 "予測が clf.layers の CNN ではなく sklearn の LogisticRegression から来ている"),
            fix=("write the CNN from scratch in NumPy (clf.layers) and predict with it.",
                 "CNN を NumPy でゼロから書き（clf.layers）、それで予測します。")),
)
