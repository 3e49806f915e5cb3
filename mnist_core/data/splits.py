"""The validation split and the training-size limit, both stratified and seeded; a summary."""

import dataclasses

import numpy as np

from mnist_core.data.preprocess import NUM_CLASSES
from mnist_core.data.sampling import SPLIT_SEED, stratified_sample
from mnist_core.data.sources import Mnist

FULL_VALIDATION_SIZE = 5_000
FULL_TRAIN_SIZE = 60_000
FULL_TRAINING_IMAGES = FULL_TRAIN_SIZE - FULL_VALIDATION_SIZE  # what 'all' trains on: 55,000


@dataclasses.dataclass(frozen=True)
class Splits:
    """Train / validation / test arrays, still raw uint8. Validation comes from train."""

    x_train: np.ndarray
    y_train: np.ndarray
    x_val: np.ndarray
    y_val: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray


def validation_size(data: Mnist) -> int:
    """5,000 for the full set, the same share of the training images for a subset."""
    return round(len(data.y_train) * FULL_VALIDATION_SIZE / FULL_TRAIN_SIZE)


def split(data: Mnist, train_size: int | None = None, seed: int = SPLIT_SEED) -> Splits:
    """Hold out a stratified validation split, then optionally limit the training images."""
    held_out = stratified_sample(data.y_train, validation_size(data), seed)
    rest = np.setdiff1d(np.arange(len(data.y_train)), held_out)
    rest = np.random.default_rng(seed).permutation(rest)
    if train_size is not None:
        if train_size < 1:
            raise ValueError(f"training-set size must be at least 1, got {train_size}")
        train_size = min(train_size, len(rest))
        rest = rest[stratified_sample(data.y_train[rest], train_size, seed)]
    return Splits(
        x_train=data.x_train[rest],
        y_train=data.y_train[rest],
        x_val=data.x_train[held_out],
        y_val=data.y_train[held_out],
        x_test=data.x_test,
        y_test=data.y_test,
    )


def describe(data: Mnist) -> dict:
    """Plain summary for `info` and the sidebar."""
    train = np.bincount(data.y_train, minlength=NUM_CLASSES)
    test = np.bincount(data.y_test, minlength=NUM_CLASSES)
    return {
        "source": data.source,
        "is_subset": data.is_subset,
        "train_images": int(len(data.y_train)),
        "validation_images": validation_size(data),
        "test_images": int(len(data.y_test)),
        "label_counts": {
            "train": train.tolist(),
            "test": test.tolist(),
            "all": (train + test).tolist(),
        },
        "problems": list(data.problems),
    }


def training_images(data: Mnist, train_size: int | None) -> int:
    """How many images a run with this training-set limit trains on (validation held out)."""
    available = len(data.y_train) - validation_size(data)
    return available if train_size is None else min(train_size, available)
