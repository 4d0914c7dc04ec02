# Hidden tests for notebooks/07_stride.ipynb: each `# %% test_id` section is appended to that grade cell.
# Random strides, shapes and values; the oracle is written out here (loops), never a name the notebook defines.
# ruff: noqa: F821, E402 - names come from the notebook; each section imports what it uses

# %% test_output_size
import numpy as np

rng = np.random.default_rng(701)
for _ in range(40):
    n_in, F, P, S = int(rng.integers(1, 40)), int(rng.integers(1, 9)), int(rng.integers(0, 5)), int(rng.integers(1, 7))
    if F > n_in + 2 * P:
        continue
    got = output_size(n_in, F, padding=P, stride=S)
    want = (n_in + 2 * P - F) // S + 1
    assert got == want, f"output_size({n_in}, {F}, padding={P}, stride={S}) returned {got}, expected {want}"
for stride in [0, -2]:
    try:
        output_size(9, 3, stride=stride)
    except ValueError:
        pass
    else:
        raise AssertionError(f"output_size(9, 3, stride={stride}) must raise ValueError")

# %% test_stride_forward_shape
import numpy as np

rng = np.random.default_rng(702)
for n_in, F, S in [(11, 4, 2), (9, 5, 3), (13, 2, 4), (7, 1, 6), (10, 3, 1), (6, 6, 5)]:
    c_in, c_out = int(rng.integers(1, 4)), int(rng.integers(4, 7))
    X = rng.standard_normal((c_in, n_in))
    A = np.array(Conv1d(rng.standard_normal((c_out, c_in, F)), rng.standard_normal(c_out), stride=S).forward(X),
                 dtype=np.float64)
    want = (c_out, (n_in - F) // S + 1)
    assert A.shape == want, f"forward with X {X.shape}, F={F}, stride={S} returned shape {A.shape}, expected {want}"

# %% test_stride_forward_values
import numpy as np

rng = np.random.default_rng(703)
for n_in, F, S in [(11, 4, 2), (9, 5, 3), (13, 2, 4), (7, 1, 6), (15, 3, 2)]:
    c_in, c_out = int(rng.integers(1, 4)), int(rng.integers(4, 7))
    X, W, B = rng.standard_normal((c_in, n_in)), rng.standard_normal((c_out, c_in, F)), rng.standard_normal(c_out)
    want = np.array([[np.sum(X[:, i * S : i * S + F] * W[o]) + B[o] for i in range((n_in - F) // S + 1)]
                     for o in range(c_out)])
    A = np.array(Conv1d(W.copy(), B.copy(), stride=S).forward(X.copy()), dtype=np.float64)
    assert A.shape == want.shape, f"X {X.shape}, F={F}, stride={S}: shape {A.shape}, expected {want.shape}"
    assert np.allclose(A, want, rtol=1e-7, atol=1e-9), (
        f"forward values wrong for X {X.shape}, W {W.shape}, stride={S}: max error {np.max(np.abs(A - want)):.3g}")

# %% test_stride_backward_dX
import numpy as np

rng = np.random.default_rng(704)
for n_in, F, S in [(11, 4, 2), (9, 5, 3), (13, 2, 4), (7, 1, 6), (15, 3, 2), (10, 4, 1)]:
    c_in, c_out = int(rng.integers(1, 4)), int(rng.integers(4, 7))
    X, W, B = rng.standard_normal((c_in, n_in)), rng.standard_normal((c_out, c_in, F)), rng.standard_normal(c_out)
    n_out = (n_in - F) // S + 1
    dA = rng.standard_normal((c_out, n_out))
    want = np.zeros_like(X)
    for i in range(n_out):
        for o in range(c_out):
            want[:, i * S : i * S + F] += dA[o, i] * W[o]
    layer = Conv1d(W.copy(), B.copy(), stride=S)
    layer.forward(X.copy())
    dX = np.array(layer.backward(dA.copy()), dtype=np.float64)
    assert dX.shape == want.shape, f"X {X.shape}, F={F}, stride={S}: dX shape {dX.shape}, expected {want.shape}"
    assert np.allclose(dX, want, rtol=1e-7, atol=1e-9), (
        f"dX wrong for X {X.shape}, W {W.shape}, stride={S}: max error {np.max(np.abs(dX - want)):.3g}")

# %% test_stride_backward_dW
import numpy as np

rng = np.random.default_rng(705)
for n_in, F, S in [(11, 4, 2), (9, 5, 3), (13, 2, 4), (7, 1, 6), (15, 3, 2)]:
    c_in, c_out = int(rng.integers(1, 4)), int(rng.integers(4, 7))
    X, W, B = rng.standard_normal((c_in, n_in)), rng.standard_normal((c_out, c_in, F)), rng.standard_normal(c_out)
    n_out = (n_in - F) // S + 1
    dA = rng.standard_normal((c_out, n_out))
    want = np.zeros_like(W)
    for i in range(n_out):
        for o in range(c_out):
            want[o] += dA[o, i] * X[:, i * S : i * S + F]
    layer = Conv1d(W.copy(), B.copy(), stride=S)
    layer.forward(X.copy())
    layer.backward(dA.copy())
    dW = np.array(layer.dW, dtype=np.float64)
    assert dW.shape == want.shape, f"stride={S}: dW shape {dW.shape}, expected {want.shape}"
    assert np.allclose(dW, want, rtol=1e-7, atol=1e-9), (
        f"dW wrong for X {X.shape}, W {W.shape}, stride={S}: max error {np.max(np.abs(dW - want)):.3g}")

# %% test_stride_backward_dB
import numpy as np

rng = np.random.default_rng(706)
for n_in, F, S in [(11, 4, 2), (9, 5, 3), (13, 2, 4)]:
    c_in, c_out = int(rng.integers(1, 4)), int(rng.integers(4, 7))
    X, W, B = rng.standard_normal((c_in, n_in)), rng.standard_normal((c_out, c_in, F)), rng.standard_normal(c_out)
    dA = rng.standard_normal((c_out, (n_in - F) // S + 1))
    layer = Conv1d(W.copy(), B.copy(), stride=S)
    layer.forward(X.copy())
    layer.backward(dA.copy())
    dB = np.array(layer.dB, dtype=np.float64)
    assert dB.shape == (c_out,), f"stride={S}: dB shape {dB.shape}, expected {(c_out,)}"
    assert np.allclose(dB, dA.sum(axis=1), rtol=1e-7, atol=1e-9), f"dB wrong for stride={S}, W {W.shape}"

# %% test_errors
import numpy as np

rng = np.random.default_rng(707)
X = rng.standard_normal((2, 11))
for F, stride, padding in [(3, 0, 0), (3, -3, 1), (3, 2.5, 0), (3, 0.5, 0), (5, 3, "same"), (3, 2, "same")]:
    W, B = rng.standard_normal((4, 2, F)), rng.standard_normal(4)
    try:
        Conv1d(W, B, stride=stride, padding=padding).forward(X)
    except ValueError:
        pass
    except Exception as error:  # noqa: BLE001
        raise AssertionError(f"Conv1d(F={F}, stride={stride!r}, padding={padding!r}) raised "
                             f"{type(error).__name__}, expected ValueError") from None
    else:
        raise AssertionError(f"Conv1d(F={F}, stride={stride!r}, padding={padding!r}) did not raise ValueError")
for F, stride in [(3, 4), (2, 11), (4, 1)]:  # valid strides must still work
    A = Conv1d(rng.standard_normal((4, 2, F)), rng.standard_normal(4), stride=stride).forward(X)
    assert np.shape(A) == (4, (11 - F) // stride + 1), f"Conv1d(F={F}, stride={stride}) returned shape {np.shape(A)}"

# %% test_combined_forward
import numpy as np

rng = np.random.default_rng(708)
for batch, n_in, F, P, S in [(3, 11, 4, 1, 2), (2, 9, 5, 2, 3), (4, 6, 3, 1, 1), (1, 13, 2, 3, 4), (5, 5, 7, 2, 2)]:
    c_in, c_out = int(rng.integers(1, 4)), int(rng.integers(4, 7))
    X = rng.standard_normal((batch, c_in, n_in))
    W, B = rng.standard_normal((c_out, c_in, F)), rng.standard_normal(c_out)
    Xp = np.zeros((batch, c_in, n_in + 2 * P))
    Xp[:, :, P : P + n_in] = X
    n_out = (n_in + 2 * P - F) // S + 1
    want = np.zeros((batch, c_out, n_out))
    for n in range(batch):
        for o in range(c_out):
            for i in range(n_out):
                want[n, o, i] = np.sum(Xp[n, :, i * S : i * S + F] * W[o]) + B[o]
    A = np.array(Conv1d(W.copy(), B.copy(), stride=S, padding=P).forward(X.copy()), dtype=np.float64)
    assert A.shape == want.shape, (f"X {X.shape}, F={F}, padding={P}, stride={S}: shape {A.shape}, "
                                   f"expected {want.shape}")
    assert np.allclose(A, want, rtol=1e-7, atol=1e-9), (
        f"forward wrong for X {X.shape}, W {W.shape}, padding={P}, stride={S}: "
        f"max error {np.max(np.abs(A - want)):.3g}")

# %% test_combined_backward
import numpy as np

rng = np.random.default_rng(709)
for batch, n_in, F, P, S in [(3, 11, 4, 1, 2), (2, 9, 5, 2, 3), (4, 6, 3, 1, 1), (1, 13, 2, 3, 4), (5, 5, 7, 2, 2)]:
    c_in, c_out = int(rng.integers(1, 4)), int(rng.integers(4, 7))
    X = rng.standard_normal((batch, c_in, n_in))
    W, B = rng.standard_normal((c_out, c_in, F)), rng.standard_normal(c_out)
    Xp = np.zeros((batch, c_in, n_in + 2 * P))
    Xp[:, :, P : P + n_in] = X
    n_out = (n_in + 2 * P - F) // S + 1
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
    where = f"X {X.shape}, W {W.shape}, padding={P}, stride={S}"
    assert dX.shape == X.shape, f"{where}: dX shape {dX.shape}, expected {X.shape}"
    assert np.allclose(dX, dXp[:, :, P : P + n_in], rtol=1e-7, atol=1e-9), f"{where}: dX values differ"
    dW, dB = np.array(layer.dW, dtype=np.float64), np.array(layer.dB, dtype=np.float64)
    assert dW.shape == W.shape and np.allclose(dW, want_dW, rtol=1e-7, atol=1e-9), f"{where}: dW differs"
    assert dB.shape == B.shape and np.allclose(dB, dA.sum(axis=(0, 2)), rtol=1e-7, atol=1e-9), f"{where}: dB differs"
