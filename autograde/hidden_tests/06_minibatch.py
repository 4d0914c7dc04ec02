# Hidden tests for notebooks/06_minibatch.ipynb: each `# %% test_id` section is appended to that grade cell.
# Random batches, shapes and values; the oracle is written out here (loops), never a name the notebook defines.
# ruff: noqa: F821, E402 - names come from the notebook; each section imports what it uses

# %% test_output_size
import numpy as np

rng = np.random.default_rng(601)
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

# %% test_batch_forward_shape
import numpy as np

rng = np.random.default_rng(602)
for batch, n_in, F in [(5, 7, 5), (3, 9, 2), (1, 6, 4), (4, 11, 1), (2, 5, 5)]:
    c_in, c_out = int(rng.integers(1, 4)), int(rng.integers(4, 7))
    X = rng.standard_normal((batch, c_in, n_in))
    A = np.array(Conv1d(rng.standard_normal((c_out, c_in, F)), rng.standard_normal(c_out)).forward(X),
                 dtype=np.float64)
    want = (batch, c_out, n_in - F + 1)
    assert A.shape == want, (f"forward with X {X.shape}, W ({c_out}, {c_in}, {F}) returned shape {A.shape}, "
                             f"expected {want}")

# %% test_batch_forward_values
import numpy as np

rng = np.random.default_rng(603)
for batch, n_in, F in [(5, 7, 5), (3, 9, 2), (1, 6, 4), (4, 11, 1), (6, 13, 3)]:
    c_in, c_out = int(rng.integers(1, 4)), int(rng.integers(4, 7))
    X = rng.standard_normal((batch, c_in, n_in))
    W, B = rng.standard_normal((c_out, c_in, F)), rng.standard_normal(c_out)
    want = np.array([[[np.sum(X[n, :, i : i + F] * W[o]) + B[o] for i in range(n_in - F + 1)]
                      for o in range(c_out)] for n in range(batch)])
    A = np.array(Conv1d(W.copy(), B.copy()).forward(X.copy()), dtype=np.float64)
    assert A.shape == want.shape, f"X {X.shape}, W {W.shape}: forward shape {A.shape}, expected {want.shape}"
    assert np.allclose(A, want, rtol=1e-7, atol=1e-9), (
        f"forward values wrong for X {X.shape}, W {W.shape}: max error {np.max(np.abs(A - want)):.3g}")

# %% test_single_sample
import numpy as np

rng = np.random.default_rng(604)
for n_in, F in [(7, 5), (9, 2), (6, 4)]:
    c_in, c_out = int(rng.integers(1, 4)), int(rng.integers(4, 7))
    X, W, B = rng.standard_normal((c_in, n_in)), rng.standard_normal((c_out, c_in, F)), rng.standard_normal(c_out)
    n_out = n_in - F + 1
    want = np.array([[np.sum(X[:, i : i + F] * W[o]) + B[o] for i in range(n_out)] for o in range(c_out)])
    dA = rng.standard_normal((c_out, n_out))
    want_dX = np.zeros((c_in, n_in))
    for i in range(n_out):
        for o in range(c_out):
            want_dX[:, i : i + F] += dA[o, i] * W[o]
    layer = Conv1d(W.copy(), B.copy())
    A = np.array(layer.forward(X.copy()), dtype=np.float64)
    assert A.shape == want.shape, f"one sample X {X.shape}, W {W.shape}: forward shape {A.shape}, expected {want.shape}"
    assert np.allclose(A, want, rtol=1e-7, atol=1e-9), f"one sample X {X.shape}, W {W.shape}: forward values differ"
    dX = np.array(layer.backward(dA.copy()), dtype=np.float64)
    assert dX.shape == want_dX.shape, f"one sample X {X.shape}: dX shape {dX.shape}, expected {want_dX.shape}"
    assert np.allclose(dX, want_dX, rtol=1e-7, atol=1e-9), f"one sample X {X.shape}, W {W.shape}: dX values differ"

# %% test_batch_backward_dX
import numpy as np

