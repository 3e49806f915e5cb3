"""`python -m mnist_core`: the lab's engine from a terminal (info, train, runs, delete).

With --json, a command's last line on stdout is one JSON object; its keys are stable.
"""

import argparse
import json
import os
import sys
import time

from mnist_core import architecture, config, data, jobs
from mnist_core.registry import LECTURE_WORKSPACE, Registry, RunError


class _Parser(argparse.ArgumentParser):
    """Bad flags: one line on stderr and exit status 2, never a usage dump or traceback."""

    def error(self, message):
        self.exit(2, f"{self.prog}: error: {message}\n")


def _hidden_units(text: str) -> tuple[int, ...]:
    try:
        return tuple(int(part) for part in text.split(","))
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"--hidden takes whole numbers separated by commas, e.g. 64,64; got {text!r}"
        ) from None


def _train_size(text: str) -> int | None:
    if text == "all":
        return None
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"--train-size takes a number or 'all', got {text!r}") \
            from None


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m mnist_core", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    info = commands.add_parser("info", help="where the data come from, shapes, label counts")
    info.add_argument("--json", action="store_true")

    train = commands.add_parser("train", help="train a model in the foreground and store it")
    kinds = train.add_subparsers(dest="model", required=True, parser_class=_Parser)
    mlp = kinds.add_parser("mlp", help="a dense network")
    defaults_model, defaults_training = config.MlpConfig(), config.TrainConfig()
    mlp.add_argument("--hidden", type=_hidden_units, default=defaults_model.hidden_units)
    mlp.add_argument("--activation", default=defaults_model.activation)
    mlp.add_argument("--l2", type=float, default=defaults_model.l2)
    mlp.add_argument("--dropout", type=float, default=defaults_model.dropout)
    mlp.add_argument("--optimizer", default=defaults_training.optimizer)
    mlp.add_argument("--learning-rate", type=float, default=defaults_training.learning_rate)
    mlp.add_argument("--batch-size", type=int, default=defaults_training.batch_size)
    mlp.add_argument("--epochs", type=int, default=defaults_training.epochs)
    mlp.add_argument("--train-size", type=_train_size, default=None)
    mlp.add_argument("--seed", type=int, default=defaults_training.seed)
    mlp.add_argument("--workspace", default=LECTURE_WORKSPACE)
    mlp.add_argument("--json", action="store_true")

    runs = commands.add_parser("runs", help="list stored runs")
    runs.add_argument("--workspace", default=None)
    runs.add_argument("--json", action="store_true")

    delete = commands.add_parser("delete", help="delete a stored run and its model file")
    delete.add_argument("run_id")
    return parser


def main(argv: list[str] | None = None) -> int:
    arguments = build_parser().parse_args(argv)
    handler = {"info": _info, "train": _train, "runs": _runs, "delete": _delete}
    try:
        return handler[arguments.command](arguments)
    except (ValueError, RunError) as error:
        print(f"python -m mnist_core: error: {error}", file=sys.stderr)
        return 2


def _emit(result: dict, as_json: bool, text: str) -> None:
    print(json.dumps(result) if as_json else text)


def _info(arguments) -> int:
    mnist = data.load_mnist()
    summary = data.describe(mnist)
    counts = summary["label_counts"]
    text = "\n".join([
        f"source: {summary['source']}" + ("  (SUBSET: 5,000 digits)" if mnist.is_subset else ""),
        f"train images: {summary['train_images']} (of which {summary['validation_images']} "
        f"held out for validation), shape {mnist.x_train.shape}, {mnist.x_train.dtype}",
        f"test images:  {summary['test_images']}, shape {mnist.x_test.shape}",
        "label counts, digits 0-9:",
        f"  train {counts['train']}",
        f"  test  {counts['test']}",
        *[f"rejected: {problem}" for problem in mnist.problems],
    ])
    _emit(summary, arguments.json, text)
    return 0


def _train(arguments) -> int:
    run_config = config.validate(config.RunConfig(
        model=config.MlpConfig(hidden_units=arguments.hidden, activation=arguments.activation,
                               l2=arguments.l2, dropout=arguments.dropout),
        training=config.TrainConfig(
            optimizer=arguments.optimizer, learning_rate=arguments.learning_rate,
            batch_size=arguments.batch_size, epochs=arguments.epochs,
            train_size=arguments.train_size, seed=arguments.seed),
    ))
    jobs.check_workspace(arguments.workspace)  # before TensorFlow: a typo fails at once
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    from mnist_core import runner  # imports TensorFlow

    mnist = data.load_mnist()
    registry = Registry()
    run_id = registry.create(
        config=run_config.to_dict(), model=run_config.model.kind, workspace=arguments.workspace,
        seed=run_config.training.seed, command=config.command_line(run_config),
        state="running", pid=os.getpid(), params=architecture.parameter_count(run_config.model))
    print(f"run {run_id} on {mnist.source}", file=sys.stderr)
    run = runner.execute(registry, run_id, mnist, echo=_ProgressBar(run_config.training.epochs))
    result = {
        "run_id": run.run_id, "status": run.state, "test_accuracy": run.test_accuracy,
        "test_loss": run.test_loss, "val_accuracy": run.val_accuracy, "params": run.params,
        "seconds": run.seconds, "workspace": run.workspace, "error": run.error,
    }
    # A failed run has no accuracy and no duration: print a dash rather than crash on None.
    text = (f"run {run.run_id}: {run.state}, test accuracy {_or_dash(run.test_accuracy, '.4f')}, "
            f"{_or_dash(run.params, ',')} parameters, {_or_dash(run.seconds, '.1f')} s")
    _emit(result, arguments.json, text if run.state == "done" else f"{text}\n{run.error}")
    return 0 if run.state == "done" else 1


def _or_dash(value, spec: str) -> str:
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


def _runs(arguments) -> int:
    registry = Registry()
    runs = registry.runs(workspace=arguments.workspace)
    rows = [{"run_id": run.run_id, "kind": run.kind, "model": run.model, "status": run.state,
             "test_accuracy": run.test_accuracy, "created_at": run.created_at,
             "workspace": run.workspace} for run in runs]
    text = "\n".join(
        f"{run.run_id}  {run.model:4}  {run.state:11}  "
        f"{_or_dash(run.test_accuracy, '.4f'):8}"
        f"  {run.workspace}" for run in runs) or "no runs yet"
    _emit({"runs": rows}, arguments.json, text)
    return 0


def _delete(arguments) -> int:
    Registry().delete(arguments.run_id)
    print(f"deleted run {arguments.run_id}")
    return 0
