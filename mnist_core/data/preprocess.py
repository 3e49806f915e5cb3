"""Turn raw MNIST arrays into what a network eats: float32 in [0, 1], one-hot labels, shapes."""

import numpy as np

NUM_CLASSES = 10
IMAGE_SIZE = 28
INPUT_PIXELS = IMAGE_SIZE * IMAGE_SIZE


def scale(images: np.ndarray) -> np.ndarray:
    """uint8 pixels 0..255 -> float32 in [0, 1] (the assignment's astype + /255)."""
    if images.dtype != np.uint8:
        raise ValueError(f"scale expects uint8 pixels 0..255, got dtype {images.dtype}")
    return images.astype(np.float32) / np.float32(255)


def one_hot(labels: np.ndarray, num_classes: int = NUM_CLASSES) -> np.ndarray:
    """Digit labels (n,) -> float32 (n, 10) rows with a single 1: what Keras' to_categorical
    gives (a unit test checks), in NumPy, so the data page need not import TensorFlow."""
    labels = np.asarray(labels)
    if labels.ndim != 1 or labels.dtype.kind not in "ui":
        raise ValueError(f"one_hot expects a 1-D array of integer labels, got {labels.dtype} "
                         f"{labels.shape}")
    if labels.size and (labels.min() < 0 or labels.max() >= num_classes):
        raise ValueError(f"one_hot expects labels in 0..{num_classes - 1}, "
                         f"got {labels.min()}..{labels.max()}")
    return np.eye(num_classes, dtype=np.float32)[labels]


def flatten(images: np.ndarray) -> np.ndarray:
    """(n, 28, 28) -> (n, 784), the input a dense layer expects."""
    if images.ndim != 3 or images.shape[1:] != (28, 28):
        raise ValueError(f"flatten expects images of shape (n, 28, 28), got {images.shape}")
    return images.reshape(len(images), 28 * 28)


def add_channel(images: np.ndarray) -> np.ndarray:
    """(n, 28, 28) -> (n, 28, 28, 1): Conv2D wants a channel axis (channels_last)."""
    if images.ndim != 3 or images.shape[1:] != (28, 28):
        raise ValueError(f"add_channel expects images of shape (n, 28, 28), got {images.shape}")
    return images[..., np.newaxis]
