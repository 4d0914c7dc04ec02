"""make bench: the reference 1D CNN trained in this project's NumPy code, in PyTorch CPU and in Keras 3.

Usage:  python tests/bench_training.py [--epochs E] [--threads T] [--out docs/benchmarks.md] [--skip-keras]

One network (Scratch1dCNNClassifier's defaults: each 28x28 image read as 28 channels x 28 steps,
[Conv1d 'same' -> ReLU -> MaxPool1d] x 2 -> Flatten -> FC -> ReLU -> FC, softmax cross-entropy, Adam), the same
full MNIST (60,000 train / 10,000 test, pixels / 255 in float32), batch size, optimizer, learning rate (and its
per-epoch decay) and epochs, trained three times on the same unshifted mini-batches, each in its own process so
its peak memory is its own (plus once more as shipped, with the classifier's random-shift augmentation):

* numpy  : solutions.p8_classifier.Scratch1dCNNClassifier.fit
* torch  : torch.nn with the same layers, a plain loop over shuffled mini-batches
* keras  : keras.Sequential (Conv1D is channels-last, so the input is fed as (n, 28 steps, 28 channels)) and
           model.fit, on the torch backend (Keras's numpy backend cannot train)

Every framework gets the same number of CPU threads (OpenBLAS for numpy, torch.set_num_threads for torch and
Keras); the default is $OPENBLAS_NUM_THREADS, or 1. Then Conv1d forward+backward micro-benchmarks against
torch.nn.functional.conv1d for the shapes the network uses. Prints a table and writes it to --out.

Not collected by pytest (no test_ prefix).
"""

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GOALS = {"torch": 1.0, "keras": 0.6}  # numpy time / framework time must be <= this


def rss_mb():
    """Current resident memory of this process, MB."""
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def peak_rss_mb():
    """Peak resident memory since the last reset_peak_rss() (VmHWM), MB."""
    try:
        with open("/proc/self/status") as f:
            return next(int(line.split()[1]) for line in f if line.startswith("VmHWM")) / 1024
    except (OSError, StopIteration):
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: kilobytes


def reset_peak_rss():
    """Start measuring the peak from now: data loading and imports before this do not count (Linux)."""
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
    except OSError:
        pass


def load_data():
    sys.path[:0] = [str(ROOT), str(ROOT / "data")]
    import numpy as np
    from mnist_data import load_mnist

    (x_train, y_train), (x_test, y_test) = load_mnist()
    x_train, x_test = x_train.astype(np.float32), x_test.astype(np.float32)
    x_train /= 255  # in place: no second float32 copy, which would count in the peak memory
    x_test /= 255
    return x_train, y_train.astype(np.int64), x_test, y_test.astype(np.int64)


def reference_config():
    """The classifier's defaults: the architecture and training settings every framework uses."""
    sys.path[:0] = [str(ROOT)]
    from solutions.p8_classifier import Scratch1dCNNClassifier

    clf = Scratch1dCNNClassifier()
    return {"conv_channels": list(clf.conv_channels), "filter_size": clf.filter_size, "pool_size": clf.pool_size,
            "n_hidden": clf.n_hidden, "batch_size": clf.batch_size, "lr": clf.lr, "lr_decay": clf.lr_decay,
            "epochs": clf.epochs, "optimizer": clf.optimizer, "shift": clf.shift}


