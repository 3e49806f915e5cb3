"""conv_insight and the CNN builder: shapes, parameter arithmetic by hand, the shift test."""

import numpy as np
import pytest

from mnist_core.evaluate import conv_insight
from mnist_core.models import cnn, kinds
from mnist_core.models.cnn import CnnConfig, ConvBlock


def test_assignment_model_1_parameters_by_hand():
    by_hand = (5 * 5 * 1 * 20 + 20) + (5 * 5 * 20 * 40 + 40) + (4 * 4 * 40 * 100 + 100) \
        + (100 * 10 + 10)
    assert kinds.parameter_count(cnn.ASSIGNMENT_1.model) == by_hand == 85_670
    assert cnn.build(cnn.ASSIGNMENT_1.model).count_params() == by_hand


@pytest.mark.parametrize("name", sorted(cnn.PRESETS))
def test_every_preset_builds_with_the_counted_parameters(name):
    model_config = cnn.PRESETS[name].model
    assert cnn.build(model_config).count_params() == \
        kinds.parameter_count(model_config)


def test_feature_map_shapes_follow_valid_convolution_and_pooling():
    shapes = cnn.feature_map_shapes(cnn.ASSIGNMENT_1.model)
    assert shapes == [(24, 24, 20), (8, 8, 40)]  # 28-5+1 = 24; pool -> 12; 12-5+1 = 8


@pytest.mark.parametrize("model_config, message", [
    (CnnConfig(conv_blocks=(ConvBlock(8, 5), ConvBlock(8, 5), ConvBlock(8, 5))), "larger than"),
    (CnnConfig(conv_blocks=(ConvBlock(0, 3),)), "filters in conv block 1"),
    (CnnConfig(conv_blocks=(ConvBlock(512, 9), ConvBlock(512, 3, convs=3)),
               dense_units=(4096,)), "parameters"),
    (CnnConfig(dropout=1.0), "dropout"),
])
def test_bad_cnn_configs_are_refused(model_config, message):
    with pytest.raises(ValueError, match=message):
        cnn.build(model_config)


def test_shift_moves_pixels_and_fills_with_zero():
    images = np.arange(1, 10, dtype=np.uint8).reshape(1, 3, 3)
    np.testing.assert_array_equal(conv_insight.shift(images, 0, 1)[0],
                                  [[0, 1, 2], [0, 4, 5], [0, 7, 8]])
    np.testing.assert_array_equal(conv_insight.shift(images, -1, 0)[0],
                                  [[4, 5, 6], [7, 8, 9], [0, 0, 0]])
    np.testing.assert_array_equal(conv_insight.shift(images, 0, 0), images)


def test_filters_and_feature_maps_of_a_model_loaded_from_disk(tmp_path):
    model = cnn.build(cnn.ASSIGNMENT_1.model, seed=0)
    model.save(tmp_path / "cnn.keras")
    import keras

    loaded = keras.saving.load_model(tmp_path / "cnn.keras", safe_mode=True)
    assert conv_insight.first_layer_filters(loaded).shape == (20, 5, 5)
    digit = np.random.default_rng(0).integers(0, 256, (28, 28), dtype=np.uint8)
    maps = conv_insight.feature_maps(loaded, digit)
    assert [feature.shape for _, feature in maps] == [(24, 24, 20), (8, 8, 40)]


def test_augmented_versions_differ_from_each_other():
    model = cnn.build(CnnConfig(augment=True), seed=0)
    digit = np.zeros((28, 28), dtype=np.uint8)
    digit[8:20, 12:16] = 255
    versions = conv_insight.augmented_versions(model, digit, 4)
    assert versions.shape == (4, 28, 28)
    assert not np.allclose(versions[0], versions[1])
