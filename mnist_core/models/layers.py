"""What every kind's layer table shares: the row, the Dense and BatchNorm rows, layer seeds."""

import dataclasses

from mnist_core.data.preprocess import NUM_CLASSES


@dataclasses.dataclass(frozen=True)
class LayerRow:
    """One line of the summary: what the layer is, its output, and how its parameters add up."""

    name: str
    output_shape: tuple[int, ...]
    arithmetic: str
    parameters: int
    multiply_adds: int  # per image, forward pass


def dense_rows(fan_in: int, hidden_units, names, batch_norm: bool) -> list[LayerRow]:
    """Hidden Dense layers (each optionally followed by BN), then the 10-way softmax."""
    rows = []
    for name, units in zip(names, hidden_units, strict=True):
        rows.append(dense_row(name, fan_in, units))
        if batch_norm:
            rows.append(batch_norm_row((units,)))
        fan_in = units
    return rows + [dense_row("Dense output, softmax", fan_in, NUM_CLASSES)]


def dense_row(name: str, fan_in: int, units: int) -> LayerRow:
    parameters = fan_in * units + units
    return LayerRow(name, (units,), f"{fan_in:,}·{units:,} + {units:,} = {parameters:,}",
                    parameters, fan_in * units)


def batch_norm_row(shape: tuple[int, ...]) -> LayerRow:
    channels = shape[-1]
    return LayerRow("BatchNormalization", shape,
                    f"4·{channels} = {4 * channels:,} (γ, β trained; mean, variance tracked)",
                    4 * channels, 0)


class LayerSeeds:
    """Distinct, reproducible seeds per layer, so no process-global random state is used."""

    def __init__(self, run_seed: int):
        self._run_seed = run_seed
        self._count = 0

    def next(self) -> int:
        self._count += 1
        return self._run_seed * 1000 + self._count


def notebook_sequential(imports: list[str], lines: list[str], seeds: LayerSeeds,
                        name: str) -> str:
    """A kind's notebook source: its imports, then `model = keras.Sequential([...])` of its
    layer lines and the softmax output every kind ends with, seeded as `build` seeds it."""
    lines = [*lines, "# float32: under mixed precision too, the softmax computes in float32",
             f'layers.Dense({NUM_CLASSES}, activation="softmax", dtype="float32",',
             f"             kernel_initializer=GlorotUniform(seed={seeds.next()})),"]
    body = "\n".join(lines).replace("\n", "\n    ")
    return "\n".join([*imports, "", "model = keras.Sequential([", f"    {body}",
                      f'], name="{name}")'])
