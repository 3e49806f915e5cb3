"""explore: digit picking, tiling, class means, histograms and summaries, checked by hand."""

import math

import numpy as np
import pytest

from mnist_core import data
from mnist_core.data import explore, preprocess


def test_first_indices_counts_up_from_start():
    assert explore.first_indices(total=100, start=7, count=3).tolist() == [7, 8, 9]


@pytest.mark.parametrize(("start", "count"), [(98, 3), (-1, 3), (0, 0)])
def test_first_indices_rejects_ranges_outside_the_split(start, count):
    with pytest.raises(ValueError, match="count|start"):
        explore.first_indices(total=100, start=start, count=count)


def test_class_indices_finds_the_first_images_of_a_digit_from_start():
    labels = np.array([3, 1, 3, 3, 0, 3, 2])
    assert explore.class_indices(labels, digit=3, count=2).tolist() == [0, 2]
    assert explore.class_indices(labels, digit=3, count=2, start=3).tolist() == [3, 5]


def test_class_indices_says_when_there_are_too_few():
    labels = np.array([3, 1, 3])
    with pytest.raises(ValueError, match="only 1 images of digit 3 from index 1"):
        explore.class_indices(labels, digit=3, count=2, start=1)
    with pytest.raises(ValueError, match="digit must be 0..9, got 10"):
        explore.class_indices(labels, digit=10, count=1)


def test_random_indices_are_distinct_in_range_and_reproducible():
    first = explore.random_indices(total=50, count=20, seed=3)
    assert len(set(first.tolist())) == 20
    assert first.min() >= 0 and first.max() < 50
    assert explore.random_indices(total=50, count=20, seed=3).tolist() == first.tolist()
    assert explore.random_indices(total=50, count=20, seed=4).tolist() != first.tolist()
    with pytest.raises(ValueError, match="count must be 1..50, got 51"):
        explore.random_indices(total=50, count=51, seed=0)


def test_enlarge_repeats_each_pixel_into_a_block():
    image = np.array([[1, 2], [3, 4]], dtype=np.uint8)
    expected = np.array([[1, 1, 2, 2], [1, 1, 2, 2], [3, 3, 4, 4], [3, 3, 4, 4]])
    assert np.array_equal(explore.enlarge(image, 2), expected)
    assert explore.enlarge(np.zeros((5, 28, 28)), 3).shape == (5, 84, 84)
    with pytest.raises(ValueError, match="factor 0"):
        explore.enlarge(image, 0)


def test_tile_lays_images_out_row_by_row_and_pads_with_zeros():
    images = np.array([np.full((2, 2), value) for value in (1, 2, 3)])
    expected = np.array([
        [1, 1, 2, 2],
        [1, 1, 2, 2],
        [3, 3, 0, 0],
        [3, 3, 0, 0],
    ])
    assert np.array_equal(explore.tile(images, columns=2), expected)
    assert explore.tile(images, columns=3).shape == (2, 6)


def test_class_means_average_each_digit_separately():
    labels = np.arange(20) % 10
    images = np.zeros((20, 2, 2), dtype=np.uint8)
    images[3] = 10
    images[13] = 30  # both are digit 3
    means = explore.class_means(images, labels)
    assert means.shape == (10, 2, 2)
    assert np.all(means[3] == 20.0)
    assert np.all(np.delete(means, 3, axis=0) == 0)


def test_class_means_needs_every_digit():
    with pytest.raises(ValueError, match=r"digit\(s\) \[9\]"):
        explore.class_means(np.zeros((9, 2, 2)), np.arange(9))


def test_pixel_histogram_bins_grey_levels_eight_at_a_time():
    images = np.array([[[0, 7, 8, 255]]], dtype=np.uint8)
    counts, edges = explore.pixel_histogram(images, num_bins=32)
    assert len(counts) == 32 and len(edges) == 33
    assert counts[0] == 2 and counts[1] == 1 and counts[31] == 1 and counts.sum() == 4
    assert edges[0] == -0.5 and edges[1] == 7.5 and edges[-1] == 255.5


def test_scaling_moves_no_pixel_to_another_bin():
    every_level = np.arange(256, dtype=np.uint8).reshape(1, 16, 16)
    raw_counts, raw_edges = explore.pixel_histogram(every_level)
    scaled_counts, scaled_edges = explore.pixel_histogram(preprocess.scale(every_level))
    assert np.array_equal(raw_counts, scaled_counts)
    assert np.all(raw_counts == 8)
    assert np.allclose(scaled_edges, raw_edges / 255)


def test_pixel_histogram_rejects_bins_that_split_levels_unevenly():
    with pytest.raises(ValueError, match="must divide 256, got 30"):
        explore.pixel_histogram(np.zeros((1, 2, 2), dtype=np.uint8), num_bins=30)


def test_scaling_comparison_shows_four_times_the_memory():
    images = np.zeros((10, 28, 28), dtype=np.uint8)
    images[:, 0, :14] = 200  # 14 of 784 pixels inked in every image
    comparison = explore.scaling_comparison(images)
    before, after = comparison["before"]["summary"], comparison["after"]["summary"]
    assert before["dtype"] == "uint8" and after["dtype"] == "float32"
    assert before["shape"] == after["shape"] == "(10, 28, 28)"
    assert before["megabytes"] == 10 * 784 / 1e6
    assert after["megabytes"] == 10 * 784 * 4 / 1e6
    assert (before["min"], before["max"]) == (0, 200)
    assert after["max"] == pytest.approx(200 / 255)
    assert comparison["before"]["zero_share"] == pytest.approx(1 - 14 / 784)


def test_cross_entropy_of_a_one_hot_target_is_minus_log_of_its_probability():
    targets = np.array([[0.0, 1.0, 0.0], [1.0, 0.0, 0.0]])
    probabilities = np.array([[0.2, 0.5, 0.3], [0.25, 0.75, 0.0]])  # a 0 off the target
    losses = explore.cross_entropy(targets, probabilities)
    assert losses == pytest.approx([-math.log(0.5), -math.log(0.25)])
    with pytest.raises(ValueError, match="same shape"):
        explore.cross_entropy(targets, probabilities[:, :2])


def test_spread_guess_puts_the_rest_evenly_on_the_other_classes():
    guess = explore.spread_guess(true_class=2, probability=0.55)
    assert guess[2] == 0.55
    assert np.allclose(np.delete(guess, 2), 0.05)
    assert guess.sum() == pytest.approx(1.0)
    with pytest.raises(ValueError, match="strictly between 0 and 1, got 1"):
        explore.spread_guess(true_class=2, probability=1)


def _mnist_of_sizes(train: int, test: int, is_subset: bool) -> data.Mnist:
    return data.Mnist(
        x_train=np.zeros((train, 1, 1), np.uint8), y_train=np.zeros(train, np.uint8),
        x_test=np.zeros((test, 1, 1), np.uint8), y_test=np.zeros(test, np.uint8),
        source="made up", is_subset=is_subset,
    )


def test_source_summary_names_the_set_and_its_sizes():
    full = _mnist_of_sizes(60_000, 10_000, is_subset=False)
    subset = _mnist_of_sizes(4_000, 1_000, is_subset=True)
    assert explore.source_summary(full) == "Full MNIST: 60,000 train / 10,000 test"
    assert explore.source_summary(subset) == (
        "Offline subset: 5,000 real MNIST digits (4,000 train / 1,000 test)")
