"""The training batches: uint8 images scaled per batch give exactly the float32 NumPy
reference (preprocess.scale, preprocess.one_hot) in the run's seeded order."""

import numpy as np
import pytest
import tensorflow as tf

from mnist_core.data import preprocess
from mnist_core.training import loop


def test_batches_equal_the_numpy_reference_to_the_bit():
    rng = np.random.default_rng(3)
    images = rng.integers(0, 256, (50, 28, 28), dtype=np.uint8)
    labels = rng.integers(0, 10, 50).astype(np.uint8)
    batches = list(loop._shuffled_batches(images, labels, batch_size=16, seed=7))
    order = np.concatenate(list(tf.data.Dataset.range(50).shuffle(
        50, seed=7, reshuffle_each_iteration=True).batch(16).as_numpy_iterator()))
    assert sorted(order) == list(range(50))  # every image once per epoch
    x = np.concatenate([batch[0].numpy() for batch in batches])
    y = np.concatenate([batch[1].numpy() for batch in batches])
    assert x.dtype == np.float32 and y.dtype == np.float32
    assert np.array_equal(x, preprocess.scale(images)[order])
    assert np.array_equal(y, preprocess.one_hot(labels)[order])


def test_pixels_that_are_not_uint8_and_labels_out_of_range_are_refused():
    labels = np.zeros(4, np.uint8)
    with pytest.raises(ValueError, match="uint8"):
        loop._shuffled_batches(np.zeros((4, 28, 28), np.float32), labels, 2, 0)
    with pytest.raises(ValueError, match="0..9"):
        loop._shuffled_batches(np.zeros((4, 28, 28), np.uint8), labels + 10, 2, 0)
