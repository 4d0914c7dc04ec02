"""The data/ folder grading binds into the sandbox: data/'s files with mnist.npz stored uncompressed, the same arrays
(autograde/sandbox/grading_data.py), and data/ itself whenever that copy cannot be trusted or made."""

import zipfile

import numpy as np
import pytest

from autograde.sandbox.grading_data import DATA_DIR, grading_data_dir, is_stored

# a data/ folder in miniature: the loader's read_npz/verify contract with a checksum of its own
FAKE_LOADER = '''
import hashlib
import numpy as np

SHA256 = {SHA256!r}


class MnistFileError(RuntimeError):
    pass


def read_npz(path):
    with np.load(path, allow_pickle=False) as npz:
        return {{key: npz[key] for key in npz.files}}


def verify(arrays, source):
    for key, expected in SHA256.items():
        if hashlib.sha256(arrays[key].tobytes()).hexdigest() != expected:
            raise MnistFileError(f"{{source}}: {{key}} is corrupt")
'''


def fake_data(folder, corrupt=False, compressed=True):
    import hashlib

    rng = np.random.default_rng(0)
    arrays = {"x_train": rng.integers(0, 256, (50, 28, 28), dtype=np.uint8),
              "y_train": rng.integers(0, 10, 50, dtype=np.uint8)}
    sha = {key: hashlib.sha256(value.tobytes()).hexdigest() for key, value in arrays.items()}
    folder.mkdir()
    (folder / "mnist_data.py").write_text(FAKE_LOADER.format(SHA256=sha))
    (folder / "README.md").write_text("licence\n")
    if corrupt:
        arrays["y_train"] = arrays["y_train"][::-1].copy()
    (np.savez_compressed if compressed else np.savez)(folder / "mnist.npz", **arrays)
    return arrays


def test_the_copy_has_the_same_files_and_arrays_stored_uncompressed(tmp_path):
    arrays = fake_data(tmp_path / "data")
    cache = tmp_path / "cache"
    copy = grading_data_dir(tmp_path / "data", cache)
    assert copy.parent == cache
    assert sorted(p.name for p in copy.iterdir()) == ["README.md", "mnist.npz", "mnist_data.py"]
    assert is_stored(copy / "mnist.npz") and not is_stored(tmp_path / "data" / "mnist.npz")
    with np.load(copy / "mnist.npz") as npz:
        assert sorted(npz.files) == sorted(arrays)
        for key, value in arrays.items():
            assert npz[key].dtype == value.dtype and np.array_equal(npz[key], value)
    assert (copy / "README.md").read_text() == "licence\n"
    made = (copy / "mnist.npz").stat().st_mtime_ns
    assert grading_data_dir(tmp_path / "data", cache) == copy  # made once
    assert (copy / "mnist.npz").stat().st_mtime_ns == made


def test_a_changed_data_folder_gets_a_new_copy_and_the_old_one_goes(tmp_path):
    fake_data(tmp_path / "data")
    cache = tmp_path / "cache"
    first = grading_data_dir(tmp_path / "data", cache)
    (tmp_path / "data" / "README.md").write_text("licence, edited\n")
    second = grading_data_dir(tmp_path / "data", cache)
    assert second != first and not first.exists()
    assert (second / "README.md").read_text() == "licence, edited\n"


@pytest.mark.parametrize("case", ["corrupt", "already stored", "cache not writable"])
def test_grading_reads_data_itself_when_no_trusted_copy_can_be_made(tmp_path, case):
    fake_data(tmp_path / "data", corrupt=case == "corrupt", compressed=case != "already stored")
    cache = tmp_path / "cache"
    if case == "cache not writable":
        cache.write_text("a file where the cache folder should be")
    assert grading_data_dir(tmp_path / "data", cache) == tmp_path / "data"
    if case == "corrupt":
        assert not any(cache.iterdir())  # no fast copy of a wrong file, not even half of one


def test_the_course_data_copy_holds_the_shipped_mnist_arrays():
    copy = grading_data_dir()
    assert copy != DATA_DIR, "data/mnist.npz ships deflated: grading should read an uncompressed copy"
    with zipfile.ZipFile(copy / "mnist.npz") as archive:
        assert {entry.compress_type for entry in archive.infolist()} == {zipfile.ZIP_STORED}
    with np.load(DATA_DIR / "mnist.npz") as shipped, np.load(copy / "mnist.npz") as fast:
        assert sorted(shipped.files) == sorted(fast.files)
        for key in shipped.files:
            assert np.array_equal(shipped[key], fast[key])
