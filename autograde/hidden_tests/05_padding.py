# Hidden tests for notebooks/05_padding.ipynb: each `# %% test_id` section is appended to that grade cell.
# Random shapes and values; the oracle is written out here (loops), never a name the notebook defines.
# ruff: noqa: F821, E402 - names come from the notebook; each section imports what it uses

# %% test_output_size
import numpy as np

rng = np.random.default_rng(501)
for _ in range(40):
    n_in, F, P, S = int(rng.integers(1, 40)), int(rng.integers(1, 9)), int(rng.integers(0, 5)), int(rng.integers(1, 5))
    if F > n_in + 2 * P:
        continue
    got = output_size(n_in, F, padding=P, stride=S)
    want = (n_in + 2 * P - F) // S + 1
    assert got == want, f"output_size({n_in}, {F}, padding={P}, stride={S}) returned {got}, expected {want}"
for n_in, F, P in [(3, 8, 2), (1, 4, 1), (6, 11, 2)]:
    try:
        output_size(n_in, F, padding=P)
    except ValueError:
        pass
    else:
        raise AssertionError(f"output_size({n_in}, {F}, padding={P}) must raise ValueError: F > N_in + 2P")

# %% test_forward_shape
import numpy as np

rng = np.random.default_rng(502)
for n_in, F, P in [(7, 5, 1), (5, 2, 3), (2, 5, 2), (9, 4, 0), (6, 1, 4)]:
    c_in, c_out = int(rng.integers(1, 4)), int(rng.integers(4, 7))
    X = rng.standard_normal((c_in, n_in))
    A = np.array(Conv1d(rng.standard_normal((c_out, c_in, F)), rng.standard_normal(c_out), padding=P).forward(X),
                 dtype=np.float64)
    want = (c_out, n_in + 2 * P - F + 1)
    assert A.shape == want, (f"forward with X {X.shape}, W ({c_out}, {c_in}, {F}), padding={P} "
                             f"returned shape {A.shape}, expected {want}")

# %% test_forward_values
import numpy as np

rng = np.random.default_rng(503)
for n_in, F, P in [(7, 5, 1), (5, 2, 3), (2, 5, 2), (11, 4, 2), (6, 1, 4), (8, 3, 0)]:
    c_in, c_out = int(rng.integers(1, 4)), int(rng.integers(4, 7))
    X, W, B = rng.standard_normal((c_in, n_in)), rng.standard_normal((c_out, c_in, F)), rng.standard_normal(c_out)
    Xp = np.zeros((c_in, n_in + 2 * P))
    Xp[:, P : P + n_in] = X
    want = np.array([[np.sum(Xp[:, i : i + F] * W[o]) + B[o] for i in range(n_in + 2 * P - F + 1)]
                     for o in range(c_out)])
    A = np.array(Conv1d(W.copy(), B.copy(), padding=P).forward(X.copy()), dtype=np.float64)
    assert A.shape == want.shape, f"padding={P}, X {X.shape}, W {W.shape}: shape {A.shape}, expected {want.shape}"
    assert np.allclose(A, want, rtol=1e-7, atol=1e-9), (
        f"forward values wrong for X {X.shape}, W {W.shape}, padding={P}: max error {np.max(np.abs(A - want)):.3g}")

# %% test_same
import numpy as np

rng = np.random.default_rng(504)
for n_in, F in [(7, 5), (4, 1), (9, 7), (3, 5), (10, 3)]:
    c_in, c_out = int(rng.integers(1, 4)), int(rng.integers(4, 7))
    X, W, B = rng.standard_normal((c_in, n_in)), rng.standard_normal((c_out, c_in, F)), rng.standard_normal(c_out)
    P = (F - 1) // 2
    Xp = np.zeros((c_in, n_in + 2 * P))
    Xp[:, P : P + n_in] = X
    want = np.array([[np.sum(Xp[:, i : i + F] * W[o]) + B[o] for i in range(n_in)] for o in range(c_out)])
    A = np.array(Conv1d(W.copy(), B.copy(), padding="same").forward(X.copy()), dtype=np.float64)
    assert A.shape == want.shape, f"padding='same', X {X.shape}, F={F}: shape {A.shape}, expected {want.shape}"
    assert np.allclose(A, want, rtol=1e-7, atol=1e-9), f"padding='same' with F={F}, X {X.shape}: values differ"

# %% test_backward_dX
import numpy as np

