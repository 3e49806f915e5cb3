"""The convolutional network (CNN): config, validation, layer table, Keras builder, CLI flags,
and its presets (the assignment's two models and our fast one)."""

import argparse
import dataclasses

from mnist_core.data.preprocess import IMAGE_SIZE, NUM_CLASSES
from mnist_core.models import config, kinds
from mnist_core.models.checks import check_int, check_number, check_rate
from mnist_core.models.layers import (
    LayerRow,
    LayerSeeds,
    batch_norm_row,
    dense_rows,
    notebook_sequential,
)
from mnist_core.models.reproduce import exact, number_list

MAX_CONV_BLOCKS = 4
MAX_FILTERS = 512
MAX_KERNEL = 9
MAX_DENSE_UNITS = 4096
DENSE_ACTIVATIONS = ("relu", "sigmoid", "tanh", "elu", "gelu")
# Keras' default 0.99 needs hundreds of steps before the running mean and variance used at
# test time are right; the 5,000-digit subset has ~30 steps per epoch (test accuracy 12 %).
# 0.9 settles in about 20 steps, on the full set too (1 epoch: 96.6 % -> 98.7 %).
BATCH_NORM_MOMENTUM = 0.9


@dataclasses.dataclass(frozen=True)
class ConvBlock:
    """`convs` Conv2D layers (filters, kernel_size×kernel_size, relu), then optional BN and pool."""

    filters: int
    kernel_size: int
    convs: int = 1
    batch_norm: bool = False
    pool: bool = True


@dataclasses.dataclass(frozen=True)
class CnnConfig:
    """Conv blocks -> Flatten -> hidden Dense layers -> 10 softmax.

    Each hidden Dense layer is followed by BN (if dense_batch_norm) and dropout (if > 0);
    last_dense_l2 puts L2(λ) on the last hidden Dense kernel, as the assignment's model 2 does.
    """

    conv_blocks: tuple[ConvBlock, ...] = (ConvBlock(32, 3), ConvBlock(64, 3))
    dense_units: tuple[int, ...] = (128,)
    dense_activation: str = "relu"
    dense_batch_norm: bool = False
    dropout: float = 0.0
    last_dense_l2: float = 0.0
    padding: str = "valid"
    augment: bool = False
    kind: str = "cnn"

    @classmethod
    def from_dict(cls, values: dict) -> "CnnConfig":
        values = dict(values)
        if "conv_blocks" in values:
            values["conv_blocks"] = tuple(ConvBlock(**block) for block in values["conv_blocks"])
        if "dense_units" in values:
            values["dense_units"] = tuple(values["dense_units"])
        return cls(**values)


def validate(model: CnnConfig) -> None:
    if not 1 <= len(model.conv_blocks) <= MAX_CONV_BLOCKS:
        raise ValueError(f"a CNN needs 1 to {MAX_CONV_BLOCKS} conv blocks, "
                         f"got {len(model.conv_blocks)}")
    for position, block in enumerate(model.conv_blocks, start=1):
        check_int(f"filters in conv block {position}", block.filters, 1, MAX_FILTERS)
        check_int(f"kernel size in conv block {position}", block.kernel_size, 1, MAX_KERNEL)
        check_int(f"conv layers in block {position}", block.convs, 1, 3)
    if model.padding not in ("valid", "same"):
        raise ValueError(f"padding must be 'valid' or 'same', got {model.padding!r}")
    if len(model.dense_units) > 3:
        raise ValueError(f"at most 3 hidden Dense layers, got {len(model.dense_units)}")
    for position, units in enumerate(model.dense_units, start=1):
        check_int(f"units in Dense layer {position}", units, 1, MAX_DENSE_UNITS)
    if model.dense_activation not in DENSE_ACTIVATIONS:
        raise ValueError(f"unknown activation {model.dense_activation!r}; "
                         f"choose from {DENSE_ACTIVATIONS}")
    check_rate("dropout rate", model.dropout)
    check_number("L2 factor of the last Dense layer", model.last_dense_l2, low=0.0)
    layer_rows(model)  # raises when a kernel is larger than its feature map


