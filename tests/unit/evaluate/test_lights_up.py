"""lights_up against references worked out independently: a model that reads one known
region, Keras's own layer shapes, and a NumPy forward pass."""

import numpy as np
import pytest

from mnist_core.evaluate import conv_insight, lights_up
from mnist_core.models import kinds
from mnist_core.models.cnn import CnnConfig, ConvBlock
from mnist_core.models.mlp import MlpConfig

# The synthetic model reads only rows 4–11, columns 16–23: exactly the patch at grid (1, 4).
REGION_TOP, REGION_LEFT = 4, 16
READ_CLASS = 3
FULL_LOGIT = 8.0  # class 3's logit when the whole region is inked; the others stay 0


def region_reader():
    """Flatten -> Dense(10, softmax) whose only non-zero weights read the region for class 3."""
    import keras

    model = keras.Sequential([keras.Input(shape=(28, 28)), keras.layers.Flatten(),
                              keras.layers.Dense(10, activation="softmax")])
    kernel = np.zeros((28, 28, 10), np.float32)
    kernel[REGION_TOP:REGION_TOP + 8, REGION_LEFT:REGION_LEFT + 8, READ_CLASS] = FULL_LOGIT / 64
    model.layers[-1].set_weights([kernel.reshape(784, 10), np.zeros(10, np.float32)])
    return model


def probability_of_class_3(inked_region_pixels: int) -> float:
    """Softmax by hand: class 3's logit grows with the region's ink, nine others at 0."""
    logit = FULL_LOGIT * inked_region_pixels / 64
    return float(np.exp(logit) / (np.exp(logit) + 9))


def test_occlusion_finds_the_one_region_the_model_reads():
    digit = np.zeros((28, 28), np.uint8)
    digit[REGION_TOP:REGION_TOP + 8, REGION_LEFT:REGION_LEFT + 8] = 255
    digit[18:26, 2:10] = 255  # ink the model ignores: covering it must change nothing

    occlusion = lights_up.occlusion_map(region_reader(), digit)

    assert occlusion.answer == READ_CLASS
    assert occlusion.probability == pytest.approx(probability_of_class_3(64), abs=1e-5)
    assert occlusion.drops.shape == (6, 6)
    expected = np.zeros((6, 6))
    for i, top in enumerate(lights_up.POSITIONS):
        for j, left in enumerate(lights_up.POSITIONS):
            rows = max(0, min(top + 8, REGION_TOP + 8) - max(top, REGION_TOP))
            columns = max(0, min(left + 8, REGION_LEFT + 8) - max(left, REGION_LEFT))
            expected[i, j] = probability_of_class_3(64) - probability_of_class_3(
                64 - rows * columns)
    np.testing.assert_allclose(occlusion.drops, expected, atol=1e-5)
    assert np.unravel_index(occlusion.drops.argmax(), (6, 6)) == (1, 4)

    heat = occlusion.per_pixel()
    assert heat.shape == (28, 28)
    hot = heat > heat.max() / 2
    rows, columns = np.nonzero(hot)
    assert rows.min() >= REGION_TOP and rows.max() < REGION_TOP + 8
    assert columns.min() >= REGION_LEFT and columns.max() < REGION_LEFT + 8
    assert np.all(heat[18:26, 2:10] == 0)


def test_each_occluded_copy_blanks_one_patch():
    digit = np.full((28, 28), 200, np.uint8)
    copies = lights_up.occluded(digit)
    assert copies.shape == (36, 28, 28)
    assert np.all((copies == 0).sum(axis=(1, 2)) == 64)
    assert np.all(copies[7, 4:12, 4:12] == 0)  # row 1, column 1 of the grid: pixels 4–11
    assert np.all(digit == 200)  # the drawing itself is untouched


def test_feature_maps_have_the_shapes_of_the_conv_layers():
    # Augmentation and batch norm in the model: the maps are still taken in inference mode.
    model = kinds.build(CnnConfig(conv_blocks=(ConvBlock(4, 3, batch_norm=True),
                                               ConvBlock(6, 5, convs=2)),
                                  dense_units=(8,), augment=True, padding="valid"))
    digit = np.random.default_rng(1).integers(0, 256, (28, 28), dtype=np.uint8)
    maps = conv_insight.feature_maps(model, digit)
    convs = [layer for layer in model.layers if layer.__class__.__name__ == "Conv2D"]
    assert [name for name, _ in maps] == [layer.name for layer in convs]
    assert [feature.shape for _, feature in maps] == [tuple(layer.output.shape[1:])
                                                      for layer in convs]
    assert [feature.shape for _, feature in maps] == [(26, 26, 4), (9, 9, 6), (5, 5, 6)]
    # The first map by hand: relu(kernel · the 3×3 window + bias) at row 10, column 7.
    kernel, bias = (np.asarray(weight) for weight in convs[0].get_weights())
    window = digit[10:13, 7:10].astype(np.float32) / 255
    by_hand = np.maximum(0, np.einsum("ij,ijf->f", window, kernel[:, :, 0, :]) + bias)
    np.testing.assert_allclose(maps[0][1][10, 7], by_hand, rtol=1e-4, atol=1e-6)


def numpy_first_layer(model, digit):
    dense = next(layer for layer in model.layers if layer.__class__.__name__ == "Dense")
    kernel, bias = dense.get_weights()
    return np.maximum(0, digit.reshape(-1).astype(np.float32) / 255 @ kernel + bias), kernel


def test_strongest_units_match_a_numpy_forward_pass():
    model = kinds.build(MlpConfig(hidden_units=(32, 16), dropout=0.5), seed=3)
    digit = np.random.default_rng(2).integers(0, 256, (28, 28), dtype=np.uint8)
    expected, kernel = numpy_first_layer(model, digit)
    order = np.argsort(-expected, kind="stable")[:5]

    units = lights_up.strongest_units(model, digit, 5)

    np.testing.assert_array_equal(units.indices, order)
    np.testing.assert_allclose(units.activations, expected[order], rtol=1e-4, atol=1e-6)
    assert np.all(np.diff(units.activations) <= 0)
    np.testing.assert_array_equal(units.weights, kernel[:, order].T.reshape(5, 28, 28))


def test_dropout_before_the_first_dense_layer_is_off_as_in_predict():
    import keras

    model = keras.Sequential([keras.Input(shape=(28, 28)), keras.layers.Flatten(),
                              keras.layers.Dropout(0.9, seed=0),
                              keras.layers.Dense(12, activation="relu"),
                              keras.layers.Dense(10, activation="softmax")])
    digit = np.full((28, 28), 255, np.uint8)
    expected, _ = numpy_first_layer(model, digit)
    np.testing.assert_allclose(lights_up.first_dense_activations(model, digit), expected,
                               rtol=1e-4, atol=1e-6)


def test_a_conv_net_and_bad_input_are_refused_with_the_reason():
    model = kinds.build(CnnConfig(conv_blocks=(ConvBlock(4, 3),), dense_units=(8,)))
    digit = np.zeros((28, 28), np.uint8)
    with pytest.raises(ValueError, match="feature maps"):
        lights_up.strongest_units(model, digit, 3)
    with pytest.raises(ValueError, match=r"uint8 \(28, 28\)"):
        lights_up.occlusion_map(model, digit.astype(np.float32))


def test_strongest_channels_rank_maps_by_their_total_response():
    maps = np.zeros((4, 4, 3), np.float32)
    maps[..., 0] = 1  # 16 in all
    maps[0, 0, 2] = 10  # one strong spot: 10
    assert lights_up.strongest_channels(maps, 2).tolist() == [0, 2]
