"""The dense network (MLP): its config, validation, layer table, Keras builder and CLI flags."""

import argparse
import dataclasses

from mnist_core.data.preprocess import IMAGE_SIZE, INPUT_PIXELS, NUM_CLASSES
from mnist_core.models import kinds
from mnist_core.models.checks import check_number, check_rate
from mnist_core.models.layers import LayerRow, LayerSeeds, dense_rows, notebook_sequential
from mnist_core.models.reproduce import exact, number_list

ACTIVATIONS = ("relu", "sigmoid", "tanh", "elu", "gelu", "selu")
MAX_HIDDEN_LAYERS = 6


@dataclasses.dataclass(frozen=True)
class MlpConfig:
    """784 -> hidden_units... -> 10 softmax. l2 is λ on the hidden kernels (λ·Σw² in the loss)."""

    hidden_units: tuple[int, ...] = (64, 64)
    activation: str = "relu"
    l2: float = 0.0
    dropout: float = 0.0
    kind: str = "mlp"

    @classmethod
    def from_dict(cls, values: dict) -> "MlpConfig":
        values = dict(values)
        if "hidden_units" in values:
            values["hidden_units"] = tuple(values["hidden_units"])
        return cls(**values)


def validate(model: MlpConfig) -> None:
    units = model.hidden_units
    if not 1 <= len(units) <= MAX_HIDDEN_LAYERS:
        raise ValueError(f"an MLP needs 1 to {MAX_HIDDEN_LAYERS} hidden layers, got {len(units)}")
    for position, width in enumerate(units, start=1):
        if not isinstance(width, int) or isinstance(width, bool) or width < 1:
            raise ValueError(f"hidden layer {position} needs at least 1 unit, got {width!r}")
    if model.activation not in ACTIVATIONS:
        raise ValueError(f"unknown activation {model.activation!r}; choose from {ACTIVATIONS}")
    check_number("L2 factor", model.l2, low=0.0)
    check_rate("dropout rate", model.dropout)


def layer_rows(model: MlpConfig) -> list[LayerRow]:
    """Flatten, the hidden Dense layers and the softmax output."""
    rows = [LayerRow(f"Flatten ({IMAGE_SIZE}×{IMAGE_SIZE} → {INPUT_PIXELS})", (INPUT_PIXELS,),
                     "no weights", 0, 0)]
    names = [f"Dense {position}, {model.activation}"
             for position in range(1, len(model.hidden_units) + 1)]
    return rows + dense_rows(INPUT_PIXELS, model.hidden_units, names, batch_norm=False)


def build(model_config: MlpConfig, seed: int = 0):
    """784 -> hidden Dense layers (L2 on their kernels only, as in the assignment) -> softmax."""
    import keras  # only callers that train or predict pay for importing TensorFlow

    kinds.validate_model(model_config)
    seeds = LayerSeeds(seed)
    penalty = keras.regularizers.L2(model_config.l2) if model_config.l2 > 0 else None
    model = keras.Sequential(name="mlp")
    model.add(keras.Input(shape=(IMAGE_SIZE, IMAGE_SIZE)))
    model.add(keras.layers.Flatten())
    for units in model_config.hidden_units:
        model.add(keras.layers.Dense(
            units, activation=model_config.activation,
            kernel_initializer=keras.initializers.GlorotUniform(seed=seeds.next()),
            kernel_regularizer=penalty))
        if model_config.dropout > 0:
            model.add(keras.layers.Dropout(model_config.dropout, seed=seeds.next()))
    model.add(keras.layers.Dense(
        NUM_CLASSES, activation="softmax", dtype="float32",  # as Keras advises for mixed precision
        kernel_initializer=keras.initializers.GlorotUniform(seed=seeds.next())))
    return model


def notebook_source(model_config: MlpConfig, seed: int = 0) -> str:
    """`build`'s network as plain Keras source, imports included, that assigns `model` (seeds
    drawn in the same order); the notebook export's tests check both give the same weights."""
    seeds = LayerSeeds(seed)
    imports = ["import keras", "from keras import layers",
               "from keras.initializers import GlorotUniform"]
    penalty = ""
    if model_config.l2 > 0:
        imports.append("from keras.regularizers import L2")
        penalty = f",\n             kernel_regularizer=L2({model_config.l2!r})"
    lines = [f"keras.Input(shape=({IMAGE_SIZE}, {IMAGE_SIZE})),", "layers.Flatten(),"]
    for units in model_config.hidden_units:
        lines.append(f'layers.Dense({units}, activation="{model_config.activation}", '
                     f"kernel_initializer=GlorotUniform(seed={seeds.next()}){penalty}),")
        if model_config.dropout > 0:
            lines.append(f"layers.Dropout({model_config.dropout!r}, seed={seeds.next()}),")
    return notebook_sequential(imports, lines, seeds, "mlp")


def add_cli_arguments(parser: argparse.ArgumentParser) -> None:
    defaults = MlpConfig()
    parser.add_argument("--hidden", type=number_list, default=defaults.hidden_units)
    parser.add_argument("--activation", default=defaults.activation)
    parser.add_argument("--l2", type=float, default=defaults.l2)
    parser.add_argument("--dropout", type=float, default=defaults.dropout)


def from_cli(arguments: argparse.Namespace) -> tuple[MlpConfig, None]:
    """The network the flags describe; it trains with the assignment's defaults."""
    return MlpConfig(hidden_units=arguments.hidden, activation=arguments.activation,
                     l2=arguments.l2, dropout=arguments.dropout), None


def cli_flags(model: MlpConfig) -> str:
    return (f"--hidden {','.join(str(units) for units in model.hidden_units)}"
            f" --activation {model.activation} --l2 {exact(model.l2)}"
            f" --dropout {exact(model.dropout)}")


KIND = kinds.register(kinds.ModelKind(
    name="mlp", label="MLP", config_class=MlpConfig, from_dict=MlpConfig.from_dict,
    validate=validate, layer_rows=layer_rows, build=build,
    add_cli_arguments=add_cli_arguments, from_cli=from_cli, cli_flags=cli_flags,
    cli_help="a dense network (defaults: the assignment's)",
    # Measured here on 55k images: the default MLP's training work per second.
    default_rate=4.5e10, page="pages/2_MLP.py", shows_first_layer_weights=True,
    notebook_source=notebook_source))
