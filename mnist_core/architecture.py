"""Layer tables and parameter arithmetic computed from a model config, without Keras."""

import dataclasses

INPUT_PIXELS = 28 * 28
NUM_CLASSES = 10


@dataclasses.dataclass(frozen=True)
class LayerRow:
    """One line of the summary: what the layer is, its output, and how its parameters add up."""

    name: str
    output_shape: tuple[int, ...]
    arithmetic: str
    parameters: int
    multiply_adds: int  # per image, forward pass


def mlp_layers(model) -> list[LayerRow]:
    """Flatten, the hidden Dense layers and the softmax output of an MlpConfig."""
    rows = [LayerRow("Flatten (28×28 → 784)", (INPUT_PIXELS,), "no weights", 0, 0)]
    widths = [INPUT_PIXELS, *model.hidden_units, NUM_CLASSES]
    for position, (fan_in, units) in enumerate(zip(widths, widths[1:], strict=False), start=1):
        is_output = position == len(widths) - 1
        name = "Dense output, softmax" if is_output else f"Dense {position}, {model.activation}"
        parameters = fan_in * units + units
        arithmetic = f"{fan_in:,}·{units:,} + {units:,} = {parameters:,}"
        rows.append(LayerRow(name, (units,), arithmetic, parameters, fan_in * units))
    return rows


def parameter_count(model) -> int:
    return sum(row.parameters for row in mlp_layers(model))


def multiply_adds(model) -> int:
    """Forward-pass multiply-adds per image; training costs about three times this."""
    return sum(row.multiply_adds for row in mlp_layers(model))
