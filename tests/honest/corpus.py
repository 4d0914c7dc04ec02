"""Honest submissions in many styles: each must score full marks and get no static-scan flag.

A style is a notebook, the source of its solution cells (by grade_id), and cells the student added after them. They
are written the ways students write: Python loops, np.correlate/np.convolve, stride tricks, im2col, float-preserving
code, their own error wording, helper functions, properties, comprehensions, their own small classes, their own
optimizer with getattr(self, "d" + name) as the given ones do, sklearn.metrics, the given gradient check used from
outside a layer.
"""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Style:
    name: str
    notebook: str
    solutions: dict[str, str]  # solution cell grade_id -> its whole source
    added: tuple[str, ...] = ()  # code cells the student added at the end
    edited: dict[int, str] = field(default_factory=dict)  # released unmarked cell index -> new source


SIMPLE_LOOPS = '''
class SimpleConv1d:
    """My layer: plain loops, my own messages (日本語 too)."""

    def __init__(self, W, B, optimizer=None):
        self.W = np.array(W, dtype=float)
        self.B = np.array(B, dtype=float).reshape(1)
        self.optimizer = optimizer

    def forward(self, X):
        X = np.asarray(X, dtype=float)
        if X.ndim != 1:
            raise ValueError("入力は1次元です / the input must be 1-D, got ndim=%d" % X.ndim)
        F = len(self.W)
        if len(X) < F:
            raise ValueError(f"too short: {len(X)} samples for a filter of {F}")
        self.X = X
        out = np.zeros(len(X) - F + 1)
        for i in range(len(out)):
            total = 0.0
            for s in range(F):
                total += X[i + s] * self.W[s]
            out[i] = total + self.B[0]
        return out

    def backward(self, dA):
        dA = np.asarray(dA, dtype=float)
        F = len(self.W)
        if dA.shape != (len(self.X) - F + 1,):
            raise ValueError("dA does not match what forward returned")
        self.dB = np.array([dA.sum()])
        self.dW = np.zeros(F)
        dX = np.zeros(len(self.X))
        for i in range(len(dA)):
            for s in range(F):
                self.dW[s] += dA[i] * self.X[i + s]
                dX[i + s] += dA[i] * self.W[s]
        if self.optimizer is not None:
            self.optimizer.update(self)
        return dX
'''

SIMPLE_CORRELATE = '''
def _one_dim(name, x):
    x = as_float_array(name, x)
    if x.ndim != 1:
        raise ValueError(f"{name} must be one-dimensional, got shape {x.shape}")
    return x


class SimpleConv1d:
    def __init__(self, W, B, optimizer=None):
        self._W = _one_dim("W", W)
        self.B = np.atleast_1d(as_float_array("B", B)).ravel()
        self.optimizer = optimizer

    @property
    def W(self):
        return self._W

    @W.setter
    def W(self, value):
        self._W = value

    @property
    def filter_size(self):
        return self._W.size

    def forward(self, X):
        X = _one_dim("X", X)
        if X.size < self.filter_size:
            raise ValueError(f"X has {X.size} values, fewer than the {self.filter_size} taps")
        self.X = X
        return np.correlate(X, self.W, mode="valid") + self.B[0]

    def backward(self, dA):
        dA = _one_dim("dA", dA)
        if dA.size != self.X.size - self.filter_size + 1:
            raise ValueError(f"dA has {dA.size} values, forward gave {self.X.size - self.filter_size + 1}")
        self.dW = np.correlate(self.X, dA, mode="valid")
        self.dB = np.array([np.sum(dA)])
        dX = np.convolve(dA, self.W)
        if self.optimizer:
            self.optimizer.update(self)
        return dX
'''