def layer_rows(model: CnnConfig) -> list[LayerRow]:
    """Conv blocks, Flatten, Dense layers. Raises ValueError if the shapes do not work out."""
    height, channels = IMAGE_SIZE, 1
    rows = []
    if model.augment:
        rows.append(LayerRow("Augmentation (training only)", (height, height, 1), "no weights",
                             0, 0))
    for number, block in enumerate(model.conv_blocks, start=1):
        for _ in range(block.convs):
            kernel, filters = block.kernel_size, block.filters
            if kernel > height:
                raise ValueError(
                    f"conv block {number}: a {kernel}×{kernel} kernel is larger than the "
                    f"{height}×{height} feature map it meets; use a smaller kernel, "
                    "'same' padding or fewer blocks")
            height = height - kernel + 1 if model.padding == "valid" else height
            parameters = kernel * kernel * channels * filters + filters
            rows.append(LayerRow(
                f"Conv2D {filters} {kernel}×{kernel}, relu", (height, height, filters),
                f"{kernel}·{kernel}·{channels}·{filters} + {filters} = {parameters:,}",
                parameters, height * height * kernel * kernel * channels * filters))
            channels = filters
        if block.batch_norm:
            rows.append(batch_norm_row((height, height, channels)))
        if block.pool:
            if height < 2:
                raise ValueError(f"conv block {number}: a {height}×{height} feature map is "
                                 "too small to pool; use fewer blocks or 'same' padding")
            height //= 2
            rows.append(LayerRow("MaxPooling 2×2", (height, height, channels), "no weights",
                                 0, 0))
    flat = height * height * channels
    rows.append(LayerRow(f"Flatten ({height}×{height}×{channels} → {flat:,})", (flat,),
                         "no weights", 0, 0))
    names = [f"Dense {position}, {model.dense_activation}"
             for position in range(1, len(model.dense_units) + 1)]
    return rows + dense_rows(flat, model.dense_units, names, model.dense_batch_norm)


def feature_map_shapes(model: CnnConfig) -> list[tuple[int, ...]]:
    """Output shape of every conv layer, in order (what the feature-map view shows)."""
    return [row.output_shape for row in layer_rows(model) if row.name.startswith("Conv2D")]


def build(model_config: CnnConfig, seed: int = 0):
    """Conv blocks (relu convs, optional BN, 2×2 max-pool) -> Dense layers -> softmax."""
    import keras  # only callers that train or predict pay for importing TensorFlow
    from keras import layers

    kinds.validate_model(model_config)
    seeds = LayerSeeds(seed)
    model = keras.Sequential(name="cnn")
    model.add(keras.Input(shape=(IMAGE_SIZE, IMAGE_SIZE)))
    model.add(layers.Reshape((IMAGE_SIZE, IMAGE_SIZE, 1)))  # Conv2D wants a channel axis
    if model_config.augment:
        # The assignment's augmentation (rotation 10°, zoom 0.1, shifts 0.1); training only.
        model.add(layers.RandomRotation(10 / 360, fill_mode="constant", seed=seeds.next()))
        model.add(layers.RandomZoom(0.1, fill_mode="constant", seed=seeds.next()))
        model.add(layers.RandomTranslation(0.1, 0.1, fill_mode="constant", seed=seeds.next()))
    for block in model_config.conv_blocks:
        for _ in range(block.convs):
            model.add(layers.Conv2D(
                block.filters, block.kernel_size, activation="relu",
                padding=model_config.padding,
                kernel_initializer=keras.initializers.GlorotUniform(seed=seeds.next())))
        if block.batch_norm:
            model.add(layers.BatchNormalization(momentum=BATCH_NORM_MOMENTUM))
        if block.pool:
            model.add(layers.MaxPooling2D(2))
    model.add(layers.Flatten())
    for position, units in enumerate(model_config.dense_units, start=1):
        is_last = position == len(model_config.dense_units)
        penalty = model_config.last_dense_l2 if is_last else 0.0
        model.add(layers.Dense(
            units, activation=model_config.dense_activation,
            kernel_initializer=keras.initializers.GlorotUniform(seed=seeds.next()),
            kernel_regularizer=keras.regularizers.L2(penalty) if penalty > 0 else None))
        if model_config.dense_batch_norm:
            model.add(layers.BatchNormalization(momentum=BATCH_NORM_MOMENTUM))
        if model_config.dropout > 0:
            model.add(layers.Dropout(model_config.dropout, seed=seeds.next()))
    model.add(layers.Dense(
        NUM_CLASSES, activation="softmax", dtype="float32",  # as Keras advises for mixed precision
        kernel_initializer=keras.initializers.GlorotUniform(seed=seeds.next())))
    return model