# ---- one framework per process ------------------------------------------------------------------------------
def run_numpy(cfg, epochs, threads):
    import numpy as np

    from solutions.p8_classifier import Scratch1dCNNClassifier

    x_train, y_train, x_test, y_test = load_data()
    start_rss = rss_mb()
    reset_peak_rss()
    clf = Scratch1dCNNClassifier(conv_channels=tuple(cfg["conv_channels"]), filter_size=cfg["filter_size"],
                                 pool_size=cfg["pool_size"], n_hidden=cfg["n_hidden"], epochs=epochs,
                                 batch_size=cfg["batch_size"], lr=cfg["lr"], lr_decay=cfg["lr_decay"], seed=0,
                                 dtype=np.float32, verbose=False, shift=cfg["shift"])
    t = time.perf_counter()
    clf.fit(x_train, y_train)
    seconds = time.perf_counter() - t
    accuracy = float(np.mean(clf.predict(x_test) == y_test))
    result = {"seconds": seconds, "accuracy": accuracy, "start_rss": start_rss, "peak_rss": peak_rss_mb(),
              "version": np.__version__}
    if cfg["shift"]:  # the shipped model: cross-check it in Keras (numpy backend, inference only)
        os.environ["KERAS_BACKEND"] = "numpy"
        from solutions.keras_transfer import max_abs_proba_difference

        result["keras_diff"] = max_abs_proba_difference(clf, x_test)
    return result


