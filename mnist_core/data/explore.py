"""Look at MNIST before any network: pick digits, class means, pixel histograms, array sizes."""

import numpy as np

from mnist_core import data
from mnist_core.data import preprocess

MEGABYTE = 1_000_000
PIXEL_LEVELS = 256  # uint8 grey levels 0..255


def first_indices(total: int, start: int, count: int) -> np.ndarray:
    """Indices start, start + 1, ... of `count` images in a split of `total` images."""
    if count < 1:
        raise ValueError(f"count must be at least 1, got {count}")
    if not 0 <= start <= total - count:
        raise ValueError(f"start {start} leaves fewer than {count} of {total} images")
    return np.arange(start, start + count)


def class_indices(labels: np.ndarray, digit: int, count: int, start: int = 0) -> np.ndarray:
    """Indices of the first `count` images labelled `digit`, at or after index `start`."""
    if digit not in range(10):
        raise ValueError(f"digit must be 0..9, got {digit}")
    if count < 1:
        raise ValueError(f"count must be at least 1, got {count}")
    found = start + np.flatnonzero(labels[start:] == digit)[:count]
    if len(found) < count:
        raise ValueError(f"only {len(found)} images of digit {digit} from index {start} on")
    return found


def random_indices(total: int, count: int, seed: int) -> np.ndarray:
    """`count` distinct indices drawn from `total`; the same seed gives the same draw."""
    if not 1 <= count <= total:
        raise ValueError(f"count must be 1..{total}, got {count}")
    return np.random.default_rng(seed).choice(total, size=count, replace=False)


def enlarge(images: np.ndarray, factor: int) -> np.ndarray:
    """(..., h, w) -> (..., h·factor, w·factor) by repeating pixels, so browsers draw them sharp."""
    if images.ndim < 2 or factor < 1:
        raise ValueError(f"enlarge expects (..., height, width) images and factor >= 1, "
                         f"got shape {images.shape} and factor {factor}")
    return images.repeat(factor, axis=-2).repeat(factor, axis=-1)


def tile(images: np.ndarray, columns: int) -> np.ndarray:
    """(n, h, w) -> one (rows·h, columns·w) picture, row by row, empty places left 0."""
    if images.ndim != 3 or columns < 1:
        raise ValueError(f"tile expects (n, height, width) images and columns >= 1, "
                         f"got shape {images.shape} and {columns} columns")
    count, height, width = images.shape
    rows = -(-count // columns)
    padded = np.zeros((rows * columns, height, width), dtype=images.dtype)
    padded[:count] = images
    # (rows, columns, h, w) -> (rows, h, columns, w): each picture row runs across a tile row
    return padded.reshape(rows, columns, height, width).swapaxes(1, 2).reshape(
        rows * height, columns * width)


def class_means(images: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """(10, 28, 28) float64: the average image of each digit, in the images' own units."""
    if len(images) != len(labels):
        raise ValueError(f"{len(images)} images but {len(labels)} labels")
    missing = sorted(set(range(10)) - set(np.unique(labels).tolist()))
    if missing:
        raise ValueError(f"no images of digit(s) {missing} to average")
    return np.stack([images[labels == digit].mean(axis=0) for digit in range(10)])


def pixel_histogram(images: np.ndarray, num_bins: int = 32) -> tuple[np.ndarray, np.ndarray]:
    """Counts and edges of pixel values, raw (0..255) or scaled (0..1), on matching bins.

    Edges sit halfway between grey levels, so each level falls in the same bin before and
    after scaling, whatever the float rounding.
    """
    if PIXEL_LEVELS % num_bins:
        raise ValueError(f"num_bins must divide {PIXEL_LEVELS}, got {num_bins}")
    top = np.iinfo(np.uint8).max if images.dtype == np.uint8 else 1.0
    edges = (np.arange(0, PIXEL_LEVELS + 1, PIXEL_LEVELS // num_bins) - 0.5) * top / 255
    counts, _ = np.histogram(images, bins=edges)
    return counts, edges


def array_summary(array: np.ndarray) -> dict:
    """dtype, shape, value range and memory of an array, for a table."""
    return {
        "dtype": str(array.dtype),
        "shape": str(array.shape),
        "bytes per value": array.itemsize,
        "min": array.min().item(),
        "max": array.max().item(),
        "megabytes": array.nbytes / MEGABYTE,
    }


def scaling_comparison(images: np.ndarray) -> dict[str, dict]:
    """Summary, pixel histogram and share of exact zeros, before and after preprocess.scale."""
    comparison = {}
    for stage, array in (("before", images), ("after", preprocess.scale(images))):
        comparison[stage] = {
            "summary": array_summary(array),
            "histogram": pixel_histogram(array),
            "zero_share": float(np.mean(array == 0)),
        }
    return comparison


def cross_entropy(targets: np.ndarray, probabilities: np.ndarray) -> np.ndarray:
    """Categorical cross-entropy of each row: -sum(target · log(probability))."""
    if targets.shape != probabilities.shape:
        raise ValueError(f"targets {targets.shape} and probabilities {probabilities.shape} "
                         "must have the same shape")
    # Classes with target 0 add nothing, even where the probability is 0 and log is -inf.
    logs = np.log(probabilities, where=targets > 0, out=np.zeros(probabilities.shape))
    return -(targets * logs).sum(axis=-1)


def spread_guess(true_class: int, probability: float, num_classes: int = 10) -> np.ndarray:
    """Probabilities with `probability` on the true class and the rest shared evenly."""
    if not 0 < probability < 1:
        raise ValueError(f"probability must be strictly between 0 and 1, got {probability}")
    if true_class not in range(num_classes):
        raise ValueError(f"true_class must be 0..{num_classes - 1}, got {true_class}")
    guess = np.full(num_classes, (1 - probability) / (num_classes - 1))
    guess[true_class] = probability
    return guess


def source_summary(mnist: data.Mnist) -> str:
    """One line for people: which data set, and how many train and test images."""
    sizes = f"{len(mnist.y_train):,} train / {len(mnist.y_test):,} test"
    if mnist.is_subset:
        total = len(mnist.y_train) + len(mnist.y_test)
        return f"Offline subset: {total:,} real MNIST digits ({sizes})"
    return f"Full MNIST: {sizes}"
