"""`python -m mnist_core train mlp|cnn`: flags -> RunConfig -> a foreground run in the registry."""

import argparse
import os
import sys
import time

from mnist_core import architecture, config, data, jobs, presets, reproduce
from mnist_core.cnn_config import CnnConfig, ConvBlock
from mnist_core.registry import LECTURE_WORKSPACE, Registry


def number_list(text: str) -> tuple[int, ...]:
    try:
        return tuple(int(part) for part in text.split(","))
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected whole numbers separated by commas, e.g. 64,64; got {text!r}") from None


def _conv_blocks(text: str) -> tuple[ConvBlock, ...]:
    try:
        return tuple(ConvBlock(*(int(number) for number in block.split(":")))
                     for block in text.split(","))
    except (ValueError, TypeError):
        raise argparse.ArgumentTypeError(
            f"--conv takes FILTERS:KERNEL per block, e.g. 32:5,64:3; got {text!r}") from None


def train_size(text: str) -> int | None:
    """--train-size: a number of images, or 'all' (None)."""
    if text == "all":
        return None
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"--train-size takes a number or 'all', got {text!r}") from None


def add_train_parser(commands, parser_class) -> None:
    train = commands.add_parser("train", help="train a model in the foreground and store it")
    kinds = train.add_subparsers(dest="model", required=True, parser_class=parser_class)
    mlp = kinds.add_parser("mlp", help="a dense network (defaults: the assignment's)")
    mlp_defaults = config.MlpConfig()
    mlp.add_argument("--hidden", type=number_list, default=mlp_defaults.hidden_units)
    mlp.add_argument("--activation", default=mlp_defaults.activation)
    mlp.add_argument("--l2", type=float, default=mlp_defaults.l2)
    mlp.add_argument("--dropout", type=float, default=mlp_defaults.dropout)
    _add_training_flags(mlp)

    cnn = kinds.add_parser("cnn", help="a convolutional network: a preset, or --conv for yours")
    cnn.add_argument("--preset", default=None,
                     choices=[*presets.PRESETS, *presets.ALIASES])
    cnn.add_argument("--conv", type=_conv_blocks, default=None,
                     help="custom conv blocks FILTERS:KERNEL,..., each followed by 2×2 pooling")
    cnn.add_argument("--dense", type=number_list, default=(128,))
    cnn.add_argument("--batch-norm", action="store_true")
    cnn.add_argument("--dropout", type=float, default=0.0)
    cnn.add_argument("--augment", action="store_true")
    _add_training_flags(cnn)


def _add_training_flags(parser) -> None:
    """Unset flags stay None, so a preset's own training settings apply."""
    parser.add_argument("--optimizer", default=None)
    parser.add_argument("--learning-rate", type=float, default=None)
    parser.add_argument("--batch-size", type=int, default=None)
    parser.add_argument("--epochs", type=int, default=None)
    parser.add_argument("--schedule", default=None)
    parser.add_argument("--train-size", type=train_size, default=None)
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--workspace", default=LECTURE_WORKSPACE)
    parser.add_argument("--json", action="store_true")


def run_config_from(arguments) -> config.RunConfig:
    """The validated RunConfig the flags describe."""
    base = config.RunConfig()
    if arguments.model == "mlp":
        model = config.MlpConfig(hidden_units=arguments.hidden, activation=arguments.activation,
                                 l2=arguments.l2, dropout=arguments.dropout)
    elif arguments.conv is None:
        name = arguments.preset or "fast"
        base = presets.PRESETS[presets.ALIASES.get(name, name)]
        model = CnnConfig(**{**base.model.__dict__, "augment": arguments.augment})
    else:
        if arguments.preset:
            raise ValueError("give either --preset or --conv, not both")
        base = config.RunConfig(training=config.TrainConfig(
            optimizer="adam", learning_rate=1e-3, epochs=3))
        model = CnnConfig(
            conv_blocks=tuple(ConvBlock(block.filters, block.kernel_size,
                                        batch_norm=arguments.batch_norm)
                              for block in arguments.conv),
            dense_units=arguments.dense, dropout=arguments.dropout, augment=arguments.augment)
    overrides = {field: getattr(arguments, field) for field in
                 ("optimizer", "learning_rate", "batch_size", "epochs", "schedule", "seed")
                 if getattr(arguments, field) is not None}
    training = config.TrainConfig(**{**base.training.__dict__, **overrides,
                                     "train_size": arguments.train_size})
    return config.validate(config.RunConfig(model=model, training=training))


def train_command(arguments, emit) -> int:
    run_config = run_config_from(arguments)
    jobs.check_workspace(arguments.workspace)  # before TensorFlow: a typo fails at once
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    from mnist_core import runner  # imports TensorFlow

    mnist = data.load_mnist()
    registry = Registry()
    run_id = registry.create(
        config=run_config.to_dict(), model=run_config.model.kind, workspace=arguments.workspace,
        seed=run_config.training.seed, command=reproduce.command_line(run_config),
        state="running", pid=os.getpid(), params=architecture.parameter_count(run_config.model))
    print(f"run {run_id} on {mnist.source}", file=sys.stderr)
    run = runner.execute(registry, run_id, mnist, echo=_ProgressBar(run_config.training.epochs))
    result = {
        "run_id": run.run_id, "status": run.state, "test_accuracy": run.test_accuracy,
        "test_loss": run.test_loss, "val_accuracy": run.val_accuracy, "params": run.params,
        "seconds": run.seconds, "workspace": run.workspace, "error": run.error,
    }
    # A failed run has no accuracy and no duration: print a dash rather than crash on None.
    text = (f"run {run.run_id}: {run.state}, test accuracy {or_dash(run.test_accuracy, '.4f')}, "
            f"{or_dash(run.params, ',')} parameters, {or_dash(run.seconds, '.1f')} s")
    emit(result, arguments.json, text if run.state == "done" else f"{text}\n{run.error}")
    return 0 if run.state == "done" else 1


def or_dash(value, spec: str) -> str:
    return "-" if value is None else format(value, spec)


class _ProgressBar:
    """A one-line terminal progress bar on stderr, with epoch metrics as they come."""

    def __init__(self, epochs: int):
        self._epochs = epochs
        self._started = time.monotonic()

    def __call__(self, fraction, metrics):
        if metrics:
            sys.stderr.write(
                f"\repoch {metrics['epoch']}/{self._epochs}  loss {metrics['loss']:.4f}  "
                f"acc {metrics['accuracy']:.4f}  val_loss {metrics['val_loss']:.4f}  "
                f"val_acc {metrics['val_accuracy']:.4f}{' ' * 10}\n")
        else:
            elapsed = time.monotonic() - self._started
            eta = elapsed * (1 - fraction) / fraction if fraction > 0 else 0
            filled = int(30 * fraction)
            sys.stderr.write(f"\r[{'#' * filled}{'.' * (30 - filled)}] {fraction:4.0%} "
                             f"eta {eta:4.0f} s")
        sys.stderr.flush()
