"""The offline MNIST loader: right arrays, loud failures, keras fallback only when the file is absent."""

import mnist_data
import numpy as np
import pytest
from mnist_data import MnistFileError, load_mnist


def test_shipped_file_is_the_real_mnist():
    (x_train, y_train), (x_test, y_test) = load_mnist()
    assert x_train.shape == (60000, 28, 28) and x_test.shape == (10000, 28, 28)
    assert y_train.shape == (60000,) and y_test.shape == (10000,)
    assert x_train.dtype == np.uint8 and y_test.dtype == np.uint8
    assert set(np.unique(y_train)) == set(range(10))


@pytest.fixture(scope="module")
def arrays():
    with np.load(mnist_data.MNIST_PATH) as npz:
        return {key: npz[key] for key in npz.files}


def test_one_changed_pixel_is_reported_with_its_array(tmp_path, arrays):
    corrupt = dict(arrays)
    corrupt["x_test"] = arrays["x_test"].copy()
    corrupt["x_test"][0, 0, 0] ^= 1
    path = tmp_path / "mnist.npz"
    np.savez(path, **corrupt)
    with pytest.raises(MnistFileError, match=r"x_test is corrupt.*git checkout -- data/mnist.npz"):
        load_mnist(path)


def test_missing_array_and_wrong_shape_are_named(tmp_path, arrays):
    path = tmp_path / "mnist.npz"
    np.savez(path, **{k: v for k, v in arrays.items() if k != "y_test"})
    with pytest.raises(MnistFileError, match="no array 'y_test'"):
        load_mnist(path)
    np.savez(path, **{**arrays, "y_train": arrays["y_train"][:10]})
    with pytest.raises(MnistFileError, match=r"y_train is uint8 \(10,\), expected uint8 \(60000,\)"):
        load_mnist(path)


def test_truncated_file_says_it_cannot_be_read(tmp_path):
    path = tmp_path / "mnist.npz"
    path.write_bytes(mnist_data.MNIST_PATH.read_bytes()[:1000])
    with pytest.raises(MnistFileError, match="could not be read"):
        load_mnist(path)


def test_missing_file_without_network_says_what_to_do(tmp_path, monkeypatch):
    monkeypatch.setattr(mnist_data, "download_with_keras", lambda: None)
    with pytest.raises(MnistFileError, match=r"missing and keras could not download.*Restore it"):
        load_mnist(tmp_path / "absent.npz")


def test_missing_file_falls_back_to_keras_and_checks_it(tmp_path, monkeypatch, arrays):
    good = ((arrays["x_train"], arrays["y_train"]), (arrays["x_test"], arrays["y_test"]))
    monkeypatch.setattr(mnist_data, "download_with_keras", lambda: good)
    (x_train, _), _ = load_mnist(tmp_path / "absent.npz")
    assert x_train is arrays["x_train"]
    bad = ((arrays["x_train"][::-1], arrays["y_train"]), (arrays["x_test"], arrays["y_test"]))
    monkeypatch.setattr(mnist_data, "download_with_keras", lambda: bad)
    with pytest.raises(MnistFileError, match="keras download: x_train is corrupt"):
        load_mnist(tmp_path / "absent.npz")


def test_no_download_when_told_not_to(tmp_path, monkeypatch):
    def fail():
        raise AssertionError("must not try the network")

    monkeypatch.setattr(mnist_data, "download_with_keras", fail)
    with pytest.raises(MnistFileError, match="missing"):
        load_mnist(tmp_path / "absent.npz", download=False)
