"""Judges of notebook 06_minibatch (the grader's half; cases: autograde/problems/06_minibatch/probe.py).

The oracle is the definition written out with loops (autograde/problems/oracles.py), independent of solutions/.
"""

from autograde.grade.expect import expect_close, expect_raises, named, value
from autograde.problems.oracles import backward, check_forward_shape, check_output_size, forward

OUTPUT_SIZE_HINT = ("N_out = (N_in + 2P - F) // S + 1 with P zeros on *each* side.\n"
                    "N_out = (N_in + 2P - F) // S + 1。P は片側に足す 0 の個数です。")
BATCH_HINT = ("Every sample is convolved with the same W and B, independently of the other samples.\n"
              "各サンプルを、ほかのサンプルとは無関係に、同じ W と B で畳み込みます。")


def _where(X, W):
    return f"X {X.shape}, W {W.shape}"


def test_output_size(key, got, *, n_in, F, P, S):
    check_output_size(got, n_in=n_in, F=F, P=P, S=S, hint=OUTPUT_SIZE_HINT)


def test_batch_forward_shape(key, got, *, X, W, B):
    check_forward_shape(got, X, W, where=_where(X, W),
                        hint="A batch X (batch, C_in, N_in) gives A (batch, C_out, N_out): keep the batch axis first "
                             "(a batch of one sample too).\n"
                             "バッチ X (batch, C_in, N_in) からは A (batch, C_out, N_out) を返します。"
                             "バッチの軸は先頭のままです（サンプル1つのバッチも）。")


def test_batch_forward_values(key, got, *, X, W, B):
    what = f"forward with {_where(X, W)}"
    expect_close(what, value(got, what), forward(X, W, B), BATCH_HINT)


def test_single_sample(key, got, *, X, W, B, dA):
    results = named(got, f"one sample {_where(X, W)}", ["forward", "dX"])
    hint = ("A 2-D X is one sample: return (C_out, N_out), and take/return 2-D arrays in backward too.\n"
            "2次元の X は1サンプルです。(C_out, N_out) を返し、backward も2次元で受け取り2次元で返します。")
    expect_close(f"one sample {_where(X, W)}: forward", results["forward"], forward(X, W, B), hint)
    expect_close(f"one sample {_where(X, W)}: dX", results["dX"], backward(X, W, dA)["dX"], hint)


def test_batch_backward_dX(key, got, *, X, W, B, dA):
    what = f"dX of backward(dA) after forward(X), {_where(X, W)}"
    expect_close(what, value(got, what), backward(X, W, dA)["dX"],
                 "dX[n] depends on dA[n] only; it has the shape of X (batch, C_in, N_in).\n"
                 "dX[n] は dA[n] だけで決まり、X と同じ形 (batch, C_in, N_in) になります。")


def test_batch_backward_dW(key, got, *, X, W, B, dA):
    what = f"layer.dW after backward(dA), {_where(X, W)}"
    expect_close(what, value(got, what), backward(X, W, dA)["dW"],
                 "dW is the *sum* over the batch of each sample's gradient (not the mean, not the last sample).\n"
                 "dW は各サンプルの勾配のバッチ全体の*和*です（平均でも最後のサンプルだけでもありません）。")


def test_batch_backward_dB(key, got, *, X, W, B, dA):
    what = f"layer.dB after backward(dA), {_where(X, W)}"
    expect_close(what, value(got, what), backward(X, W, dA)["dB"],
                 "dB[o] = sum over samples n and positions i of dA[n, o, i] (a sum, not a mean).\n"
                 "dB[o] はサンプル n と位置 i についての dA[n, o, i] の和です（平均ではありません）。")


def test_errors(key, got, *, X, W, B):
    what = f"forward on X of shape {X.shape} (W {W.shape})"
    if X.ndim not in (2, 3) or X.shape[-2] != W.shape[1]:
        expect_raises(what, got, ValueError,
                      "X must be (batch, C_in, N_in) or (C_in, N_in) with C_in = W.shape[1]; raise ValueError "
                      "otherwise.\nX は (batch, C_in, N_in) か (C_in, N_in)（C_in = W.shape[1]）です。"
                      "それ以外は ValueError にします。")
        return
    A = value(got, what)
    if A.ndim != X.ndim:
        raise AssertionError(f"{what} (a valid X) returned shape {A.shape}\n"
                             f"{what} は正しい X なので {X.ndim} 次元の結果になるはずです（形状 {A.shape}）")
