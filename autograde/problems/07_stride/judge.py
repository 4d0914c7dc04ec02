"""Judges of notebook 07_stride (the grader's half; cases: autograde/problems/07_stride/probe.py).

The oracle is the definition written out with loops (autograde/problems/oracles.py), independent of solutions/.
"""

from autograde.grade.expect import expect_close, expect_raises, named, value
from autograde.problems.oracles import backward, check_forward_shape, check_output_size, forward, is_int, n_out

OUTPUT_SIZE_HINT = ("N_out = (N_in + 2P - F) // S + 1: floor division, the remainder falls in no window.\n"
                    "N_out = (N_in + 2P - F) // S + 1（切り捨て。余りはどの窓にも入りません）。")
WINDOW_HINT = ("Window i starts at i * S: a[o, i] = sum(Xp[:, i*S : i*S + F] * W[o]) + B[o].\n"
               "窓 i は i * S から始まります：a[o, i] = sum(Xp[:, i*S : i*S + F] * W[o]) + B[o]。")
COMBINED_BACKWARD_HINT = (
    "Add into the padded gradient at i*S + s, sum dW and dB over the batch, then cut P values off each end.\n"
    "パディング後の勾配の i*S + s に足し込み、dW と dB はバッチで和をとり、最後に両端の P 個ずつを切り落とします。")


def _where(X, W, S, P=None):
    return f"X {X.shape}, W {W.shape}" + ("" if P is None else f", padding={P}") + f", stride={S}"


def test_output_size(key, got, *, n_in, F, P, S):
    check_output_size(got, n_in=n_in, F=F, P=P, S=S, hint=OUTPUT_SIZE_HINT)


def test_stride_forward_shape(key, got, *, X, W, B, S):
    check_forward_shape(got, X, W, 0, S, where=_where(X, W, S),
                        hint="N_out = (N_in + 2P - F) // S + 1: use output_size.\n"
                             "N_out = (N_in + 2P - F) // S + 1（output_size を使う）。")


def test_stride_forward_values(key, got, *, X, W, B, S):
    what = f"forward with {_where(X, W, S)}"
    expect_close(what, value(got, what), forward(X, W, B, 0, S), WINDOW_HINT)


def test_stride_backward_dX(key, got, *, X, W, B, S, dA):
    what = f"dX of backward(dA) after forward(X), {_where(X, W, S)}"
    expect_close(what, value(got, what), backward(X, W, dA, 0, S)["dX"],
                 "Add dA[o, i] * W[o] into dXp[:, i*S : i*S + F] (the windows of forward); positions in no window "
                 "stay 0.\ndA[o, i] * W[o] を dXp[:, i*S : i*S + F]（順伝播と同じ窓）に足し込みます。"
                 "どの窓にも入らない位置は 0 です。")


def test_stride_backward_dW(key, got, *, X, W, B, S, dA):
    what = f"layer.dW after backward(dA), {_where(X, W, S)}"
    expect_close(what, value(got, what), backward(X, W, dA, 0, S)["dW"],
                 "dW[o, c, s] = sum_i dA[o, i] * Xp[c, i*S + s]: the windows of forward, not every position.\n"
                 "dW[o, c, s] = Σ_i dA[o, i] * Xp[c, i*S + s]。順伝播と同じ窓を使い、全位置ではありません。")


def test_stride_backward_dB(key, got, *, X, W, B, S, dA):
    what = f"layer.dB after backward(dA), {_where(X, W, S)}"
    expect_close(what, value(got, what), backward(X, W, dA, 0, S)["dB"],
                 "dB[o] = sum_i dA[o, i], whatever the stride.\nストライドに関係なく dB[o] = Σ_i dA[o, i] です。")


def test_errors(key, got, *, X, W, B, stride, padding):
    F = W.shape[2]
    what = f"Conv1d(F={F}, stride={stride!r}, padding={padding!r}).forward(X)"
    same_ok = padding == "same" and stride == 1 and F % 2 == 1
    if not (is_int(stride, 1) and (is_int(padding, 0) or same_ok)):
        expect_raises(what, got, ValueError,
                      "stride must be an integer >= 1, and 'same' keeps N_out == N_in only with stride 1; raise "
                      "ValueError in __init__ (or at the latest in forward).\nstride は 1 以上の整数です。"
                      "'same' で N_out == N_in になるのはストライド 1 のときだけです。__init__（遅くとも forward）で "
                      "ValueError を出します。")
        return
    A = value(got, what)
    P = (F - 1) // 2 if padding == "same" else padding
    want = (W.shape[0], n_out(X.shape[-1], F, P, stride))
    if A.shape != want:
        raise AssertionError(f"{what} (a valid stride) returned shape {A.shape}, expected {want}\n"
                             f"{what} は正しいストライドなので動く必要があります（形状 {A.shape}、正しくは {want}）")


def test_combined_forward(key, got, *, X, W, B, P, S):
    what = f"forward with {_where(X, W, S, P)}"
    expect_close(what, value(got, what), forward(X, W, B, P, S),
                 "Pad first, then take windows starting at i * S, for every sample of the batch.\n"
                 "まずパディングし、バッチの各サンプルで i * S から始まる窓をとります。")


def test_combined_backward(key, got, *, X, W, B, P, S, dA):
    results = named(got, f"backward with {_where(X, W, S, P)}", ["dX", "dW", "dB"])
    expected = backward(X, W, dA, P, S)
    for name in ("dX", "dW", "dB"):
        expect_close(f"{_where(X, W, S, P)}: {name}", results[name], expected[name], COMBINED_BACKWARD_HINT)
