"""Offline MNIST for the course: load_mnist() returns the keras tuple ((x_train, y_train), (x_test, y_test)).

The data set ships as data/mnist.npz beside this file, so the course works without a network. Each array's
sha256 is checked, so a truncated or edited file fails loudly instead of training on wrong data.
"""

import hashlib
import zipfile
from pathlib import Path

import numpy as np

MNIST_PATH = Path(__file__).with_name("mnist.npz")

# sha256 of each array's raw bytes (the uint8 arrays of the official MNIST, as keras.datasets.mnist gives them)
SHA256 = {
    "x_train": "741c988805d008ac6e4c904b69001ba184c24b2c540a4ef403f4c71b676cf757",
    "y_train": "1feba77c54802fa5339a11837ea4b2866434b83314ec45192930f1df69120c13",
    "x_test": "6d87418db22cc8025d05968bec9bd5c3932904b23485740db143a061a2c9d161",
    "y_test": "ddeff807876a9661a1110d45c266c86239a3a1b7d37da0c3716a7a683c852ff5",
}
SHAPES = {"x_train": (60000, 28, 28), "y_train": (60000,), "x_test": (10000, 28, 28), "y_test": (10000,)}

HOW_TO_RESTORE = (
    "Restore it with `git checkout -- data/mnist.npz` (it ships with the course repository), "
    "or copy a good mnist.npz (keys x_train, y_train, x_test, y_test, uint8) to {path}."
)


class MnistFileError(RuntimeError):
    """data/mnist.npz is missing, unreadable or not the real MNIST."""


def verify(arrays, source):
    """Raise MnistFileError unless ``arrays`` has the four MNIST arrays with the expected shapes and sha256."""
    for key, expected in SHA256.items():
        if key not in arrays:
            raise MnistFileError(f"{source} has no array {key!r} (keys: {sorted(arrays)}).")
        array = np.asarray(arrays[key])
        if array.dtype != np.uint8 or array.shape != SHAPES[key]:
            raise MnistFileError(
                f"{source}: {key} is {array.dtype} {array.shape}, expected uint8 {SHAPES[key]}."
            )
        digest = hashlib.sha256(np.ascontiguousarray(array)).hexdigest()  # the array's own buffer: no 47 MB copy
        if digest != expected:
            raise MnistFileError(f"{source}: {key} is corrupt (sha256 {digest[:12]}…, expected {expected[:12]}…).")


def read_npz(path):
    """The four arrays of an npz file as a dict, or MnistFileError saying why it could not be read."""
    try:
        with np.load(path, allow_pickle=False) as npz:
            return {key: npz[key] for key in npz.files}
    except (OSError, ValueError, EOFError, zipfile.BadZipFile) as error:  # truncated zip, not an npz, pickled content
        raise MnistFileError(f"{path} could not be read as .npz ({error}).") from error


def download_with_keras():
    """keras.datasets.mnist.load_data(), which needs a network; None when keras or the network is missing."""
    try:
        from keras.datasets import mnist
        return mnist.load_data()
    except Exception:  # noqa: BLE001 - any failure (no keras, no network, bad download) means: not available
        return None


def load_mnist(path=None, download=True):
    """Load MNIST as ((x_train, y_train), (x_test, y_test)), uint8, shapes (60000, 28, 28) ... (10000,).

    Parameters
    ----------
    path : str or Path, default data/mnist.npz beside this module
    download : bool, when the file is absent, try keras.datasets.mnist.load_data() (needs a network)

    Raises
    ------
    MnistFileError when the file is corrupt, or absent and no download is possible; the message says what to do.
    """
    path = Path(path) if path is not None else MNIST_PATH
    restore = HOW_TO_RESTORE.format(path=path)
    if path.exists():
        arrays = read_npz(path)
        try:
            verify(arrays, path)
        except MnistFileError as error:
            raise MnistFileError(f"{error} {restore}") from None
        return (arrays["x_train"], arrays["y_train"]), (arrays["x_test"], arrays["y_test"])
    downloaded = download_with_keras() if download else None
    if downloaded is None:
        raise MnistFileError(f"{path} is missing and keras could not download MNIST (no network?). {restore}")
    (x_train, y_train), (x_test, y_test) = downloaded
    verify({"x_train": x_train, "y_train": y_train, "x_test": x_test, "y_test": y_test}, "keras download")
    return downloaded
