"""Conv1d forward+backward: the model answer (solutions/p4_conv1d.py) and its speed-tuned twin for problem 8
(solutions/fast_conv1d.py) against explicit Python loops.

Usage:  python tests/bench_conv1d.py [--repeats R] [--naive-repeats N] [--quick]

The shape is the one issue 2 asks for: an MNIST batch as 28 channels x 28 steps (batch 128, C_in 28, N_in 28) into
C_out 64 with F 3, padding 'same' (the reference network's first layer has 32 output channels; this is twice that), in
float32 and float64. The naive version loops over batch, output channel, position, input channel and tap in Python
(below); it is timed on fewer repeats (default 1) and reported per call. The script checks that all give the same A,
dX, dW, dB, prints each speedup over the loops and the tuned layer's over the model answer, and exits with status 1 if
they differ or a speedup over the loops is below 500x. --quick times the naive loops on 8 samples and scales to 128
(marked "extrapolated"): the loops' cost is exactly linear in the batch size.

tests/test_bench_baseline.py proves the naive functions right on small cases. Not collected by pytest (no test_
prefix). `make bench` runs it with OPENBLAS_NUM_THREADS=1.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from solutions.fast_conv1d import FastConv1d  # noqa: E402
from solutions.p4_conv1d import Conv1d  # noqa: E402

LAYERS = {"model answer": Conv1d, "fast (problem 8)": FastConv1d}

SHAPE = dict(batch=128, c_in=28, n_in=28, c_out=64, F=3)
GOAL = 500.0  # naive time / vectorized time must be at least this


# ---- the naive baseline: one multiply-add per Python loop iteration -------------------------------------------
def naive_conv1d_forward(X, W, B, stride=1, padding=0):
    """A[b, o, i] = B[o] + sum_c sum_s X[b, c, i*stride + s - padding] * W[o, c, s] (outside X: zeros).

    X (batch, C_in, N_in), W (C_out, C_in, F), B (C_out,), padding an int -> A (batch, C_out, N_out)."""
    batch, c_in, n_in = X.shape
    c_out, _, F = W.shape
    n_out = (n_in + 2 * padding - F) // stride + 1
    A = np.zeros((batch, c_out, n_out), dtype=np.result_type(X, W, B))
    for b in range(batch):
        for o in range(c_out):
            for i in range(n_out):
                total = B[o]
                for c in range(c_in):
                    for s in range(F):
                        j = i * stride + s - padding
                        if 0 <= j < n_in:
                            total += X[b, c, j] * W[o, c, s]
                A[b, o, i] = total
    return A


def naive_conv1d_backward(X, W, dA, stride=1, padding=0):
    """The gradients of the forward above, loop by loop: returns dX (like X), dW (like W), dB (C_out,)."""
    batch, c_in, n_in = X.shape
    c_out, _, F = W.shape
    n_out = dA.shape[2]
    dtype = np.result_type(X, W, dA)
    dX, dW, dB = np.zeros(X.shape, dtype), np.zeros(W.shape, dtype), np.zeros(c_out, dtype)
    for b in range(batch):
        for o in range(c_out):
            for i in range(n_out):
                g = dA[b, o, i]
                dB[o] += g
                for c in range(c_in):
                    for s in range(F):
                        j = i * stride + s - padding
                        if 0 <= j < n_in:
                            dW[o, c, s] += g * X[b, c, j]
                            dX[b, c, j] += g * W[o, c, s]
    return dX, dW, dB


# ---- timing ---------------------------------------------------------------------------------------------------
def make_inputs(dtype, batch, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((batch, SHAPE["c_in"], SHAPE["n_in"])).astype(dtype)
    W = (rng.standard_normal((SHAPE["c_out"], SHAPE["c_in"], SHAPE["F"])) * 0.1).astype(dtype)
    B = rng.standard_normal(SHAPE["c_out"]).astype(dtype)
    dA = rng.standard_normal((batch, SHAPE["c_out"], SHAPE["n_in"])).astype(dtype)  # 'same': N_out == N_in
    return X, W, B, dA


def time_vectorized(layer_class, X, W, B, dA, repeats):
    layer = layer_class(W, B, padding="same")
    layer.forward(X)  # warm-up
    layer.backward(dA)
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        A = layer.forward(X)
        dX = layer.backward(dA)
        times.append(time.perf_counter() - start)
    return statistics.median(times), min(times), (A, dX, layer.dW, layer.dB)


def time_naive(X, W, B, dA, repeats):
    padding = (W.shape[2] - 1) // 2
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        A = naive_conv1d_forward(X, W, B, padding=padding)
        dX, dW, dB = naive_conv1d_backward(X, W, dA, padding=padding)
        times.append(time.perf_counter() - start)
    return statistics.median(times), (A, dX, dW, dB)


def max_relative_difference(got, expected):
    """max |got - expected| / max |expected| over A, dX, dW, dB."""
    return max(float(np.max(np.abs(np.asarray(g, np.float64) - np.asarray(e, np.float64))))
               / max(float(np.max(np.abs(np.asarray(e, np.float64)))), 1e-300)
               for g, e in zip(got, expected, strict=True))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=20, help="vectorized calls timed (median reported)")
    parser.add_argument("--naive-repeats", type=int, default=1, help="naive calls timed")
    parser.add_argument("--quick", action="store_true", help="time the naive loops on 8 samples, scale to 128")
    args = parser.parse_args(argv)

    batch = SHAPE["batch"]
    naive_batch = 8 if args.quick else batch
    print(f"Conv1d forward+backward, batch {batch}, C_in {SHAPE['c_in']}, N_in {SHAPE['n_in']}, "
          f"C_out {SHAPE['c_out']}, F {SHAPE['F']}, padding 'same'; numpy {np.__version__}, "
          f"OPENBLAS_NUM_THREADS={os.environ.get('OPENBLAS_NUM_THREADS', 'unset')}")
    print(f"{'dtype':<8} {'layer':<17} {'vectorized (median / best)':>28} {'naive loops':>22} {'speedup':>9} "
          f"{'max rel diff':>13}")
    ok = True
    for dtype, tolerance in ((np.float32, 1e-4), (np.float64, 1e-12)):
        X, W, B, dA = make_inputs(dtype, batch)
        naive_seconds, slow = time_naive(X[:naive_batch], W, B, dA[:naive_batch], args.naive_repeats)
        naive_seconds *= batch / naive_batch
        label = " (extrapolated)" if naive_batch != batch else ""
        medians = {}
        for name, layer_class in LAYERS.items():
            median, best, fast = time_vectorized(layer_class, X, W, B, dA, args.repeats)
            medians[name] = median
            # compare on the samples both computed; dW, dB of the vectorized layer are over the whole batch
            if naive_batch != batch:
                _, _, fast = time_vectorized(layer_class, X[:naive_batch], W, B, dA[:naive_batch], 1)
            difference = max_relative_difference(fast, slow)
            speedup = naive_seconds / median
            print(f"{np.dtype(dtype).name:<8} {name:<17} {median * 1e3:>12.2f} ms / {best * 1e3:>6.2f} ms "
                  f"{naive_seconds:>9.2f} s per call{label} {speedup:>8.0f}x {difference:>13.2e}")
            if difference > tolerance:
                print(f"  FAIL: naive and vectorized results differ by {difference:.2e} > {tolerance:.0e}")
                ok = False
            if speedup < GOAL:
                print(f"  FAIL: speedup {speedup:.0f}x is below the {GOAL:.0f}x goal")
                ok = False
        print(f"{'':<8} the fast layer is {medians['model answer'] / medians['fast (problem 8)']:.1f}x faster than "
              "the model answer")
    print("OK: results agree and every speedup is >= 500x" if ok else "FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
