"""Run configurations as plain, validated data that round-trips through JSON.

A RunConfig is a model config (one of the kinds in `kinds.KINDS`) and a TrainConfig.
"""

import dataclasses

from mnist_core.models import kinds
from mnist_core.models.checks import check_int, check_number
from mnist_core.models.mlp import MlpConfig

OPTIMIZERS = ("sgd", "adam", "rmsprop")
# constant; warm-up then cosine decay to 0; ×0.2 after 2 epochs without a better val loss.
SCHEDULES = ("constant", "warmup_cosine", "reduce_on_plateau")
# The arithmetic of a run: float32 throughout, or Keras' mixed_bfloat16 policy (bfloat16
# compute, float32 weights and output layer), which CPUs with AVX-512 BF16 run natively.
PRECISIONS = ("float32", "mixed_bfloat16")
MAX_BATCH_SIZE = 8192
MAX_EPOCHS = 500
MIN_TRAIN_SIZE = 10  # one image per class
# The training-set sizes the pages offer; None means every training image.
TRAIN_SIZES = {"1,000": 1000, "10,000": 10_000, "all": None}


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
    precision: str = "float32"  # runs stored before it existed were float32


@dataclasses.dataclass(frozen=True)
class RunConfig:
    """Everything that defines one run; stored with the run and enough to reproduce it."""

    model: object = MlpConfig()  # any registered kind's config
    training: TrainConfig = TrainConfig()

    def to_dict(self) -> dict:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, raw: dict) -> "RunConfig":
        """Raises ValueError for an unknown kind or field, naming it."""
        model = dict(raw.get("model", {}))
        kind = kinds.get(model.get("kind", "mlp"))
        _check_fields(kind.config_class, model)
        return cls(model=kind.from_dict(model),
                   training=TrainConfig(**_check_fields(TrainConfig, raw.get("training", {}))))


def _check_fields(config_class, values: dict) -> dict:
    known = {field.name for field in dataclasses.fields(config_class)}
    unknown = set(values) - known
    if unknown:
        raise ValueError(f"unknown {config_class.__name__} field(s): {', '.join(sorted(unknown))}")
    return values


def validate(run: RunConfig) -> RunConfig:
    """Raise ValueError with a message a page can show as is; return the config when fine."""
    kinds.validate_model(run.model)
    validate_training(run.training)
    return run


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
    if training.precision not in PRECISIONS:
        raise ValueError(f"unknown precision {training.precision!r}; choose from {PRECISIONS}")