def notebook_source(model_config: CnnConfig, seed: int = 0) -> str:
    """`build`'s network as plain Keras source, imports included, that assigns `model` (seeds
    drawn in the same order); the notebook export's tests check both give the same weights."""
    seeds = LayerSeeds(seed)
    imports = ["import keras", "from keras import layers",
               "from keras.initializers import GlorotUniform"]
    lines = [f"keras.Input(shape=({IMAGE_SIZE}, {IMAGE_SIZE})),",
             f"layers.Reshape(({IMAGE_SIZE}, {IMAGE_SIZE}, 1)),  # Conv2D wants a channel axis"]
    if model_config.augment:
        lines += ["# Random rotations, zooms and shifts; active in training only",
                  f'layers.RandomRotation(10 / 360, fill_mode="constant", seed={seeds.next()}),',
                  f'layers.RandomZoom(0.1, fill_mode="constant", seed={seeds.next()}),',
                  f'layers.RandomTranslation(0.1, 0.1, fill_mode="constant", '
                  f"seed={seeds.next()}),"]
    batch_norm = f"layers.BatchNormalization(momentum={BATCH_NORM_MOMENTUM!r}),"
    for block in model_config.conv_blocks:
        for _ in range(block.convs):
            lines.append(f'layers.Conv2D({block.filters}, {block.kernel_size}, activation="relu", '
                         f'padding="{model_config.padding}",\n'
                         f"              kernel_initializer=GlorotUniform(seed={seeds.next()})),")
        lines += [batch_norm] * block.batch_norm + ["layers.MaxPooling2D(2),"] * block.pool
    lines.append("layers.Flatten(),")
    for position, units in enumerate(model_config.dense_units, start=1):
        is_last = position == len(model_config.dense_units)
        penalty = ""
        if is_last and model_config.last_dense_l2 > 0:
            imports.append("from keras.regularizers import L2")
            penalty = f",\n             kernel_regularizer=L2({model_config.last_dense_l2!r})"
        lines.append(f'layers.Dense({units}, activation="{model_config.dense_activation}", '
                     f"kernel_initializer=GlorotUniform(seed={seeds.next()}){penalty}),")
        lines += [batch_norm] * model_config.dense_batch_norm
        if model_config.dropout > 0:
            lines.append(f"layers.Dropout({model_config.dropout!r}, seed={seeds.next()}),")
    return notebook_sequential(imports, lines, seeds, "cnn")


# Presets. Ours: small, batch-normalized, Adam with warm-up and cosine decay; ≥ 99 % in 3 epochs.
FAST = config.RunConfig(
    model=CnnConfig(conv_blocks=(ConvBlock(16, 3, batch_norm=True),
                                 ConvBlock(32, 3, batch_norm=True)),
                    dense_units=(128,), dropout=0.25),
    training=config.TrainConfig(optimizer="adam", learning_rate=3e-3, batch_size=128, epochs=3,
                                schedule="warmup_cosine"),
)
# The assignment's model 1 (99.12 % after 60 epochs there), 'valid' padding as there.
ASSIGNMENT_1 = config.RunConfig(
    model=CnnConfig(conv_blocks=(ConvBlock(20, 5), ConvBlock(40, 5)), dense_units=(100,),
                    dense_activation="sigmoid"),
    training=config.TrainConfig(optimizer="sgd", learning_rate=0.1, batch_size=128, epochs=10),
)
# The assignment's model 2 (99.50 % after 30 epochs there).
ASSIGNMENT_2 = config.RunConfig(
    model=CnnConfig(conv_blocks=(ConvBlock(32, 5, convs=2, batch_norm=True),
                                 ConvBlock(64, 3, convs=2, batch_norm=True)),
                    dense_units=(256, 128, 84), dense_batch_norm=True, dropout=0.25,
                    last_dense_l2=0.1),
    training=config.TrainConfig(optimizer="adam", learning_rate=1e-3, batch_size=64, epochs=5,
                                schedule="reduce_on_plateau"),
)
PRESETS = {"fast": FAST, "assignment1": ASSIGNMENT_1, "assignment2": ASSIGNMENT_2}
# What the assignment trained for; the presets default to fewer so a lesson can wait for them.
ASSIGNMENT_EPOCHS = {"assignment1": 60, "assignment2": 30}
# Names the CLI also accepts for the assignment's models.
ALIASES = {"seed1": "assignment1", "seed2": "assignment2"}
# A custom net from the CLI trains like this unless flags say otherwise.
CUSTOM_TRAINING = config.TrainConfig(optimizer="adam", learning_rate=1e-3, epochs=3)


