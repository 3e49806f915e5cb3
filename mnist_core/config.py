"""Run configurations as plain, validated data that round-trips through JSON."""

import dataclasses
import math

from mnist_core import architecture

ACTIVATIONS = ("relu", "sigmoid", "tanh", "elu", "gelu", "selu")
OPTIMIZERS = ("sgd", "adam", "rmsprop")
MAX_HIDDEN_LAYERS = 6
MAX_PARAMETERS = 5_000_000
MAX_BATCH_SIZE = 8192
MAX_EPOCHS = 500
MIN_TRAIN_SIZE = 10  # one image per class


@dataclasses.dataclass(frozen=True)
class MlpConfig:
    """784 -> hidden_units... -> 10 softmax. l2 is λ on the hidden kernels (λ·Σw² in the loss)."""

    hidden_units: tuple[int, ...] = (64, 64)
    activation: str = "relu"
    l2: float = 0.0
    dropout: float = 0.0
    kind: str = "mlp"


@dataclasses.dataclass(frozen=True)
class TrainConfig:
    """How to train: the assignment's defaults. train_size None means all training images."""

    optimizer: str = "sgd"
    learning_rate: float = 0.1
    batch_size: int = 128
    epochs: int = 10
    train_size: int | None = None
    seed: int = 0


@dataclasses.dataclass(frozen=True)
class RunConfig:
    """Everything that defines one run; stored with the run and enough to reproduce it."""

    model: MlpConfig = MlpConfig()
    training: TrainConfig = TrainConfig()

    def to_dict(self) -> dict:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, raw: dict) -> "RunConfig":
        model = dict(raw.get("model", {}))
        kind = model.get("kind", "mlp")
        if kind != "mlp":
            raise ValueError(f"unknown model kind {kind!r}")
        if "hidden_units" in model:
            model["hidden_units"] = tuple(model["hidden_units"])
        training = _build(TrainConfig, raw.get("training", {}))
        return cls(model=_build(MlpConfig, model), training=training)


def _build(config_class, values: dict):
    known = {field.name for field in dataclasses.fields(config_class)}
    unknown = set(values) - known
    if unknown:
        raise ValueError(f"unknown {config_class.__name__} field(s): {', '.join(sorted(unknown))}")
    return config_class(**values)


def validate(run: RunConfig) -> RunConfig:
    """Raise ValueError with a message a page can show as is; return the config when fine."""
    validate_mlp(run.model)
    validate_training(run.training)
    return run


def validate_mlp(model: MlpConfig) -> None:
    units = model.hidden_units
    if not 1 <= len(units) <= MAX_HIDDEN_LAYERS:
        raise ValueError(f"an MLP needs 1 to {MAX_HIDDEN_LAYERS} hidden layers, got {len(units)}")
    for position, width in enumerate(units, start=1):
        if not isinstance(width, int) or isinstance(width, bool) or width < 1:
            raise ValueError(f"hidden layer {position} needs at least 1 unit, got {width!r}")
    if model.activation not in ACTIVATIONS:
        raise ValueError(f"unknown activation {model.activation!r}; choose from {ACTIVATIONS}")
    _check_number("L2 factor", model.l2, low=0.0)
    _check_number("dropout rate", model.dropout, low=0.0)
    if model.dropout >= 1:
        raise ValueError(f"dropout rate must be below 1 (1 drops every unit), got {model.dropout}")
    total = architecture.parameter_count(model)
    if total > MAX_PARAMETERS:
        raise ValueError(
            f"this network has {total:,} parameters; the limit is {MAX_PARAMETERS:,} "
            "(a bigger model trains too slowly on this machine to be useful)"
        )


def validate_training(training: TrainConfig) -> None:
    if training.optimizer not in OPTIMIZERS:
        raise ValueError(f"unknown optimizer {training.optimizer!r}; choose from {OPTIMIZERS}")
    _check_number("learning rate", training.learning_rate, low=0.0, inclusive=False)
    _check_int("batch size", training.batch_size, 1, MAX_BATCH_SIZE)
    _check_int("number of epochs", training.epochs, 1, MAX_EPOCHS)
    if training.train_size is not None:
        _check_int("training-set size", training.train_size, MIN_TRAIN_SIZE, 10**9)
    _check_int("seed", training.seed, 0, 2**31 - 1)


def _check_number(name, value, low, inclusive=True):
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ValueError(f"{name} must be a finite number, got {value!r}")
    if value < low or (value == low and not inclusive):
        bound = f"at least {low}" if inclusive else f"greater than {low}"
        raise ValueError(f"{name} must be {bound}, got {value}")


def _check_int(name, value, low, high):
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ValueError(f"{name} must be a whole number from {low} to {high:,}, got {value!r}")


def command_line(run: RunConfig) -> str:
    """The `python -m mnist_core` command that trains this exact configuration again."""
    model, training = run.model, run.training
    train_size = "all" if training.train_size is None else training.train_size
    return (
        f"python -m mnist_core train {model.kind}"
        f" --hidden {','.join(str(units) for units in model.hidden_units)}"
        f" --activation {model.activation} --l2 {_exact(model.l2)}"
        f" --dropout {_exact(model.dropout)}"
        f" --optimizer {training.optimizer} --learning-rate {_exact(training.learning_rate)}"
        f" --batch-size {training.batch_size} --epochs {training.epochs}"
        f" --train-size {train_size} --seed {training.seed}"
    )


def _exact(number: float) -> str:
    """Short (`0.1`, `0`) when that reads back as the same float, else every digit needed."""
    short = f"{number:g}"
    return short if float(short) == number else repr(float(number))
