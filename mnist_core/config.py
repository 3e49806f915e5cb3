"""Run configurations as plain, validated data that round-trips through JSON."""

import dataclasses

from mnist_core import architecture
from mnist_core.checks import check_int, check_number, check_rate
from mnist_core.cnn_config import CnnConfig, validate_cnn

ACTIVATIONS = ("relu", "sigmoid", "tanh", "elu", "gelu", "selu")
OPTIMIZERS = ("sgd", "adam", "rmsprop")
# constant; warm-up then cosine decay to 0; ×0.2 after 2 epochs without a better val loss.
SCHEDULES = ("constant", "warmup_cosine", "reduce_on_plateau")
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
    schedule: str = "constant"


@dataclasses.dataclass(frozen=True)
class RunConfig:
    """Everything that defines one run; stored with the run and enough to reproduce it."""

    model: MlpConfig | CnnConfig = MlpConfig()
    training: TrainConfig = TrainConfig()

    def to_dict(self) -> dict:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, raw: dict) -> "RunConfig":
        model = dict(raw.get("model", {}))
        kind = model.get("kind", "mlp")
        if kind == "cnn":
            _build(CnnConfig, model)  # names unknown fields
            model_config = CnnConfig.from_dict(model)
        elif kind == "mlp":
            if "hidden_units" in model:
                model["hidden_units"] = tuple(model["hidden_units"])
            model_config = _build(MlpConfig, model)
        else:
            raise ValueError(f"unknown model kind {kind!r}")
        return cls(model=model_config, training=_build(TrainConfig, raw.get("training", {})))


def _build(config_class, values: dict):
    known = {field.name for field in dataclasses.fields(config_class)}
    unknown = set(values) - known
    if unknown:
        raise ValueError(f"unknown {config_class.__name__} field(s): {', '.join(sorted(unknown))}")
    return config_class(**values)


def validate(run: RunConfig) -> RunConfig:
    """Raise ValueError with a message a page can show as is; return the config when fine."""
    validate_model(run.model)
    validate_training(run.training)
    return run


def validate_model(model: MlpConfig | CnnConfig) -> None:
    if isinstance(model, CnnConfig):
        validate_cnn(model, MAX_PARAMETERS)
    else:
        validate_mlp(model)


def validate_mlp(model: MlpConfig) -> None:
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
    total = architecture.parameter_count(model)
    if total > MAX_PARAMETERS:
        raise ValueError(
            f"this network has {total:,} parameters; the limit is {MAX_PARAMETERS:,} "
            "(a bigger model trains too slowly on this machine to be useful)"
        )


def validate_training(training: TrainConfig) -> None:
    if training.optimizer not in OPTIMIZERS:
        raise ValueError(f"unknown optimizer {training.optimizer!r}; choose from {OPTIMIZERS}")
    check_number("learning rate", training.learning_rate, low=0.0, inclusive=False)
    check_int("batch size", training.batch_size, 1, MAX_BATCH_SIZE)
    check_int("number of epochs", training.epochs, 1, MAX_EPOCHS)
    if training.train_size is not None:
        check_int("training-set size", training.train_size, MIN_TRAIN_SIZE, 10**9)
    check_int("seed", training.seed, 0, 2**31 - 1)
    if training.schedule not in SCHEDULES:
        raise ValueError(f"unknown schedule {training.schedule!r}; choose from {SCHEDULES}")
