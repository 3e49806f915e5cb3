"""Plain model configs -> Keras models, every random initializer seeded from the run's seed."""

import keras
from keras import layers

from mnist_core import config

NUM_CLASSES = 10


def build(model_config, seed: int) -> keras.Model:
    """Build the Keras model a config describes. Raises ValueError for a bad config."""
    if isinstance(model_config, config.MlpConfig):
        return build_mlp(model_config, seed)
    raise ValueError(f"no builder for {type(model_config).__name__}")


def build_mlp(model_config: config.MlpConfig, seed: int = 0) -> keras.Model:
    """784 -> hidden Dense layers (L2 on their kernels only, as in the assignment) -> softmax."""
    config.validate_mlp(model_config)
    seeds = _LayerSeeds(seed)
    penalty = keras.regularizers.L2(model_config.l2) if model_config.l2 > 0 else None
    model = keras.Sequential(name="mlp")
    model.add(keras.Input(shape=(28, 28)))
    model.add(layers.Flatten())
    for units in model_config.hidden_units:
        model.add(
            layers.Dense(
                units,
                activation=model_config.activation,
                kernel_initializer=keras.initializers.GlorotUniform(seed=seeds.next()),
                kernel_regularizer=penalty,
            )
        )
        if model_config.dropout > 0:
            model.add(layers.Dropout(model_config.dropout, seed=seeds.next()))
    model.add(
        layers.Dense(
            NUM_CLASSES,
            activation="softmax",
            kernel_initializer=keras.initializers.GlorotUniform(seed=seeds.next()),
        )
    )
    return model


class _LayerSeeds:
    """Distinct, reproducible seeds per layer, so no process-global random state is used."""

    def __init__(self, run_seed: int):
        self._run_seed = run_seed
        self._count = 0

    def next(self) -> int:
        self._count += 1
        return self._run_seed * 1000 + self._count
