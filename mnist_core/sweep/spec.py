"""A regularization sweep as plain data: its spec, factor parsing, its tasks, member configs."""

import dataclasses
import math

import numpy as np

from mnist_core.models import config, mlp

MAX_FACTORS = 12
MAX_REPLICATES = 10
DEFAULT_FACTORS_TEXT = "linspace:1e-6:1e-3:5"  # the assignment's np.linspace(1e-6, 1e-3, 5)
# LeCun's MNIST page: Hinton's 784-500-300-10 with weight decay, as test accuracy (1.53% error).
HINTON_ACCURACY = 0.9847
# Training accuracy for the train-test gap is measured on this many training images with the
# final weights: Keras' figure is a running mean over an epoch of changing weights.
TRAIN_ACCURACY_IMAGES = 10_000


def parse_factors(text: str) -> tuple[float, ...]:
    """`linspace:MIN:MAX:N`, `logspace:MIN:MAX:N` (log spacing from MIN to MAX) or `a,b,c`.

    Raises ValueError naming what is wrong with `text`.
    """
    text = (text or "").strip()
    if not text:
        raise ValueError("factors '': give linspace:MIN:MAX:N, logspace:MIN:MAX:N or a comma "
                         "list such as 1e-6,1e-4,1e-3")
    spacing, _, rest = text.partition(":")
    if spacing in ("linspace", "logspace"):
        parts = rest.split(":")
        if len(parts) != 3:
            raise ValueError(f"factors {text!r}: write {spacing}:MIN:MAX:N, e.g. "
                             f"{spacing}:1e-6:1e-3:5")
        low, high = (_number(text, part) for part in parts[:2])
        count = _count(text, parts[2])
        if not 0 <= low < high:
            raise ValueError(f"factors {text!r}: need 0 <= MIN < MAX, got MIN={low:g}, "
                             f"MAX={high:g}")
        if spacing == "logspace" and low == 0:
            raise ValueError(f"factors {text!r}: log spacing needs MIN > 0 (log 0 is -inf)")
        space = np.linspace if spacing == "linspace" else np.geomspace
        return tuple(float(value) for value in space(low, high, count))  # ends exactly on MAX
    factors = tuple(_number(text, part) for part in text.split(","))
    check_factors(factors, text)
    return factors


def _number(text: str, part: str) -> float:
    try:
        value = float(part)
    except ValueError:
        raise ValueError(f"factors {text!r}: {part.strip()!r} is not a number") from None
    if not math.isfinite(value) or value < 0:
        raise ValueError(f"factors {text!r}: {part.strip()!r} must be a finite number >= 0")
    return value


def _count(text: str, part: str) -> int:
    try:
        count = int(part)
    except ValueError:
        raise ValueError(f"factors {text!r}: N={part!r} is not a whole number") from None
    if not 2 <= count <= MAX_FACTORS:
        raise ValueError(f"factors {text!r}: N must be 2 to {MAX_FACTORS}, got {count}")
    return count


def check_factors(factors: tuple[float, ...], shown=None) -> None:
    shown = shown if shown is not None else ",".join(map(str, factors))
    if not 1 <= len(factors) <= MAX_FACTORS:
        raise ValueError(f"factors {shown!r}: a sweep takes 1 to {MAX_FACTORS} factors, "
                         f"got {len(factors)}")
    if len(set(factors)) != len(factors):
        raise ValueError(f"factors {shown!r}: each factor may appear only once")


@dataclasses.dataclass(frozen=True)
class SweepSpec:
    """The assignment's sweep by default. Replicate r trains with seed `seed + r` for every
    factor, so the factors are compared on the same starting weights and batch orders."""

    hidden_units: tuple[int, ...] = (500, 300)
    factors: tuple[float, ...] = parse_factors(DEFAULT_FACTORS_TEXT)
    replicates: int = 3
    epochs: int = 40
    train_size: int | None = None
    learning_rate: float = 0.1
    batch_size: int = 128
    seed: int = 0
    save_models: bool = False

    def to_dict(self) -> dict:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, raw: dict) -> "SweepSpec":
        known = {field.name for field in dataclasses.fields(cls)}
        unknown = set(raw) - known
        if unknown:
            raise ValueError(f"unknown sweep field(s): {', '.join(sorted(unknown))}")
        values = dict(raw)
        for name in ("hidden_units", "factors"):
            if name in values:
                values[name] = tuple(values[name])
        return cls(**values)

    def member_config(self, factor: float, replicate: int) -> config.RunConfig:
        """The single-run config of one network: exactly what it is trained with."""
        return config.RunConfig(
            model=config.MlpConfig(hidden_units=self.hidden_units, activation="relu", l2=factor),
            training=config.TrainConfig(
                optimizer="sgd", learning_rate=self.learning_rate, batch_size=self.batch_size,
                epochs=self.epochs, train_size=self.train_size, seed=self.seed + replicate))

    def command_line(self) -> str:
        train_size = "all" if self.train_size is None else self.train_size
        return (f"python -m mnist_core sweep --hidden {','.join(map(str, self.hidden_units))}"
                f" --factors {','.join(repr(factor) for factor in self.factors)}"
                f" --replicates {self.replicates} --epochs {self.epochs}"
                f" --learning-rate {self.learning_rate!r} --batch-size {self.batch_size}"
                f" --train-size {train_size} --seed {self.seed}"
                + (" --save-models" if self.save_models else ""))


def validate(spec: SweepSpec) -> SweepSpec:
    """Raise ValueError with a message a page can show; return the spec when fine."""
    check_factors(spec.factors)
    if isinstance(spec.replicates, bool) or not isinstance(spec.replicates, int) or not (
            1 <= spec.replicates <= MAX_REPLICATES):
        raise ValueError(f"replicates must be a whole number from 1 to {MAX_REPLICATES}, "
                         f"got {spec.replicates!r}")
    for factor in spec.factors:
        mlp.validate(spec.member_config(factor, 0).model)
    for replicate in (0, spec.replicates - 1):  # the first and the last seed
        config.validate_training(spec.member_config(0.0, replicate).training)
    return spec


@dataclasses.dataclass(frozen=True)
class Task:
    """One network of a sweep: a factor (and its position in the spec) and a replicate."""

    factor_index: int
    replicate: int
    factor: float
    seed: int


def tasks(spec: SweepSpec) -> list[Task]:
    """Replicate by replicate: after the first few networks every factor has a result."""
    return [Task(index, replicate, factor, spec.seed + replicate)
            for replicate in range(spec.replicates)
            for index, factor in enumerate(spec.factors)]


@dataclasses.dataclass
class NetworkResult:
    """What one trained network reports, from any executor."""

    status: str  # "done", "diverged" or "cancelled"
    history: list[dict]  # per epoch: loss, accuracy, val_loss, val_accuracy, kernel_norm;
    # the last epoch of a finished network also: train_accuracy with its final weights
    test_loss: float | None = None
    test_accuracy: float | None = None
    seconds: float = 0.0
    weights: list | None = None  # NumPy arrays in Keras order (kernel, bias per layer)

    @property
    def val_accuracy(self) -> float | None:
        return self.history[-1]["val_accuracy"] if self.history else None
