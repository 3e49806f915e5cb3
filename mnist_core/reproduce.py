"""The `python -m mnist_core train ...` command that trains a given config again."""

from mnist_core import presets
from mnist_core.config import CnnConfig, RunConfig


def command_line(run: RunConfig) -> str:
    model, training = run.model, run.training
    train_size = "all" if training.train_size is None else training.train_size
    common = (f" --optimizer {training.optimizer} --learning-rate {_exact(training.learning_rate)}"
              f" --batch-size {training.batch_size} --epochs {training.epochs}"
              f" --schedule {training.schedule}"
              f" --train-size {train_size} --seed {training.seed}")
    if isinstance(model, CnnConfig):
        return f"python -m mnist_core train cnn {_cnn_flags(model)}{common}"
    return (f"python -m mnist_core train mlp"
            f" --hidden {','.join(str(units) for units in model.hidden_units)}"
            f" --activation {model.activation} --l2 {_exact(model.l2)}"
            f" --dropout {_exact(model.dropout)}{common}")


def _cnn_flags(model: CnnConfig) -> str:
    augment = " --augment" if model.augment else ""
    name = presets.preset_name(model)
    if name:
        return f"--preset {name}{augment}"
    blocks = ",".join(f"{block.filters}:{block.kernel_size}" for block in model.conv_blocks)
    batch_norm = " --batch-norm" if model.conv_blocks[0].batch_norm else ""
    dense = ",".join(str(units) for units in model.dense_units)
    return (f"--conv {blocks} --dense {dense}{batch_norm} --dropout {_exact(model.dropout)}"
            f"{augment}")


def _exact(number: float) -> str:
    """Short (`0.1`, `0`) when that reads back as the same float, else every digit needed."""
    short = f"{number:g}"
    return short if float(short) == number else repr(float(number))
