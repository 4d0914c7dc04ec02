"""Probe helpers every notebook's hidden tests may use: put in front of each notebook's own `# %% common` section
(autograde/build/hidden_sections.py), so they run in the student's kernel like the sections, and are deleted after
each section. They call the student's Conv1d by name when they run, whichever notebook it comes from.
"""
# ruff: noqa: F821  (Conv1d, output_size: the student's)

# %% common
def _conv_cases(seed, columns, rows, backward=False):
    """Random Conv1d cases from np.random.default_rng((_HIDDEN_SEED, seed)): one per row of
    `rows`, whose values are named by `columns` among batch, N_in, F, P, S (no batch: one sample X (C_in, N_in)). X, W
    (C_out, C_in, F), B (C_out,) with C_in in 1..3 and C_out in 4..6, and, if `backward`, dA shaped like the output. The
    case has P and S only if the columns do (P may be 'same'); its key names the row."""
    import numpy as np

    rng = np.random.default_rng((_HIDDEN_SEED, seed))
    for row in rows:
        shape = dict(zip(columns.split(), row, strict=True))
        n_in, F, P, S = shape["N_in"], shape["F"], shape.get("P", 0), shape.get("S", 1)
        c_in, c_out = int(rng.integers(1, 4)), int(rng.integers(4, 7))
        batch = (shape["batch"],) if "batch" in shape else ()
        X = rng.standard_normal(batch + (c_in, n_in))
        W, B = rng.standard_normal((c_out, c_in, F)), rng.standard_normal(c_out)
        case = {"X": X, "W": W, "B": B, **{name: shape[name] for name in ("P", "S") if name in shape}}
        if backward:
            padding = (F - 1) // 2 if P == "same" else P
            case["dA"] = rng.standard_normal(batch + (c_out, (n_in + 2 * padding - F) // S + 1))
        yield ", ".join(f"{name}={value!r}" for name, value in shape.items()), case


def _layer(W, B, P=None, S=None, optimizer=None):
    """The student's Conv1d, given only the arguments the case has (notebook 4's Conv1d has no padding or stride)."""
    options = {name: value for name, value in (("padding", P), ("stride", S), ("optimizer", optimizer))
               if value is not None}
    return Conv1d(W.copy(), B.copy(), **options)


def _forward(X, W, B, P=None, S=None):
    return _layer(W, B, P, S).forward(X.copy())


def _gradient(name):
    """run(X, W, B, dA, P, S): forward, then backward(dA); returns what backward returned ("dX") or the layer's
    dW or dB."""
    def run(X, W, B, dA, P=None, S=None):
        layer = _layer(W, B, P, S)
        layer.forward(X.copy())
        dX = layer.backward(dA.copy())
        return dX if name == "dX" else getattr(layer, name)

    return run


class _RecordingSGD:
    """SGD that updates a layer in place and records each layer it updated (defined here: the notebook's optimizers
    could be redefined)."""

    def __init__(self, lr):
        self.lr = lr
        self.updated = []

    def update(self, layer):
        self.updated.append(layer)
        layer.W -= self.lr * layer.dW
        layer.B -= self.lr * layer.dB
        return layer


def _step(layer, X, dA, optimizer):
    """forward(X), backward(dA) of a layer built with `optimizer`: dX, how often update was called, whether every
    call updated this layer, and W, B after the step."""
    layer.forward(X.copy())
    results = {"dX": layer.backward(dA.copy())}
    results["update_calls"] = len(optimizer.updated)
    results["updated_the_layer"] = float(all(updated is layer for updated in optimizer.updated))
    results["W"], results["B"] = layer.W, layer.B
    return results


def _output_size_cases(seed, count=40):
    """output_size arguments from np.random.default_rng((_HIDDEN_SEED, seed)), valid ones (the filter fits the
    padded input), then filters longer than the padded input."""
    import numpy as np

    rng = np.random.default_rng((_HIDDEN_SEED, seed))
    for number in range(count):
        n_in, F, P, S = (int(rng.integers(1, 40)), int(rng.integers(1, 9)), int(rng.integers(0, 5)),
                         int(rng.integers(1, 5)))
        if F > n_in + 2 * P:
            continue
        yield f"random {number}", {"n_in": n_in, "F": F, "P": P, "S": S}
    for n_in, F, P in [(3, 8, 2), (1, 4, 1), (6, 11, 2)]:
        yield f"filter longer than the padded input {n_in, F, P}", {"n_in": n_in, "F": F, "P": P, "S": 1}


def _output_size(n_in, F, P, S):
    return output_size(n_in, F, padding=P, stride=S)


def _gradients(X, W, B, dA, P=None, S=None):
    """forward, then backward(dA): backward's dX and the layer's dW and dB."""
    layer = _layer(W, B, P, S)
    layer.forward(X.copy())
    results = {"dX": layer.backward(dA.copy())}
    results["dW"], results["dB"] = layer.dW, layer.dB
    return results
