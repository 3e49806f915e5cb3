"""mnist_core.models.mlp: the Keras MLP matches the config, with L2 on hidden kernels only."""

import keras
import numpy as np
import pytest
from keras import layers

from mnist_core.models import config, kinds, mlp


def dense_layers(model):
    return [layer for layer in model.layers if isinstance(layer, layers.Dense)]


def test_default_mlp_has_55050_parameters():
    model = mlp.build(config.MlpConfig())

    assert model.count_params() == 784 * 64 + 64 + 64 * 64 + 64 + 64 * 10 + 10
    assert model.input_shape == (None, 28, 28)
    assert model.output_shape == (None, 10)


def test_shape_follows_the_config():
    model = mlp.build(config.MlpConfig(hidden_units=(32, 16, 8), activation="tanh",
                                              dropout=0.5))

    assert [layer.units for layer in dense_layers(model)] == [32, 16, 8, 10]
    assert [layer.rate for layer in model.layers if isinstance(layer, layers.Dropout)] == [
        0.5, 0.5, 0.5]
    hidden, output = dense_layers(model)[:-1], dense_layers(model)[-1]
    assert all(layer.activation is keras.activations.tanh for layer in hidden)
    assert output.activation is keras.activations.softmax


def test_output_is_a_probability_distribution():
    model = mlp.build(config.MlpConfig(), seed=3)
    images = np.random.default_rng(0).random((4, 28, 28), dtype=np.float32)

    probabilities = model.predict(images, verbose=0)

    assert probabilities.shape == (4, 10)
    np.testing.assert_allclose(probabilities.sum(axis=1), 1.0, rtol=1e-5)


def test_l2_only_on_hidden_kernels():
    model = mlp.build(config.MlpConfig(hidden_units=(16, 8), l2=0.01))
    *hidden, output = dense_layers(model)

    assert all(layer.kernel_regularizer is not None for layer in hidden)
    assert all(layer.bias_regularizer is None for layer in hidden)
    assert output.kernel_regularizer is None and output.bias_regularizer is None
    assert len(model.losses) == len(hidden)


def test_no_l2_means_no_penalty():
    model = mlp.build(config.MlpConfig(l2=0.0))

    assert model.losses == []
    assert all(layer.kernel_regularizer is None for layer in dense_layers(model))


def test_l2_adds_lambda_times_sum_of_squared_hidden_weights_to_the_loss():
    penalty = 0.003
    plain = mlp.build(config.MlpConfig(hidden_units=(16, 8)), seed=5)
    penalised = mlp.build(config.MlpConfig(hidden_units=(16, 8), l2=penalty), seed=5)
    rng = np.random.default_rng(1)
    images = rng.random((32, 28, 28), dtype=np.float32)
    targets = keras.utils.to_categorical(rng.integers(0, 10, 32), 10)
    for model in (plain, penalised):
        model.compile(optimizer="sgd", loss="categorical_crossentropy")

    *hidden, output = dense_layers(penalised)
    by_numpy = penalty * sum(np.sum(np.square(layer.kernel.numpy(), dtype=np.float64))
                             for layer in hidden)
    difference = penalised.evaluate(images, targets, verbose=0) - plain.evaluate(
        images, targets, verbose=0)

    assert by_numpy > 0.01  # large enough that the comparison means something
    np.testing.assert_allclose(float(sum(penalised.losses)), by_numpy, rtol=1e-5)
    np.testing.assert_allclose(difference, by_numpy, rtol=1e-4)


def test_same_seed_same_weights_other_seed_other_weights():
    first, again = mlp.build(config.MlpConfig(), 7), mlp.build(config.MlpConfig(), 7)
    other = mlp.build(config.MlpConfig(), 8)

    for mine, theirs in zip(first.get_weights(), again.get_weights(), strict=True):
        np.testing.assert_array_equal(mine, theirs)
    assert not np.array_equal(first.get_weights()[0], other.get_weights()[0])


def test_layers_of_one_model_get_different_initial_weights():
    model = mlp.build(config.MlpConfig(hidden_units=(64, 64, 64)), seed=0)
    second, third = (layer.kernel.numpy() for layer in dense_layers(model)[1:3])

    # Both are 64×64 with the same Glorot limit: only distinct seeds tell them apart.
    assert not np.array_equal(second, third)


@pytest.mark.parametrize("seed", [0, 2**31 - 1])
def test_the_whole_seed_range_builds(seed):
    mlp.build(config.MlpConfig(dropout=0.1), seed=seed)


@pytest.mark.parametrize(
    "model_config",
    [config.MlpConfig(hidden_units=(0,)), config.MlpConfig(activation="nope"),
     config.MlpConfig(dropout=1.0)],
    ids=["0 units", "unknown activation", "dropout 1.0"],
)
def test_build_rejects_bad_configs(model_config):
    with pytest.raises(ValueError):
        kinds.build(model_config, seed=0)


def test_build_rejects_unknown_config_types():
    with pytest.raises(ValueError, match="TrainConfig"):
        kinds.build(config.TrainConfig(), seed=0)