def preset_name(model: CnnConfig) -> str | None:
    """The preset whose network this is (augmentation aside), if any."""
    for name, preset in PRESETS.items():
        if preset.model == dataclasses.replace(model, augment=preset.model.augment):
            return name
    return None


def _conv_blocks(text: str) -> tuple[ConvBlock, ...]:
    try:
        return tuple(ConvBlock(*(int(number) for number in block.split(":")))
                     for block in text.split(","))
    except (ValueError, TypeError):
        raise argparse.ArgumentTypeError(
            f"--conv takes FILTERS:KERNEL per block, e.g. 32:5,64:3; got {text!r}") from None


def add_cli_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--preset", default=None, choices=[*PRESETS, *ALIASES])
    parser.add_argument("--conv", type=_conv_blocks, default=None,
                        help="custom conv blocks FILTERS:KERNEL,..., each followed by 2×2 pooling")
    parser.add_argument("--dense", type=number_list, default=(128,))
    parser.add_argument("--batch-norm", action="store_true")
    parser.add_argument("--dropout", type=float, default=0.0)
    parser.add_argument("--augment", action="store_true")


def from_cli(arguments: argparse.Namespace) -> tuple[CnnConfig, config.TrainConfig]:
    """A preset (fast by default) or, with --conv, a custom net; and how it trains."""
    if arguments.conv is None:
        name = arguments.preset or "fast"
        base = PRESETS[ALIASES.get(name, name)]
        return dataclasses.replace(base.model, augment=arguments.augment), base.training
    if arguments.preset:
        raise ValueError("give either --preset or --conv, not both")
    model = CnnConfig(
        conv_blocks=tuple(ConvBlock(block.filters, block.kernel_size,
                                    batch_norm=arguments.batch_norm)
                          for block in arguments.conv),
        dense_units=arguments.dense, dropout=arguments.dropout, augment=arguments.augment)
    return model, CUSTOM_TRAINING


def cli_flags(model: CnnConfig) -> str:
    augment = " --augment" if model.augment else ""
    name = preset_name(model)
    if name:
        return f"--preset {name}{augment}"
    blocks = ",".join(f"{block.filters}:{block.kernel_size}" for block in model.conv_blocks)
    batch_norm = " --batch-norm" if model.conv_blocks[0].batch_norm else ""
    dense = ",".join(str(units) for units in model.dense_units)
    return (f"--conv {blocks} --dense {dense}{batch_norm} --dropout {exact(model.dropout)}"
            f"{augment}")


KIND = kinds.register(kinds.ModelKind(
    name="cnn", label="CNN", config_class=CnnConfig, from_dict=CnnConfig.from_dict,
    validate=validate, layer_rows=layer_rows, build=build,
    add_cli_arguments=add_cli_arguments, from_cli=from_cli, cli_flags=cli_flags,
    cli_help="a convolutional network: a preset, or --conv for yours",
    # Measured here on 55k images with the fast preset: convolutions use the cores less well.
    default_rate=1.5e10, page="pages/3_CNN.py",
    architecture_note="A Conv2D layer has one $k\\times k$ kernel per input channel for each "
                      "of its filters, plus one bias per filter: "
                      "$k\\cdot k\\cdot c_{in}\\cdot f + f$, however large the image.",
    notebook_source=notebook_source))
