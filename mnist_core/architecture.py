"""Layer tables and parameter arithmetic computed from a model config, without Keras."""

import dataclasses

INPUT_PIXELS = 28 * 28
IMAGE_SIZE = 28
NUM_CLASSES = 10


@dataclasses.dataclass(frozen=True)
class LayerRow:
    """One line of the summary: what the layer is, its output, and how its parameters add up."""

    name: str
    output_shape: tuple[int, ...]
    arithmetic: str
    parameters: int
    multiply_adds: int  # per image, forward pass


def layers(model) -> list[LayerRow]:
    """The rows of an MlpConfig or a CnnConfig."""
    return cnn_layers(model) if model.kind == "cnn" else mlp_layers(model)


def parameter_count(model) -> int:
    return sum(row.parameters for row in layers(model))


def multiply_adds(model) -> int:
    """Forward-pass multiply-adds per image; training costs about three times this."""
    return sum(row.multiply_adds for row in layers(model))


def mlp_layers(model) -> list[LayerRow]:
    """Flatten, the hidden Dense layers and the softmax output of an MlpConfig."""
    rows = [LayerRow("Flatten (28×28 → 784)", (INPUT_PIXELS,), "no weights", 0, 0)]
    names = [f"Dense {position}, {model.activation}"
             for position in range(1, len(model.hidden_units) + 1)]
    return rows + _dense_rows(INPUT_PIXELS, model.hidden_units, names, batch_norm=False)


def cnn_layers(model) -> list[LayerRow]:
    """Conv blocks, Flatten, Dense layers of a CnnConfig. Raises ValueError if shapes fail."""
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
            rows.append(_batch_norm_row((height, height, channels)))
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
    return rows + _dense_rows(flat, model.dense_units, names, model.dense_batch_norm)


def _dense_rows(fan_in: int, hidden_units, names, batch_norm: bool) -> list[LayerRow]:
    rows = []
    for name, units in zip(names, hidden_units, strict=True):
        rows.append(_dense_row(name, fan_in, units))
        if batch_norm:
            rows.append(_batch_norm_row((units,)))
        fan_in = units
    return rows + [_dense_row("Dense output, softmax", fan_in, NUM_CLASSES)]


def _dense_row(name: str, fan_in: int, units: int) -> LayerRow:
    parameters = fan_in * units + units
    return LayerRow(name, (units,), f"{fan_in:,}·{units:,} + {units:,} = {parameters:,}",
                    parameters, fan_in * units)


def _batch_norm_row(shape: tuple[int, ...]) -> LayerRow:
    channels = shape[-1]
    return LayerRow("BatchNormalization", shape,
                    f"4·{channels} = {4 * channels:,} (γ, β trained; mean, variance tracked)",
                    4 * channels, 0)


def feature_map_shapes(model) -> list[tuple[int, ...]]:
    """Output shape of every conv layer, in order (what the feature-map view shows)."""
    return [row.output_shape for row in cnn_layers(model) if row.name.startswith("Conv2D")]
