"""Convolutional network configs as plain data, and their validation."""

import dataclasses

from mnist_core import architecture
from mnist_core.checks import check_int, check_number, check_rate

MAX_CONV_BLOCKS = 4
MAX_FILTERS = 512
MAX_KERNEL = 9
MAX_DENSE_UNITS = 4096
DENSE_ACTIVATIONS = ("relu", "sigmoid", "tanh", "elu", "gelu")


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


def validate_cnn(model: CnnConfig, max_parameters: int) -> None:
    """Raise ValueError, before anything trains, for a net that can't be built or is absurd."""
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
    architecture.cnn_layers(model)  # raises when a kernel is larger than its feature map
    total = architecture.parameter_count(model)
    if total > max_parameters:
        raise ValueError(f"this network has {total:,} parameters; the limit is "
                         f"{max_parameters:,} (too slow to train here to be useful)")
