"""`python -m mnist_core train KIND`: flags -> RunConfig -> a foreground run in the registry.

Every registered model kind gets its own subcommand with the flags its module defines.
"""

import os
import sys

from mnist_core import data, jobs
from mnist_core.cli.executor_flag import add_executor_flag, trainers
from mnist_core.cli.progress import ProgressBar
from mnist_core.models import config, kinds, reproduce
from mnist_core.store import LECTURE_WORKSPACE, Registry


def add_train_parser(commands, parser_class) -> None:
    train = commands.add_parser("train", help="train a model in the foreground and store it")
    by_kind = train.add_subparsers(dest="model", required=True, parser_class=parser_class)
    for kind in kinds.KINDS.values():
        parser = by_kind.add_parser(kind.name, help=kind.cli_help)
        kind.add_cli_arguments(parser)
        _add_training_flags(parser)


def _add_training_flags(parser) -> None:
    """Unset flags stay None, so a preset's own training settings apply."""
    parser.add_argument("--optimizer", default=None)
    parser.add_argument("--learning-rate", type=float, default=None)
    parser.add_argument("--batch-size", type=int, default=None)
    parser.add_argument("--epochs", type=int, default=None)
    parser.add_argument("--schedule", default=None)
    parser.add_argument("--precision", choices=config.PRECISIONS, default=None,
                        help="mixed_bfloat16: bfloat16 arithmetic, float32 weights")
    parser.add_argument("--train-size", type=reproduce.train_size, default=None)
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--workspace", default=LECTURE_WORKSPACE)
    add_executor_flag(parser)
    parser.add_argument("--json", action="store_true")


def run_config_from(arguments) -> config.RunConfig:
    """The validated RunConfig the flags describe."""
    model, base_training = kinds.get(arguments.model).from_cli(arguments)
    overrides = {field: getattr(arguments, field) for field in
                 ("optimizer", "learning_rate", "batch_size", "epochs", "schedule", "precision",
                  "seed")
                 if getattr(arguments, field) is not None}
    training = config.TrainConfig(**{**(base_training or config.TrainConfig()).__dict__,
                                     **overrides, "train_size": arguments.train_size})
    return config.validate(config.RunConfig(model=model, training=training))


def train_command(arguments, emit) -> int:
    run_config = run_config_from(arguments)
    jobs.check_workspace(arguments.workspace)  # before TensorFlow: a typo fails at once
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    from mnist_core.training import runner  # imports TensorFlow

    mnist = data.load_mnist()
    registry = Registry()
    with trainers(arguments.executor, mnist) as trainer:
        run_id = runner.start(registry, run_config, arguments.workspace)
        print(f"run {run_id} on {mnist.source} ({trainer.name})", file=sys.stderr)
        bar = ProgressBar()
        run = trainer.train_run(registry, run_id, _with_epochs(bar, run_config.training.epochs))
        bar.end()
    result = {
        "run_id": run.run_id, "status": run.state, "test_accuracy": run.test_accuracy,
        "test_loss": run.test_loss, "val_accuracy": run.val_accuracy, "params": run.params,
        "seconds": run.seconds, "workspace": run.workspace, "error": run.error,
        "executor": trainer.name, "node": run.versions.get("node"),
    }
    # A failed run has no accuracy and no duration: print a dash rather than crash on None.
    text = (f"run {run.run_id}: {run.state}, test accuracy {or_dash(run.test_accuracy, '.4f')}, "
            f"{or_dash(run.params, ',')} parameters, {or_dash(run.seconds, '.1f')} s")
    emit(result, arguments.json, text if run.state == "done" else f"{text}\n{run.error}")
    return 0 if run.state == "done" else 1


def or_dash(value, spec: str) -> str:
    return "-" if value is None else format(value, spec)


def _with_epochs(bar: ProgressBar, epochs: int):
    """runner.execute's echo(fraction, metrics) on the bar, with a line per finished epoch."""

    def echo(fraction, metrics):
        bar(fraction, metrics and (
            f"epoch {metrics['epoch']}/{epochs}  loss {metrics['loss']:.4f}  "
            f"acc {metrics['accuracy']:.4f}  val_loss {metrics['val_loss']:.4f}  "
            f"val_acc {metrics['val_accuracy']:.4f}"))

    return echo