rng = np.random.default_rng(605)
for batch, n_in, F in [(5, 7, 5), (3, 9, 2), (1, 6, 4), (4, 11, 1)]:
    c_in, c_out = int(rng.integers(1, 4)), int(rng.integers(4, 7))
    X = rng.standard_normal((batch, c_in, n_in))
    W, B = rng.standard_normal((c_out, c_in, F)), rng.standard_normal(c_out)
    n_out = n_in - F + 1
    dA = rng.standard_normal((batch, c_out, n_out))
    want = np.zeros_like(X)
    for n in range(batch):
        for i in range(n_out):
            for o in range(c_out):
                want[n, :, i : i + F] += dA[n, o, i] * W[o]
    layer = Conv1d(W.copy(), B.copy())
    layer.forward(X.copy())
    dX = np.array(layer.backward(dA.copy()), dtype=np.float64)
    assert dX.shape == want.shape, f"X {X.shape}, W {W.shape}: dX shape {dX.shape}, expected {want.shape}"
    assert np.allclose(dX, want, rtol=1e-7, atol=1e-9), (
        f"dX wrong for X {X.shape}, W {W.shape}: max error {np.max(np.abs(dX - want)):.3g}")

# %% test_batch_backward_dW
import numpy as np

rng = np.random.default_rng(606)
for batch, n_in, F in [(5, 7, 5), (3, 9, 2), (4, 11, 1), (2, 6, 3)]:
    c_in, c_out = int(rng.integers(1, 4)), int(rng.integers(4, 7))
    X = rng.standard_normal((batch, c_in, n_in))
    W, B = rng.standard_normal((c_out, c_in, F)), rng.standard_normal(c_out)
    n_out = n_in - F + 1
    dA = rng.standard_normal((batch, c_out, n_out))
    want = np.zeros_like(W)
    for n in range(batch):
        for i in range(n_out):
            for o in range(c_out):
                want[o] += dA[n, o, i] * X[n, :, i : i + F]
    layer = Conv1d(W.copy(), B.copy())
    layer.forward(X.copy())
    layer.backward(dA.copy())
    dW = np.array(layer.dW, dtype=np.float64)
    assert dW.shape == want.shape, f"X {X.shape}: dW shape {dW.shape}, expected {want.shape}"
    assert np.allclose(dW, want, rtol=1e-7, atol=1e-9), (
        f"dW wrong for X {X.shape}, W {W.shape} (sum over the batch?): max error {np.max(np.abs(dW - want)):.3g}")

# %% test_batch_backward_dB
import numpy as np

rng = np.random.default_rng(607)
for batch, n_in, F in [(5, 7, 5), (3, 9, 2), (4, 11, 1)]:
    c_in, c_out = int(rng.integers(1, 4)), int(rng.integers(4, 7))
    X = rng.standard_normal((batch, c_in, n_in))
    W, B = rng.standard_normal((c_out, c_in, F)), rng.standard_normal(c_out)
    dA = rng.standard_normal((batch, c_out, n_in - F + 1))
    layer = Conv1d(W.copy(), B.copy())
    layer.forward(X.copy())
    layer.backward(dA.copy())
    dB = np.array(layer.dB, dtype=np.float64)
    want = dA.sum(axis=(0, 2))
    assert dB.shape == want.shape, f"X {X.shape}: dB shape {dB.shape}, expected {want.shape}"
    assert np.allclose(dB, want, rtol=1e-7, atol=1e-9), f"dB wrong for X {X.shape} (sum over the batch and positions?)"

# %% test_errors
import numpy as np

rng = np.random.default_rng(608)
W, B = rng.standard_normal((4, 3, 5)), rng.standard_normal(4)
for shape in [(9,), (3, 3, 3, 9), (2, 2, 9), (5, 4, 9), (2, 9), (1, 1, 1, 1, 9)]:
    try:
        Conv1d(W.copy(), B.copy()).forward(rng.standard_normal(shape))
    except ValueError:
        pass
    except Exception as error:  # noqa: BLE001
        raise AssertionError(f"forward on X of shape {shape} (W {W.shape}) raised {type(error).__name__}, "
                             "expected ValueError") from None
    else:
        raise AssertionError(f"forward on X of shape {shape} (W {W.shape}) did not raise ValueError")
for shape in [(2, 3, 9), (1, 3, 5)]:  # valid batches must still work
    A = Conv1d(W.copy(), B.copy()).forward(rng.standard_normal(shape))
    assert np.ndim(A) == len(shape), f"forward on a valid X {shape} returned shape {np.shape(A)}"
