"""Loop oracles shared by the judges: one channel (notebooks 01, 03) and the general Conv1d (04-08).

Written from the formulas with explicit loops, independent of solutions/:
    A[..., o, i] = sum(Xp[..., :, i*S : i*S + F] * W[o]) + B[o],  Xp = X with P zeros on each side,
    N_out = (N_in + 2P - F) // S + 1.
X is one sample (C_in, N_in) or a batch (batch, C_in, N_in); the results keep that layout.
"""

import numbers

import numpy as np

from autograde.grade.expect import expect_raises, value


def is_int(number, minimum: int) -> bool:
    """An integer (bool excluded) >= minimum: what Conv1d and output_size accept for padding and stride."""
    return isinstance(number, numbers.Integral) and not isinstance(number, bool) and number >= minimum


def n_out(n_in: int, F: int, P: int = 0, S: int = 1) -> int:
    return (n_in + 2 * P - F) // S + 1


def pad(X, P: int) -> np.ndarray:
    """X with P zeros at both ends of its last axis."""
    X = np.asarray(X, dtype=np.float64)
    Xp = np.zeros(X.shape[:-1] + (X.shape[-1] + 2 * P,))
    Xp[..., P : P + X.shape[-1]] = X
    return Xp


def forward(X, W, B, P: int = 0, S: int = 1) -> np.ndarray:
    Xp = pad(X, P)
    c_out, _, F = W.shape
    length = n_out(X.shape[-1], F, P, S)
    A = np.zeros(X.shape[:-2] + (c_out, length))
    for sample in np.ndindex(X.shape[:-2]):  # one () for a single sample
        for o in range(c_out):
            for i in range(length):
                A[sample + (o, i)] = np.sum(Xp[sample][:, i * S : i * S + F] * W[o]) + B[o]
    return A


def backward(X, W, dA, P: int = 0, S: int = 1) -> dict[str, np.ndarray]:
    """dX (shaped like X), dW (summed over samples and positions), dB, for the upstream gradient dA."""
    Xp = pad(X, P)
    c_out, _, F = W.shape
    dXp, dW = np.zeros_like(Xp), np.zeros(W.shape)
    for sample in np.ndindex(X.shape[:-2]):
        for o in range(c_out):
            for i in range(dA.shape[-1]):
                dXp[sample][:, i * S : i * S + F] += dA[sample + (o, i)] * W[o]
                dW[o] += dA[sample + (o, i)] * Xp[sample][:, i * S : i * S + F]
    dB = dA.reshape(-1, c_out, dA.shape[-1]).sum(axis=(0, 2))
    return {"dX": dXp[..., P : P + X.shape[-1]], "dW": dW, "dB": dB}


def check_forward_shape(got, X, W, P: int = 0, S: int = 1, *, where: str, hint: str) -> None:
    """forward's output must be shaped (batch, C_out, N_out), or (C_out, N_out) for one sample."""
    A = value(got, f"forward with {where}")
    want = X.shape[:-2] + (W.shape[0], n_out(X.shape[-1], W.shape[2], P, S))
    if A.shape != want:
        raise AssertionError(f"forward with {where} returned shape {A.shape}, expected {want}\n{hint}")


def check_output_size(got, *, n_in, F, P, S, hint: str):
    """output_size(n_in, F, padding=P, stride=S): the formula's integer, or ValueError for a stride < 1 or a
    filter longer than the padded input."""
    call = f"output_size({n_in}, {F}, padding={P}, stride={S})"
    if not is_int(S, 1):
        expect_raises(call, got, ValueError, "The stride must be an integer >= 1. / ストライドは 1 以上の整数です。")
        return
    if F > n_in + 2 * P:
        expect_raises(call, got, ValueError, f"F > N_in + 2P / フィルタ（{F}）がパディング後の入力 "
                      f"{n_in} + 2*{P} = {n_in + 2 * P} より長いです。")
        return
    result, want = value(got, call), n_out(n_in, F, P, S)
    if result.shape != () or result != want:
        shown = f"{result.item():g}" if result.shape == () else f"an array of shape {result.shape}"
        raise AssertionError(f"{call} returned {shown}, expected {want}\n{hint}")


# ---- one channel, stride 1, no padding (SimpleConv1d of notebooks 01 and 03) --------------------------------------
#     a[i] = sum_s x[i+s] w[s] + b,  dW[s] = sum_i dA[i] x[i+s],  dX[j] = sum_s dA[j-s] w[s],  dB = [sum_i dA[i]]

def simple_forward(x, w, b) -> np.ndarray:
    F, length = len(w), len(x) - len(w) + 1
    return np.array([sum(x[i + s] * w[s] for s in range(F)) + b[0] for i in range(length)])


def simple_dW(x, w, dA) -> np.ndarray:
    return np.array([sum(dA[i] * x[i + s] for i in range(len(dA))) for s in range(len(w))])


def simple_dX(x, w, dA) -> np.ndarray:
    dX = np.zeros(len(x))
    for i in range(len(dA)):
        for s in range(len(w)):
            dX[i + s] += dA[i] * w[s]
    return dX