SIMPLE_STRIDES = '''
from numpy.lib.stride_tricks import as_strided


class SimpleConv1d:
    def __init__(self, W, B, optimizer=None):
        self.W = as_float_array("W", W)
        self.B = as_float_array("B", B).reshape(-1)
        self.optimizer = optimizer

    def _windows(self, X):
        F = self.W.shape[0]
        return as_strided(X, shape=(X.shape[0] - F + 1, F), strides=(X.strides[0],) * 2, writeable=False)

    def forward(self, X):
        X = as_float_array("X", X)
        if X.ndim != 1:
            raise ValueError(f"one channel only: X of shape {X.shape}")
        if X.shape[0] < self.W.shape[0]:
            raise ValueError(f"N_in={X.shape[0]} < F={self.W.shape[0]}")
        self.X = np.ascontiguousarray(X)  # keeps float32 as float32
        return self._windows(self.X) @ self.W + self.B

    def backward(self, dA):
        dA = as_float_array("dA", dA)
        n_out, F = self._windows(self.X).shape
        check_shape("dA", dA, (n_out,))
        self.dW = self._windows(self.X).T @ dA
        self.dB = dA.sum(keepdims=True)
        dX = np.zeros_like(self.X)
        np.add.at(dX, np.arange(n_out)[:, None] + np.arange(F), dA[:, None] * self.W)
        if getattr(self, "optimizer", None) is not None:
            self.optimizer.update(self)
        return dX
'''

MY_OPTIMIZER = '''
class MySGD:
    """My own optimizer, written like the given ones."""

    def __init__(self, lr=0.1):
        self.lr = lr
        self.steps = 0

    def update(self, layer):
        for name in ("W", "B"):
            param = getattr(layer, name)
            param -= self.lr * getattr(layer, "d" + name)
            setattr(layer, name, param)
        self.steps += 1
        return layer


layer = SimpleConv1d(np.array([3.0, 5.0, 7.0]), np.array([1.0]), optimizer=MySGD(0.01))
print(layer.forward(np.array([1.0, 2.0, 3.0, 4.0])), layer.backward(np.array([10.0, 20.0])))
print(sorted(vars(layer)), hasattr(layer, "dW"), [f"{v:.2f}" for v in layer.W])
'''

OUTPUT_SIZE = '''
import numbers


def output_size(n_in, filter_size, padding=0, stride=1):
    """My version: every argument checked, the numbers in every message."""
    args = {"n_in": n_in, "filter_size": filter_size, "padding": padding, "stride": stride}
    for name, v in args.items():
        if isinstance(v, bool) or not isinstance(v, numbers.Integral):
            raise ValueError(f"{name} should be a whole number, but got {v!r}")
    for name, low in (("n_in", 1), ("filter_size", 1), ("padding", 0), ("stride", 1)):
        if args[name] < low:
            raise ValueError(f"{name}={args[name]} is below {low}")
    if filter_size > n_in + 2 * padding:
        raise ValueError(f"a filter of {filter_size} does not fit n_in={n_in} with padding {padding} per side")
    return int((n_in + 2 * padding - filter_size) // stride + 1)
'''