rng = np.random.default_rng(505)
for n_in, F, P in [(7, 5, 1), (5, 2, 3), (2, 5, 2), (11, 4, 2), (8, 3, 0)]:
    c_in, c_out = int(rng.integers(1, 4)), int(rng.integers(4, 7))
    X, W, B = rng.standard_normal((c_in, n_in)), rng.standard_normal((c_out, c_in, F)), rng.standard_normal(c_out)
    n_out = n_in + 2 * P - F + 1
    dA = rng.standard_normal((c_out, n_out))
    dXp = np.zeros((c_in, n_in + 2 * P))
    for i in range(n_out):
        for o in range(c_out):
            dXp[:, i : i + F] += dA[o, i] * W[o]
    want = dXp[:, P : P + n_in]
    layer = Conv1d(W.copy(), B.copy(), padding=P)
    layer.forward(X.copy())
    dX = np.array(layer.backward(dA.copy()), dtype=np.float64)
    assert dX.shape == want.shape, f"padding={P}, X {X.shape}, W {W.shape}: dX shape {dX.shape}, expected {want.shape}"
    assert np.allclose(dX, want, rtol=1e-7, atol=1e-9), (
        f"dX wrong for X {X.shape}, W {W.shape}, padding={P}: max error {np.max(np.abs(dX - want)):.3g}")

# %% test_backward_dW
import numpy as np

rng = np.random.default_rng(506)
for n_in, F, P in [(7, 5, 1), (5, 2, 3), (2, 5, 2), (11, 4, 2), (8, 3, 0)]:
    c_in, c_out = int(rng.integers(1, 4)), int(rng.integers(4, 7))
    X, W, B = rng.standard_normal((c_in, n_in)), rng.standard_normal((c_out, c_in, F)), rng.standard_normal(c_out)
    n_out = n_in + 2 * P - F + 1
    dA = rng.standard_normal((c_out, n_out))
    Xp = np.zeros((c_in, n_in + 2 * P))
    Xp[:, P : P + n_in] = X
    want = np.zeros((c_out, c_in, F))
    for i in range(n_out):
        for o in range(c_out):
            want[o] += dA[o, i] * Xp[:, i : i + F]
    layer = Conv1d(W.copy(), B.copy(), padding=P)
    layer.forward(X.copy())
    layer.backward(dA.copy())
    dW = np.array(layer.dW, dtype=np.float64)
    assert dW.shape == want.shape, f"padding={P}: dW shape {dW.shape}, expected {want.shape}"
    assert np.allclose(dW, want, rtol=1e-7, atol=1e-9), (
        f"dW wrong for X {X.shape}, W {W.shape}, padding={P}: max error {np.max(np.abs(dW - want)):.3g}")

# %% test_backward_dB
import numpy as np

rng = np.random.default_rng(507)
for n_in, F, P in [(7, 5, 1), (5, 2, 3), (2, 5, 2), (11, 4, 2)]:
    c_in, c_out = int(rng.integers(1, 4)), int(rng.integers(4, 7))
    X, W, B = rng.standard_normal((c_in, n_in)), rng.standard_normal((c_out, c_in, F)), rng.standard_normal(c_out)
    dA = rng.standard_normal((c_out, n_in + 2 * P - F + 1))
    layer = Conv1d(W.copy(), B.copy(), padding=P)
    layer.forward(X.copy())
    layer.backward(dA.copy())
    dB = np.array(layer.dB, dtype=np.float64)
    want = dA.sum(axis=1)
    assert dB.shape == want.shape, f"padding={P}: dB shape {dB.shape}, expected {want.shape}"
    assert np.allclose(dB, want, rtol=1e-7, atol=1e-9), f"dB wrong for padding={P}, W {W.shape}"

# %% test_errors
import numpy as np

rng = np.random.default_rng(508)
X = rng.standard_normal((2, 9))
for F, padding in [(3, -2), (5, -1), (3, 0.5), (3, 2.5), (3, "valid_"), (3, "SAME!"), (2, "same"), (6, "same")]:
    W, B = rng.standard_normal((4, 2, F)), rng.standard_normal(4)
    try:
        Conv1d(W, B, padding=padding).forward(X)
    except ValueError:
        pass
    except Exception as error:  # noqa: BLE001
        raise AssertionError(f"Conv1d(W with F={F}, padding={padding!r}) raised {type(error).__name__}, "
                             "expected ValueError") from None
    else:
        raise AssertionError(f"Conv1d(W with F={F}, padding={padding!r}) did not raise ValueError")
for F, padding in [(5, 3), (4, 0), (1, 2)]:  # valid integer paddings must still work
    A = Conv1d(rng.standard_normal((4, 2, F)), rng.standard_normal(4), padding=padding).forward(X)
    assert np.shape(A)[0] == 4, f"Conv1d(F={F}, padding={padding!r}) must work, returned shape {np.shape(A)}"
