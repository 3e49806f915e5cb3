"""One entry per kind of network: everything the lab does with a model dispatches on KINDS.

A kind module (`mlp`, `cnn`) registers itself when `mnist_core.models` is imported. Adding a
kind means writing one such module: config parsing, building, the layer table, the
reproduce command, the time estimate, the CLI and the pages all look the kind up here.
"""

import argparse
import dataclasses
from collections.abc import Callable
from typing import Any

from mnist_core.models.layers import LayerRow

MAX_PARAMETERS = 5_000_000  # a bigger model trains too slowly on this machine to be useful


@dataclasses.dataclass(frozen=True)
class ModelKind:
    """What the lab needs to know about one kind of network. Configs are frozen dataclasses
    whose `kind` field is this kind's name; nothing here imports Keras until `build` runs."""

    name: str  # stored with every run, e.g. 'mlp'
    label: str  # shown on the pages, e.g. 'MLP'
    config_class: type
    from_dict: Callable[[dict], Any]  # stored JSON -> config; ValueError for unknown fields
    validate: Callable[[Any], None]  # ValueError with a message a page can show as is
    layer_rows: Callable[[Any], list[LayerRow]]  # the summary table, without Keras
    build: Callable[[Any, int], Any]  # (config, seed) -> keras.Model, every initializer seeded
    # The CLI's `train NAME` flags: add them, read them back into (config, base training or
    # None for the assignment's TrainConfig defaults), and write a config as flags again.
    add_cli_arguments: Callable[[argparse.ArgumentParser], None]
    from_cli: Callable[[argparse.Namespace], tuple[Any, Any]]
    cli_flags: Callable[[Any], str]
    cli_help: str
    # Multiply-adds per second of training here, measured once; used for time estimates
    # until runs of this kind have finished on this machine.
    default_rate: float
    page: str | None = None  # the page that trains it, relative to streamlit_app.py
    architecture_note: str = ""  # one sentence the architecture panel adds under the table
    shows_first_layer_weights: bool = False  # its first layer's weights read as 28×28 images
    # (config, seed) -> plain Keras source, its imports and a blank line first, that assigns
    # `model` the same network `build` gives: what an exported notebook holds.
    notebook_source: Callable[[Any, int], str] | None = None


KINDS: dict[str, ModelKind] = {}


def register(kind: ModelKind) -> ModelKind:
    KINDS[kind.name] = kind
    return kind


def get(name: str) -> ModelKind:
    try:
        return KINDS[name]
    except KeyError:
        raise ValueError(f"unknown model kind {name!r}; known: {', '.join(KINDS)}") from None


def of(model_config) -> ModelKind:
    return get(model_config.kind)


def layers(model_config) -> list[LayerRow]:
    return of(model_config).layer_rows(model_config)


def parameter_count(model_config) -> int:
    return sum(row.parameters for row in layers(model_config))


def multiply_adds(model_config) -> int:
    """Forward-pass multiply-adds per image; training costs about three times this."""
    return sum(row.multiply_adds for row in layers(model_config))


def validate_model(model_config) -> None:
    """Raise ValueError, before anything trains, for a net that can't be built or is absurd."""
    of(model_config).validate(model_config)
    total = parameter_count(model_config)
    if total > MAX_PARAMETERS:
        raise ValueError(
            f"this network has {total:,} parameters; the limit is {MAX_PARAMETERS:,} "
            "(a bigger model trains too slowly on this machine to be useful)")


def build(model_config, seed: int = 0):
    """The Keras model a config describes (imports TensorFlow). Raises ValueError."""
    if not hasattr(model_config, "kind"):
        raise ValueError(f"no builder for {type(model_config).__name__}")
    validate_model(model_config)
    return of(model_config).build(model_config, seed)