CONV_IM2COL = '''
def im2col(Xp, F, S, n_out):
    """(batch, C, N) -> columns (batch, N_out, C * F): one row per window."""
    idx = np.arange(F)[None, :] + S * np.arange(n_out)[:, None]  # (N_out, F)
    cols = Xp[:, :, idx]  # (batch, C, N_out, F)
    return cols.transpose(0, 2, 1, 3).reshape(Xp.shape[0], n_out, -1), idx


class Conv1d:
    def __init__(self, W, B, stride=1, padding=0, optimizer=None):
        self.W, self.B = as_float_array("W", W), as_float_array("B", B)
        if self.W.ndim != 3 or self.B.shape != (self.W.shape[0],):
            raise ValueError(f"need W (C_out, C_in, F) and B (C_out,), got {self.W.shape} and {self.B.shape}")
        self.stride = check_int("stride", stride, 1)
        F = self.W.shape[2]
        if padding == "same" and isinstance(padding, str):
            if self.stride != 1 or F % 2 == 0:
                raise ValueError(f"'same' works only with stride 1 and odd F (stride={stride}, F={F})")
            padding = F // 2
        elif isinstance(padding, str):
            raise ValueError(f"unknown padding {padding!r}")
        self.padding = check_int("padding", padding, 0)
        self.optimizer = optimizer

    def forward(self, X):
        X = as_float_array("X", X)
        if X.ndim not in (2, 3):
            raise ValueError(f"expected (batch, C, N) or (C, N), got {X.shape}")
        self.one = X.ndim == 2
        X = X[None] if self.one else X
        C_out, C_in, F = self.W.shape
        if X.shape[1] != C_in:
            raise ValueError(f"{X.shape[1]} channels in, the filters want {C_in}")
        self.N = X.shape[2]
        P, S = self.padding, self.stride
        n_out = output_size(self.N, F, P, S)
        Xp = np.pad(X, [(0, 0), (0, 0), (P, P)])
        self.cols, self.idx = im2col(Xp, F, S, n_out)
        A = (self.cols @ self.W.reshape(C_out, -1).T).transpose(0, 2, 1) + self.B[:, None]
        return A[0] if self.one else A

    def backward(self, dA):
        dA = as_float_array("dA", dA)
        dA = dA[None] if self.one else dA
        batch, n_out, _ = self.cols.shape
        C_out, C_in, F = self.W.shape
        if dA.shape != (batch, C_out, n_out):
            raise ValueError(f"dA {dA.shape} != forward output {(batch, C_out, n_out)}")
        self.dB = dA.sum(axis=(0, 2))
        self.dW = np.einsum("boi,bik->ok", dA, self.cols).reshape(self.W.shape)
        dcols = np.einsum("boi,ok->bik", dA, self.W.reshape(C_out, -1)).reshape(batch, n_out, C_in, F)
        P = self.padding
        dXp = np.zeros((batch, C_in, self.N + 2 * P))
        for i in range(n_out):
            dXp[:, :, self.idx[i]] += dcols[:, i]
        dX = dXp[:, :, P : P + self.N]
        if self.optimizer is not None:
            self.optimizer.update(self)
        return dX[0] if self.one else dX
'''

CONV_TAPS = '''
class _Shape:
    """My own small helper: the sizes of one forward pass."""

    def __init__(self, batch, c_in, n_in, n_out):
        self.batch, self.c_in, self.n_in, self.n_out = batch, c_in, n_in, n_out


class Conv1d:
    def __init__(self, W, B, stride=1, padding=0, optimizer=None):
        W, B = np.asarray(W), np.asarray(B)
        if W.ndim != 3:
            raise ValueError("W needs 3 axes (C_out, C_in, F), got " + str(W.shape))
        if B.shape != W.shape[:1]:
            raise ValueError("B needs one bias per filter: " + str(B.shape) + " vs " + str(W.shape[:1]))
        self.W, self.B = W.astype(np.result_type(W, float)), B.astype(np.result_type(B, float))
        if isinstance(stride, bool) or not isinstance(stride, (int, np.integer)) or stride < 1:
            raise ValueError(f"stride must be a positive int, not {stride!r}")
        if padding == "same":
            if stride != 1 or W.shape[2] % 2 == 0:
                raise ValueError(f"padding='same' with stride={stride}, F={W.shape[2]} is not possible")
            padding = (W.shape[2] - 1) // 2
        if isinstance(padding, bool) or not isinstance(padding, (int, np.integer)) or padding < 0:
            raise ValueError(f"padding must be an int >= 0 or 'same', not {padding!r}")
        self.stride, self.padding, self.optimizer = int(stride), int(padding), optimizer

    def forward(self, X):
        X = np.asarray(X, dtype=np.result_type(X, float))
        if X.ndim not in (2, 3) or X.shape[-2] != self.W.shape[1]:
            raise ValueError(f"X of shape {X.shape} does not fit W of shape {self.W.shape}")
        self.single = X.ndim == 2
        X = X.reshape((1,) * self.single + X.shape)
        F, S, P = self.W.shape[2], self.stride, self.padding
        self.shape = _Shape(X.shape[0], X.shape[1], X.shape[2], output_size(X.shape[2], F, P, S))
        self.Xp = np.pad(X, ((0, 0), (0, 0), (P, P)))
        end = S * (self.shape.n_out - 1) + 1
        A = sum(np.tensordot(self.Xp[:, :, s : s + end : S], self.W[:, :, s], axes=([1], [1])) for s in range(F))
        A = A.transpose(0, 2, 1) + self.B[:, None]
        return A[0] if self.single else A

    def backward(self, dA):
        dA = np.asarray(dA, dtype=float)
        dA = dA[None] if self.single else dA
        sh, F, S, P = self.shape, self.W.shape[2], self.stride, self.padding
        if dA.shape != (sh.batch, self.W.shape[0], sh.n_out):
            raise ValueError(f"dA has shape {dA.shape}")
        end = S * (sh.n_out - 1) + 1
        self.dB = dA.sum(axis=(0, 2))
        self.dW = np.stack([np.tensordot(dA, self.Xp[:, :, s : s + end : S], axes=([0, 2], [0, 2]))
                            for s in range(F)], axis=2)
        dXp = np.zeros_like(self.Xp)
        for s in range(F):
            dXp[:, :, s : s + end : S] += np.einsum("boi,oc->bci", dA, self.W[:, :, s])
        dX = dXp[:, :, P : P + sh.n_in]
        if self.optimizer is not None:
            self.optimizer.update(self)
        return dX[0] if self.single else dX
'''

