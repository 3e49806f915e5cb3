"""mnist_core.data.preprocess against hand arithmetic."""

import numpy as np
import pytest

from mnist_core.data import preprocess


def test_scale_maps_pixels_to_unit_interval():
    images = np.array([[[0, 51, 255], [102, 204, 153]]], dtype=np.uint8)

    scaled = preprocess.scale(images)

    # 51 / 255 = 0.2 exactly, so each of these is the float32 nearest to a short decimal.
    expected = np.array([[[0.0, 0.2, 1.0], [0.4, 0.8, 0.6]]], dtype=np.float32)
    assert scaled.dtype == np.float32
    assert scaled.shape == images.shape
    np.testing.assert_array_equal(scaled, expected)
    assert images.dtype == np.uint8 and images[0, 0, 2] == 255  # input left alone


def test_scale_of_an_odd_value():
    scaled = preprocess.scale(np.array([1, 128], dtype=np.uint8))
    np.testing.assert_allclose(scaled, [1 / 255, 128 / 255], rtol=1e-7)


@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.int64, np.int16])
def test_scale_rejects_anything_but_uint8(dtype):
    with pytest.raises(ValueError, match=f"uint8.*{np.dtype(dtype).name}"):
        preprocess.scale(np.zeros((2, 28, 28), dtype=dtype))


def test_one_hot_against_a_hand_built_array():
    encoded = preprocess.one_hot(np.array([3, 0, 9, 3], dtype=np.uint8))

    expected = np.zeros((4, 10), dtype=np.float32)
    expected[0, 3] = expected[1, 0] = expected[2, 9] = expected[3, 3] = 1
    assert encoded.dtype == np.float32
    np.testing.assert_array_equal(encoded, expected)


def test_one_hot_equals_keras_to_categorical_on_real_labels(tiny_mnist):
    from keras.utils import to_categorical

    labels = tiny_mnist.y_train
    np.testing.assert_array_equal(preprocess.one_hot(labels),
                                  to_categorical(labels, 10).astype(np.float32))


def test_one_hot_of_nothing():
    assert preprocess.one_hot(np.array([], dtype=np.int64)).shape == (0, 10)


@pytest.mark.parametrize(
    "labels, named",
    [
        (np.array([1, 10]), "10"),
        (np.array([-1, 3]), "-1"),
        (np.array([1.0, 2.0]), "float64"),
        (np.array([[1, 2]]), r"\(1, 2\)"),
        (np.array([True, False]), "bool"),
    ],
    ids=["ten", "negative", "float", "two-dimensional", "bool"],
)
def test_one_hot_rejects_bad_labels_naming_them(labels, named):
    with pytest.raises(ValueError, match=named):
        preprocess.one_hot(labels)


def test_flatten_keeps_row_major_pixel_order():
    images = np.arange(2 * 28 * 28, dtype=np.int64).reshape(2, 28, 28).astype(np.uint8)

    flat = preprocess.flatten(images)

    assert flat.shape == (2, 784)
    # Pixel (row 3, column 5) of image 1 sits at 3 * 28 + 5 = 89.
    assert flat[1, 89] == images[1, 3, 5]


def test_add_channel_shape():
    assert preprocess.add_channel(np.zeros((5, 28, 28), np.uint8)).shape == (5, 28, 28, 1)


@pytest.mark.parametrize("function", [preprocess.flatten, preprocess.add_channel])
@pytest.mark.parametrize("shape", [(5, 784), (5, 28, 27), (28, 28)])
def test_shape_checks_name_the_shape(function, shape):
    with pytest.raises(ValueError, match=str(shape).replace("(", r"\(").replace(")", r"\)")):
        function(np.zeros(shape, np.uint8))
