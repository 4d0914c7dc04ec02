"""PyTorch as an oracle, float64, to 1e-10: conv1d forward and autograd gradients, max_pool1d, cross_entropy, optim.

torch is a test dependency only (pyproject's `test` extra); without it this module is skipped, not failed.
"""

import numpy as np
import pytest

torch = pytest.importorskip("torch", reason="torch not installed: install the test extra")
import torch.nn.functional as tF  # noqa: E402

from solutions.layers import MaxPool1d, SoftmaxCrossEntropy  # noqa: E402
from solutions.optimizers import SGD, AdaGrad, Adam  # noqa: E402
from solutions.p1_simple_conv1d import SimpleConv1d  # noqa: E402
from solutions.p4_conv1d import Conv1d  # noqa: E402

TOLERANCE = 1e-10


def assert_close(got, expected, name=""):
    """max |got - expected| <= 1e-10 * max(1, max |expected|), and the same shape."""
    expected = expected.detach().numpy() if isinstance(expected, torch.Tensor) else np.asarray(expected)
    got = np.asarray(got)
    assert got.shape == expected.shape, (name, got.shape, expected.shape)
    scale = max(1.0, float(np.max(np.abs(expected), initial=0)))
    error = float(np.max(np.abs(got - expected), initial=0))
    assert error <= TOLERANCE * scale, f"{name}: max abs error {error:.3g} (scale {scale:.3g})"


def t64(array, grad=False):
    return torch.tensor(np.asarray(array), dtype=torch.float64, requires_grad=grad)


# ---- convolutions ---------------------------------------------------------------------------------------------
def random_conv_case(seed):
    """batch (None: one (C_in, N) sample), C_in, C_out, F, N, stride, padding (int or 'same') drawn from seed."""
    rng = np.random.default_rng(seed)
    batch = None if seed % 5 == 0 else int(rng.integers(1, 6))
    c_in, c_out, F = (int(v) for v in rng.integers(1, [7, 7, 8]))
    stride = 1 if seed % 4 == 0 else int(rng.integers(1, 5))
    if stride == 1 and F % 2 == 1 and seed % 3 == 0:
        padding = "same"
        n_in = int(rng.integers(1, 20))
    else:
        padding = int(rng.integers(0, 4))
        n_in = int(rng.integers(max(1, F - 2 * padding), 21))
    return rng, batch, c_in, c_out, F, n_in, stride, padding


@pytest.mark.parametrize("seed", range(40))
def test_conv1d_matches_torch_forward_and_gradients(seed):
    rng, batch, c_in, c_out, F, n_in, stride, padding = random_conv_case(seed)
    W, B = rng.standard_normal((c_out, c_in, F)), rng.standard_normal(c_out)
    X = rng.standard_normal((c_in, n_in) if batch is None else (batch, c_in, n_in))
    layer = Conv1d(W.copy(), B.copy(), stride=stride, padding=padding)
    A = layer.forward(X)

    Xt, Wt, Bt = t64(X, True), t64(W, True), t64(B, True)
    At = tF.conv1d(Xt, Wt, Bt, stride=stride, padding=padding)  # torch also takes an unbatched (C_in, N) input
    assert_close(A, At, "forward")

    G = rng.standard_normal(A.shape)
    dX = layer.backward(G)
    At.backward(t64(G))
    assert_close(dX, Xt.grad, "dX")
    assert_close(layer.dW, Wt.grad, "dW")
    assert_close(layer.dB, Bt.grad, "dB")


def test_the_random_conv_cases_cover_every_feature():
    cases = [random_conv_case(seed)[1:] for seed in range(40)]
    assert any(c[0] is None for c in cases) and any(c[0] is not None and c[0] > 1 for c in cases)
    assert any(c[1] != c[2] for c in cases)
    assert any(c[5] > 1 for c in cases) and any(c[6] == "same" for c in cases)
    assert any(c[6] not in (0, "same") for c in cases) and any(c[4] % 2 == 1 for c in cases)


@pytest.mark.parametrize("n_in, F", [(4, 3), (10, 1), (12, 5), (6, 6)])
def test_simple_conv1d_matches_torch(n_in, F):
    rng = np.random.default_rng(n_in + F)
    W, B, X = rng.standard_normal(F), rng.standard_normal(1), rng.standard_normal(n_in)
    layer = SimpleConv1d(W.copy(), B.copy())
    Xt, Wt, Bt = t64(X, True), t64(W, True), t64(B, True)
    At = tF.conv1d(Xt.view(1, 1, -1), Wt.view(1, 1, -1), Bt).view(-1)
    assert_close(layer.forward(X), At, "forward")
    G = rng.standard_normal(n_in - F + 1)
    dX = layer.backward(G)
    At.backward(t64(G))
    assert_close(dX, Xt.grad, "dX")
    assert_close(layer.dW, Wt.grad, "dW")
    assert_close(layer.dB, Bt.grad, "dB")


# ---- pooling and the loss -------------------------------------------------------------------------------------
@pytest.mark.parametrize("shape, pool", [((2, 3, 8), 2), ((4, 2, 9), 2), ((3, 5, 11), 3), ((1, 1, 7), 7),
                                         ((2, 2, 5), 1)])