def torch_network(cfg, torch):
    nn = torch.nn
    layers, channels, length = [], 28, 28
    for c_out in cfg["conv_channels"]:
        layers += [nn.Conv1d(channels, c_out, cfg["filter_size"], padding=(cfg["filter_size"] - 1) // 2), nn.ReLU(),
                   nn.MaxPool1d(cfg["pool_size"])]
        channels, length = c_out, length // cfg["pool_size"]
    layers += [nn.Flatten(), nn.Linear(channels * length, cfg["n_hidden"]), nn.ReLU(), nn.Linear(cfg["n_hidden"], 10)]
    return nn.Sequential(*layers)


def run_torch(cfg, epochs, threads):
    import numpy as np
    import torch

    torch.set_num_threads(threads)
    x_train, y_train, x_test, y_test = load_data()
    X, y = torch.from_numpy(x_train), torch.from_numpy(y_train)
    start_rss = rss_mb()
    reset_peak_rss()
    torch.manual_seed(0)
    model = torch_network(cfg, torch)
    opt = torch.optim.Adam(model.parameters(), lr=cfg["lr"])
    sched = torch.optim.lr_scheduler.ExponentialLR(opt, gamma=cfg["lr_decay"])
    loss_fn = torch.nn.CrossEntropyLoss()
    bs, generator = cfg["batch_size"], torch.Generator().manual_seed(0)
    t = time.perf_counter()
    for _ in range(epochs):
        order = torch.randperm(len(X), generator=generator)
        total_loss = correct = 0.0
        for i in range(0, len(X), bs):
            idx = order[i : i + bs]
            xb, yb = X[idx], y[idx]
            scores = model(xb)
            loss = loss_fn(scores, yb)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            total_loss += loss.item() * len(idx)  # the same bookkeeping as the numpy fit
            correct += (scores.argmax(1) == yb).sum().item()
        sched.step()
    seconds = time.perf_counter() - t
    with torch.no_grad():
        accuracy = float((model(torch.from_numpy(x_test)).argmax(1).numpy() == y_test).mean())
    return {"seconds": seconds, "accuracy": accuracy, "start_rss": start_rss, "peak_rss": peak_rss_mb(),
            "version": torch.__version__, "np": np.__version__}


def run_keras(cfg, epochs, threads):
    os.environ["KERAS_BACKEND"] = "torch"
    import keras
    import numpy as np
    import torch

    torch.set_num_threads(threads)
    x_train, y_train, x_test, y_test = load_data()
    x_train, x_test = np.ascontiguousarray(x_train.transpose(0, 2, 1)), np.ascontiguousarray(x_test.transpose(0, 2, 1))
    start_rss = rss_mb()
    reset_peak_rss()
    keras.utils.set_random_seed(0)
    layers = [keras.Input((28, 28))]
    for c_out in cfg["conv_channels"]:
        layers += [keras.layers.Conv1D(c_out, cfg["filter_size"], padding="same", activation="relu"),
                   keras.layers.MaxPooling1D(cfg["pool_size"])]
    layers += [keras.layers.Flatten(), keras.layers.Dense(cfg["n_hidden"], activation="relu"), keras.layers.Dense(10)]
    model = keras.Sequential(layers)
    decay = keras.optimizers.schedules.ExponentialDecay(cfg["lr"], decay_steps=-(-len(x_train) // cfg["batch_size"]),
                                                        decay_rate=cfg["lr_decay"], staircase=True)
    model.compile(optimizer=keras.optimizers.Adam(decay),
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True), metrics=["accuracy"])
    t = time.perf_counter()
    model.fit(x_train, y_train, batch_size=cfg["batch_size"], epochs=epochs, shuffle=True, verbose=0)
    seconds = time.perf_counter() - t
    accuracy = float(np.mean(model.predict(x_test, batch_size=1000, verbose=0).argmax(1) == y_test))
    return {"seconds": seconds, "accuracy": accuracy, "start_rss": start_rss, "peak_rss": peak_rss_mb(),
            "version": f"{keras.__version__} ({keras.backend.backend()} backend)"}


def best_ms(fn, repeat, rounds=5):
    """Best mean time of one call over ``rounds`` rounds of ``repeat`` calls, in milliseconds."""
    fn()
    best = float("inf")
    for _ in range(rounds):
        t = time.perf_counter()
        for _ in range(repeat):
            fn()
        best = min(best, (time.perf_counter() - t) / repeat)
    return best * 1e3


def conv_pair(shape, c_out, F, need_dX, repeat):
    """(numpy ms, torch ms) of one Conv1d forward + backward, X of ``shape``, W (c_out, C_in, F), 'same'."""
    import numpy as np
    import torch

    from solutions.fast_conv1d import FastConv1d as Conv1d

    rng = np.random.default_rng(0)
    X = rng.standard_normal(shape).astype(np.float32)
    W = (rng.standard_normal((c_out, shape[1], F)) * 0.1).astype(np.float32)
    B = np.zeros(c_out, np.float32)
    dA = rng.standard_normal((shape[0], c_out, shape[2])).astype(np.float32)
    layer = Conv1d(W, B, padding="same")
    layer.need_dX = need_dX

    def scratch():
        layer.forward(X)
        layer.backward(dA)

    Xt = torch.from_numpy(X).requires_grad_(need_dX)
    Wt, Bt = torch.from_numpy(W).requires_grad_(), torch.from_numpy(B).requires_grad_()
    dAt = torch.from_numpy(dA)

    def reference():
        out = torch.nn.functional.conv1d(Xt, Wt, Bt, padding=(F - 1) // 2)
        Xt.grad = Wt.grad = Bt.grad = None
        out.backward(dAt)

    return best_ms(scratch, repeat), best_ms(reference, repeat)


def run_conv(cfg, epochs, threads, repeat=50):
    """Conv1d forward+backward vs torch for the network's conv shapes, at its batch size; the first layer
    without dX (need_dX=False, as in the classifier; torch: input without requires_grad)."""
    import torch

    torch.set_num_threads(threads)
    rows, channels, length, F = [], 28, 28, cfg["filter_size"]
    for i, c_out in enumerate(cfg["conv_channels"]):
        shape = (cfg["batch_size"], channels, length)
        numpy_ms, torch_ms = conv_pair(shape, c_out, F, need_dX=i > 0, repeat=repeat)
        rows.append({"shape": f"X {shape}, W {(c_out, channels, F)}" + ("" if i else ", no dX"),
                     "numpy_ms": numpy_ms, "torch_ms": torch_ms})
        channels, length = c_out, length // cfg["pool_size"]
    return {"rows": rows}


def run_profile(cfg, epochs, threads, n_samples=20000):
    """Where one epoch of the reference fit spends its time: per layer and method, timed around each call."""
    import collections

    import numpy as np

    from solutions import fast_conv1d, optimizers
    from solutions import layers as layer_module
    from solutions.p8_classifier import Scratch1dCNNClassifier

    x_train, y_train, _, _ = load_data()
    spent = collections.Counter()

    def timed(cls, name):
        original = getattr(cls, name)

        def wrapper(self, *args):
            start = time.perf_counter()
            result = original(self, *args)
            spent[id(self), name] += time.perf_counter() - start
            return result

        setattr(cls, name, wrapper)

    for cls in (fast_conv1d.FastConv1d, layer_module.FC, layer_module.ReLU, layer_module.MaxPool1d,
                layer_module.Flatten, layer_module.SoftmaxCrossEntropy):
        timed(cls, "forward")
        timed(cls, "backward")
    timed(optimizers.Adam, "update")
    clf = Scratch1dCNNClassifier(conv_channels=tuple(cfg["conv_channels"]), filter_size=cfg["filter_size"],
                                 pool_size=cfg["pool_size"], n_hidden=cfg["n_hidden"], epochs=1,
                                 batch_size=cfg["batch_size"], lr=cfg["lr"], lr_decay=cfg["lr_decay"], seed=0,
                                 dtype=np.float32, verbose=False, shift=cfg["shift"])
    start = time.perf_counter()
    clf.fit(x_train[:n_samples], y_train[:n_samples])
    total = time.perf_counter() - start
    names = {id(clf.loss_layer): "SoftmaxCrossEntropy"}
    for i, layer in enumerate(clf.layers):
        names[id(layer)] = f"{i}:{type(layer).__name__}"
        if getattr(layer, "optimizer", None) is not None:
            names[id(layer.optimizer)] = f"{i}:{type(layer).__name__}"
    rows = collections.Counter()
    for (key, method), seconds in spent.items():
        rows[f"{names[key]}.{'optimizer' if method == 'update' else method}"] += seconds
    for name in list(rows):
        if name.endswith(".optimizer"):  # update runs inside backward: count it once
            rows[name.replace(".optimizer", ".backward")] -= rows[name]
    rows["fit loop: mini-batches, shifts, bookkeeping"] = total - sum(rows.values())
    scale = len(x_train) / n_samples  # seconds per full epoch
    return {"rows": [[name, seconds * scale] for name, seconds in rows.most_common()], "epoch": total * scale}


WORKERS = {"numpy": run_numpy, "torch": run_torch, "keras": run_keras, "conv": run_conv, "profile": run_profile}


def worker_main(name, cfg, epochs, threads):
    sys.path[:0] = [str(ROOT), str(ROOT / "data")]
    result = WORKERS[name](cfg, epochs, threads)
    print("RESULT " + json.dumps(result))


def spawn(name, cfg, epochs, threads):
    env = dict(os.environ, OPENBLAS_NUM_THREADS=str(threads), OMP_NUM_THREADS=str(threads),
               MKL_NUM_THREADS=str(threads))
    cmd = [sys.executable, __file__, "--worker", name, "--config", json.dumps(cfg), "--epochs", str(epochs),
           "--threads", str(threads)]
    print(f"... {name}", flush=True)
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True)
    lines = [line for line in proc.stdout.splitlines() if line.startswith("RESULT ")]
    if proc.returncode or not lines:
        sys.stderr.write(proc.stdout + proc.stderr)
        raise SystemExit(f"the {name} run failed (exit {proc.returncode})")
    return json.loads(lines[-1][len("RESULT "):])


def cpu_name():
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def report(cfg, epochs, threads, results, conv, profile):
    numpy_s = results["numpy"]["seconds"] / epochs
    lines = [
        f"Reference network: conv_channels={tuple(cfg['conv_channels'])}, filter_size={cfg['filter_size']}, "
        f"pool_size={cfg['pool_size']}, n_hidden={cfg['n_hidden']}, batch_size={cfg['batch_size']}, "
        f"{cfg['optimizer']} lr={cfg['lr']} x{cfg['lr_decay']}/epoch, {epochs} epochs, float32, full MNIST.",
        f"'numpy reference' is Scratch1dCNNClassifier() as shipped (random shifts of up to {cfg['shift']} pixel, "
        "shift=1); numpy, torch and keras train the same network on the same unshifted mini-batches (shift=0), "
        "which is what the ratios compare.",
        f"Machine: {os.cpu_count()} cores ({cpu_name()}), {threads} thread(s) per framework, "
        f"Python {platform.python_version()}.",
        "",
        "| framework | version | s/epoch | train s | test accuracy | peak RSS MB | RSS growth MB | numpy/framework |",
        "|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    for name, r in results.items():
        per_epoch = r["seconds"] / epochs
        ratio = numpy_s / per_epoch
        goal = f" (goal <= {GOALS[name]}: {'met' if ratio <= GOALS[name] else 'NOT met'})" if name in GOALS else ""
        lines.append(f"| {name} | {r['version']} | {per_epoch:.2f} | {r['seconds']:.1f} | {r['accuracy']:.4f} | "
                     f"{r['peak_rss']:.0f} | {r['peak_rss'] - r['start_rss']:.0f} | {ratio:.2f}{goal} |")
    if "keras_diff" in results["numpy reference"]:
        lines += ["", "Keras cross-check of the 'numpy reference' model (solutions.keras_transfer.to_keras, Keras "
                  f"numpy backend): max |p_scratch - p_keras| over the 10,000 test images = "
                  f"{results['numpy reference']['keras_diff']:.1e}."]
    lines += ["", "Conv1d forward + backward (dX, dW, dB), best of 5 x 50 calls:", "",
              "| shape | numpy ms | torch ms | numpy/torch |", "|---|---:|---:|---:|"]
    for row in conv["rows"]:
        lines.append(f"| {row['shape']} | {row['numpy_ms']:.3f} | {row['torch_ms']:.3f} | "
                     f"{row['numpy_ms'] / row['torch_ms']:.2f} |")
    lines += ["", f"Where the reference fit spends one epoch ({profile['epoch']:.2f} s, timed around each layer "
              "call on 20,000 images and scaled to 60,000; backward excludes the layer's optimizer, Adam.update):", "",
              "| part | s/epoch | share |", "|---|---:|---:|"]
    for name, seconds in profile["rows"]:
        lines.append(f"| {name} | {seconds:.3f} | {seconds / profile['epoch']:.0%} |")
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--epochs", type=int, default=None, help="default: the classifier's default epochs")
    parser.add_argument("--threads", type=int, default=int(os.environ.get("OPENBLAS_NUM_THREADS", "1")))
    parser.add_argument("--out", default=str(ROOT / "docs" / "benchmarks.md"), help="'' to write no file")
    parser.add_argument("--skip-keras", action="store_true")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--config", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        return worker_main(args.worker, json.loads(args.config), args.epochs, args.threads)
    cfg = reference_config()
    epochs = args.epochs or cfg["epochs"]
    plain = {**cfg, "shift": 0}  # the frameworks compared train on the same unshifted batches
    results = {"numpy reference": spawn("numpy", cfg, epochs, args.threads)}
    for name in ["numpy", "torch"] + ([] if args.skip_keras else ["keras"]):
        results[name] = spawn(name, plain, epochs, args.threads)
    conv = spawn("conv", cfg, epochs, args.threads)
    profile = spawn("profile", cfg, epochs, args.threads)
    table = report(cfg, epochs, args.threads, results, conv, profile)
    print(table)
    if args.out:
        write_markdown(Path(args.out), table, args.threads)
        print(f"written to {args.out}")


def write_markdown(path, table, threads):
    """Replace the generated block for ``threads`` in ``path`` (between its markers), keeping the rest."""
    begin = f"<!-- bench:begin threads={threads} (tests/bench_training.py writes this block) -->"
    end = f"<!-- bench:end threads={threads} -->"
    stamp = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    block = f"{begin}\n_Generated by `make bench` on {stamp}._\n\n{table}\n{end}"
    text = path.read_text() if path.exists() else "# Benchmarks\n"
    if begin in text and end in text:
        text = text[: text.index(begin)] + block + text[text.index(end) + len(end) :]
    else:
        text = text.rstrip() + "\n\n" + block + "\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


if __name__ == "__main__":
    main()
