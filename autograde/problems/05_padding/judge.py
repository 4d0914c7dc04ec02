"""Judges of notebook 05_padding (the grader's half; cases: autograde/problems/05_padding/probe.py).

The oracle is the definition written out with loops (autograde/problems/oracles.py), independent of solutions/.
"""

from autograde.grade.expect import expect_close, expect_raises, value
from autograde.problems.oracles import backward, check_forward_shape, check_output_size, forward, is_int

OUTPUT_SIZE_HINT = ("N_out = (N_in + 2P - F) // S + 1 with P zeros on *each* side.\n"
                    "N_out = (N_in + 2P - F) // S + 1。P は片側に足す 0 の個数です。")
PAD_HINT = ("Pad X with P zeros at *both* ends (np.pad), then slide the filter as in problem 4.\n"
            "X の*両端*に P 個ずつ 0 を足して（np.pad）から、問題4と同じようにフィルタを動かします。")


def _where(X, W, padding):
    return f"X {X.shape}, W {W.shape}, padding={padding!r}"


def _backward_what(X, W, P, name):
    return f"{name} of Conv1d(W, B, padding={P}).backward(dA) after forward(X), {_where(X, W, P)}"


def test_output_size(key, got, *, n_in, F, P, S):
    check_output_size(got, n_in=n_in, F=F, P=P, S=S, hint=OUTPUT_SIZE_HINT)


def test_forward_shape(key, got, *, X, W, B, P):
    check_forward_shape(got, X, W, P, where=_where(X, W, P),
                        hint="With P zeros on each side, N_out = N_in + 2P - F + 1.\n"
                             "両端に P 個ずつ 0 を足すので N_out = N_in + 2P - F + 1 です。")


def test_forward_values(key, got, *, X, W, B, P):
    what = f"forward with {_where(X, W, P)}"
    expect_close(what, value(got, what), forward(X, W, B, P), PAD_HINT)


def test_same(key, got, *, X, W, B):
    what = f"forward with padding='same', X {X.shape}, F={W.shape[2]}"
    expect_close(what, value(got, what), forward(X, W, B, (W.shape[2] - 1) // 2),
                 "'same' means P = (F - 1) // 2, so that N_out == N_in.\n"
                 "'same' は P = (F - 1) // 2 とし、N_out == N_in にします。")


def _expect_gradient(name, got, X, W, P, dA, hint):
    what = _backward_what(X, W, P, name if name == "dX" else f"layer.{name}")
    expect_close(what, value(got, what), backward(X, W, dA, P)[name], hint)


def test_backward_dX(key, got, *, X, W, B, P, dA):
    _expect_gradient("dX", got, X, W, P, dA,
                     "Compute the gradient of the padded input (length N_in + 2P), then drop P values at each end.\n"
                     "パディング後の入力（長さ N_in + 2P）の勾配を求めてから、両端の P 個ずつを捨てます。")


def test_backward_dW(key, got, *, X, W, B, P, dA):
    _expect_gradient("dW", got, X, W, P, dA, "dW[o, c, s] = sum_i dA[o, i] * Xp[c, i + s], with the *padded* input "
                     "Xp.\ndW[o, c, s] = Σ_i dA[o, i] * Xp[c, i + s]。Xp は*パディング後*の入力です。")


def test_backward_dB(key, got, *, X, W, B, P, dA):
    _expect_gradient("dB", got, X, W, P, dA, "dB[o] = sum_i dA[o, i]: one value per output channel.\n"
                     "dB[o] = Σ_i dA[o, i]：出力チャンネルごとに1つです。")


def test_errors(key, got, *, X, W, B, padding):
    F = W.shape[2]
    what = f"Conv1d(W with F={F}, padding={padding!r}).forward(X)"
    if not (is_int(padding, 0) or (padding == "same" and F % 2 == 1)):
        expect_raises(what, got, ValueError,
                      "padding must be an integer >= 0 or 'same' ('same' needs an odd F); raise ValueError in "
                      "__init__ (at the latest in forward).\npadding は 0 以上の整数か 'same'（F が奇数のとき）です。"
                      "__init__（遅くとも forward）で ValueError を出します。")
        return
    A = value(got, what)
    if A.ndim == 0 or A.shape[0] != W.shape[0]:
        raise AssertionError(f"{what} must work (a valid padding), returned shape {A.shape}\n"
                             f"{what} は正しい padding なので動く必要があります（形状 {A.shape}）")