def test_maxpool1d_matches_torch(shape, pool):
    rng = np.random.default_rng(pool * 100 + shape[2])
    X = rng.standard_normal(shape)  # continuous random numbers: no ties
    layer = MaxPool1d(pool)
    Xt = t64(X, True)
    At = tF.max_pool1d(Xt, pool)  # stride = kernel size, a short tail dropped (ceil_mode=False)
    assert_close(layer.forward(X), At, "forward")
    G = rng.standard_normal(At.shape)
    At.backward(t64(G))
    assert_close(layer.backward(G), Xt.grad, "dX")


@pytest.mark.parametrize("batch, n_classes, scale", [(1, 2, 1.0), (8, 10, 3.0), (5, 4, 300.0)])
def test_softmax_cross_entropy_matches_torch(batch, n_classes, scale):
    rng = np.random.default_rng(batch)
    A, y = scale * rng.standard_normal((batch, n_classes)), rng.integers(0, n_classes, batch)
    layer = SoftmaxCrossEntropy()
    At = t64(A, True)
    loss_t = tF.cross_entropy(At, torch.tensor(y))  # mean over the batch, like ours
    assert_close(layer.forward(A, y), loss_t, "loss")
    loss_t.backward()
    assert_close(layer.backward(), At.grad, "dA")


# ---- optimizers: a few steps on the same gradient sequence ----------------------------------------------------
class Params:
    """What an optimizer sees of a layer: W, B and their gradients dW, dB."""

    def __init__(self, W, B):
        self.W, self.B = W, B


def run_both(ours, make_torch, steps=6, seed=0, before_step=None):
    """Apply `steps` updates with the same random gradients to our parameters and to torch's; compare each step."""
    rng = np.random.default_rng(seed)
    W, B = rng.standard_normal((3, 2, 4)), rng.standard_normal(3)
    layer = Params(W.copy(), B.copy())
    Wt, Bt = t64(W, True), t64(B, True)
    opt = make_torch([Wt, Bt])
    for t in range(1, steps + 1):
        layer.dW, layer.dB = rng.standard_normal(W.shape), rng.standard_normal(B.shape)
        Wt.grad, Bt.grad = t64(layer.dW), t64(layer.dB)
        if t == 4:  # a learning-rate change mid-way, as the classifier's lr_decay does between epochs
            ours.lr *= 0.5
            for group in opt.param_groups:
                group["lr"] *= 0.5
        if before_step is not None:
            before_step(opt, t)
        ours.update(layer)
        opt.step()
        assert_close(layer.W, Wt, f"W after step {t}")
        assert_close(layer.B, Bt, f"B after step {t}")
    assert not np.allclose(layer.W, W)


def test_sgd_matches_torch():
    run_both(SGD(lr=0.1), lambda params: torch.optim.SGD(params, lr=0.1))


def test_adagrad_matches_torch():
    # Same formula: h += g^2; p -= lr * g / (sqrt(h) + eps). torch's defaults differ (eps=1e-10), so pass ours
    # (1e-7); lr_decay=0 and initial_accumulator_value=0 are torch's defaults and ours.
    ours = AdaGrad(lr=0.5)
    run_both(ours, lambda params: torch.optim.Adagrad(params, lr=0.5, eps=ours.eps, lr_decay=0,
                                                      initial_accumulator_value=0))


def test_adagrad_eps_is_added_after_the_square_root():
    ours = AdaGrad(lr=0.5, eps=0.3)  # a large eps, so where it goes is visible
    run_both(ours, lambda params: torch.optim.Adagrad(params, lr=0.5, eps=0.3))


def test_adam_matches_torch_without_eps():
    run_both(Adam(lr=0.01, eps=0.0), lambda params: torch.optim.Adam(params, lr=0.01, eps=0.0))


@pytest.mark.parametrize("eps", [1e-8, 0.1])
def test_adam_eps_placement_is_the_papers_efficient_form(eps):
    """Our Adam is Kingma & Ba's "efficient" form: p -= lr * sqrt(1 - b2^t) / (1 - b1^t) * m / (sqrt(v) + eps),
    i.e. eps added to sqrt(v), not to sqrt(v_hat) as torch.optim.Adam does. The two agree exactly when torch's eps
    at step t is eps / sqrt(1 - b2^t), set here before each step."""
    ours = Adam(lr=0.01, eps=eps)

    def torch_eps(opt, t):
        opt.param_groups[0]["eps"] = eps / np.sqrt(1 - 0.999**t)

    run_both(ours, lambda params: torch.optim.Adam(params, lr=0.01, eps=eps), before_step=torch_eps)


def test_adam_against_its_formula():
    rng = np.random.default_rng(3)
    lr, b1, b2, eps = 0.02, 0.8, 0.95, 1e-3
    W = rng.standard_normal((4, 3))
    layer, reference = Params(W.copy(), np.zeros(2)), W.copy()
    ours, m, v = Adam(lr=lr, beta1=b1, beta2=b2, eps=eps), np.zeros_like(W), np.zeros_like(W)
    for t in range(1, 6):
        g = rng.standard_normal(W.shape)
        layer.dW, layer.dB = g, np.zeros(2)
        ours.update(layer)
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g * g
        reference -= lr * np.sqrt(1 - b2**t) / (1 - b1**t) * m / (np.sqrt(v) + eps)
        np.testing.assert_allclose(layer.W, reference, rtol=1e-12, atol=1e-14)
