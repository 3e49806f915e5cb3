"""charts: each builder's data against counts made by hand, and a valid Vega-Lite spec."""

import collections

import numpy as np
import pytest

from mnist_core.charts import data_charts


def test_class_distribution_counts_and_shares_each_split():
    train = np.array([0, 1, 1, 9, 9, 9])
    test = np.array([1, 5])
    chart = data_charts.class_distribution(train, test)
    frame = chart.data.set_index(["split", "digit"])

    for split, labels in (("train", train), ("test", test)):
        hand_counts = collections.Counter(labels.tolist())
        for digit in range(10):
            assert frame.loc[(split, digit), "images"] == hand_counts[digit]
            assert frame.loc[(split, digit), "share"] == hand_counts[digit] / len(labels)
    chart.to_dict()  # raises if the spec is not valid Vega-Lite


def test_pixel_histogram_drops_empty_bins_and_uses_a_log_axis():
    counts = np.array([5, 0, 2])
    edges = np.array([-0.5, 0.5, 1.5, 2.5])
    chart = data_charts.pixel_histogram(counts, edges, "grey level")
    frame = chart.data
    assert frame.pixels.tolist() == [5, 2]
    assert frame.start.tolist() == [-0.5, 1.5]
    assert chart.to_dict()["encoding"]["y"]["scale"]["type"] == "log"


def test_pixel_histogram_needs_one_more_edge_than_counts():
    with pytest.raises(ValueError, match="3 counts need 4 edges, got 3"):
        data_charts.pixel_histogram(np.ones(3), np.arange(3), "grey level")


def test_digit_heatmap_has_one_cell_per_pixel_on_the_range_of_its_dtype():
    image = (np.arange(28 * 28).reshape(28, 28) % 256).astype(np.uint8)
    chart = data_charts.digit_heatmap(image)
    cell = chart.data.set_index(["row", "column"]).loc[(3, 5)]
    assert len(chart.data) == 784
    assert (cell.value, cell.label) == (image[3, 5], str(image[3, 5]))
    assert chart.to_dict()["layer"][0]["encoding"]["color"]["scale"]["domain"] == [0, 255]


def test_scaled_digit_labels_keep_three_decimals_without_the_leading_zero():
    image = np.zeros((28, 28), dtype=np.float32)
    image[0, :3] = [1 / 255, 253 / 255, 1.0]
    chart = data_charts.digit_heatmap(image)
    assert chart.data.label[:4].tolist() == [".004", ".992", "1", ".000"]
    assert chart.to_dict()["layer"][0]["encoding"]["color"]["scale"]["domain"] == [0, 1.0]


def test_digit_heatmap_takes_one_image_only():
    with pytest.raises(ValueError, match=r"got \(2, 28, 28\)"):
        data_charts.digit_heatmap(np.zeros((2, 28, 28)))


def test_one_hot_grid_keeps_row_order_and_every_entry():
    vectors = np.eye(10)[[5, 0, 4]]
    names = ["#0: label 5", "#1: label 0", "#2: label 4"]
    chart = data_charts.one_hot_grid(vectors, names)
    frame = chart.data
    ones = frame[frame.value == 1]
    assert list(zip(ones.row, ones.column, strict=True)) == [
        ("#0: label 5", 5), ("#1: label 0", 0), ("#2: label 4", 4)]
    assert len(frame) == 30
    assert set(frame.label) == {"0", "1"}
    assert chart.to_dict()["layer"][0]["encoding"]["y"]["sort"] == names


def test_one_hot_grid_needs_one_distinct_name_per_row():
    with pytest.raises(ValueError, match="n row names"):
        data_charts.one_hot_grid(np.eye(10)[:2], ["only one"])
    with pytest.raises(ValueError, match="distinct row names"):
        data_charts.one_hot_grid(np.eye(10)[:2], ["same", "same"])