# the same layer computed in float32 throughout (as a student might, for speed): correct to float32 precision
CONV_FLOAT32 = (CONV_IM2COL
                .replace('X = as_float_array("X", X)', 'X = as_float_array("X", X).astype(np.float32)  # for speed')
                .replace('dA = as_float_array("dA", dA)', 'dA = as_float_array("dA", dA).astype(np.float32)')
                .replace("self.W.reshape(C_out, -1)", "self.W.astype(np.float32).reshape(C_out, -1)")
                .replace("np.zeros((batch, C_in, self.N + 2 * P))",
                         "np.zeros((batch, C_in, self.N + 2 * P), np.float32)"))

GRADIENT_CHECK_FROM_OUTSIDE = '''
rng = np.random.default_rng(0)
layer = Conv1d(rng.standard_normal((2, 3, 3)), rng.standard_normal(2), stride=2, padding=1)
print(check_layer_gradients(layer, rng.standard_normal((4, 3, 9))))
errors = {name: relative_error(getattr(layer, "d" + name), getattr(layer, "d" + name)) for name in ("W", "B")}
print(errors)
'''

CLASSIFIER_EXTRAS = '''
%matplotlib inline
from sklearn.metrics import accuracy_score, confusion_matrix
from sklearn.model_selection import train_test_split

X_a, X_b, y_a, y_b = train_test_split(X_train[:600], y_train[:600], test_size=0.5, random_state=0)
small = Scratch1dCNNClassifier(conv_channels=(4,), n_hidden=16, epochs=1, verbose=False, lr_decay=1.0, shift=0)
small.fit(X_a, y_a)
print(accuracy_score(y_b, small.predict(X_b)), confusion_matrix(y_b, small.predict(X_b)).trace())
shapes = {type(layer).__name__: getattr(layer, "W", np.zeros(0)).shape for layer in small.layers}
print(shapes, [name for name in ("loss", "accuracy") if small.history[name]])
'''

STYLES = (
    Style("loops and my own wording", "01_simple_conv1d", {"solution_simple_conv1d": SIMPLE_LOOPS},
          (MY_OPTIMIZER,)),
    Style("np.correlate, helpers and properties", "01_simple_conv1d",
          {"solution_simple_conv1d": SIMPLE_CORRELATE}, (MY_OPTIMIZER,)),
    Style("stride tricks, dtype kept", "01_simple_conv1d", {"solution_simple_conv1d": SIMPLE_STRIDES}),
    Style("im2col", "07_stride", {"solution_output_size": OUTPUT_SIZE, "solution_conv1d": CONV_IM2COL},
          (GRADIENT_CHECK_FROM_OUTSIDE,)),
    Style("a loop over the taps with tensordot and my own small class", "07_stride",
          {"solution_output_size": OUTPUT_SIZE, "solution_conv1d": CONV_TAPS}, (GRADIENT_CHECK_FROM_OUTSIDE,)),
    Style("im2col in float32", "07_stride", {"solution_output_size": OUTPUT_SIZE, "solution_conv1d": CONV_FLOAT32}),
    Style("im2col with channels", "04_conv1d_channels",
          {"solution_output_size": OUTPUT_SIZE, "solution_conv1d": CONV_IM2COL}),
    Style("the classifier with sklearn.metrics and my experiments", "08_mnist_classifier", {}, (CLASSIFIER_EXTRAS,)),
)
