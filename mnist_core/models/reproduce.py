"""The command line of a run: the `train` command that trains a config again, and the flag
values it is written in (read back by the CLI, so the two never drift apart)."""

import argparse

from mnist_core.models import kinds


def command_line(run) -> str:
    """`python -m mnist_core train KIND ...` for a RunConfig, every setting spelled out."""
    training = run.training
    train_size = "all" if training.train_size is None else training.train_size
    flags = kinds.of(run.model).cli_flags(run.model)
    return (f"python -m mnist_core train {run.model.kind} {flags}"
            f" --optimizer {training.optimizer} --learning-rate {exact(training.learning_rate)}"
            f" --batch-size {training.batch_size} --epochs {training.epochs}"
            f" --schedule {training.schedule} --precision {training.precision}"
            f" --train-size {train_size} --seed {training.seed}")


def exact(number: float) -> str:
    """Short (`0.1`, `0`) when that reads back as the same float, else every digit needed."""
    short = f"{number:g}"
    return short if float(short) == number else repr(float(number))


def number_list(text: str) -> tuple[int, ...]:
    """A flag value such as 64,64."""
    try:
        return tuple(int(part) for part in text.split(","))
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected whole numbers separated by commas, e.g. 64,64; got {text!r}") from None


def train_size(text: str) -> int | None:
    """--train-size: a number of images, or 'all' (None)."""
    if text == "all":
        return None
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"--train-size takes a number or 'all', got {text!r}") from None
