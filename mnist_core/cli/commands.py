"""`python -m mnist_core`: the lab's engine from a terminal (info, train, sweep, lecture
prepare, predict, runs, delete, repair, export, import, workspace key, export-notebook).

With --json, a command's last line on stdout is one JSON object; its keys are stable.
"""

import argparse
import json
import os
import sys

from mnist_core import data, jobs, store
from mnist_core.cli import (
    lecture_command,
    notebook_command,
    run_list,
    sweep_command,
    train_command,
    workspace_command,
)
from mnist_core.store import TERMINAL, Registry, RunError


class _Parser(argparse.ArgumentParser):
    """Bad flags: one line on stderr and exit status 2, never a usage dump or traceback."""

    def error(self, message):
        self.exit(2, f"{self.prog}: error: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m mnist_core", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    info = commands.add_parser("info", help="where the data come from, shapes, label counts")
    info.add_argument("--json", action="store_true")

    train_command.add_train_parser(commands, _Parser)
    sweep_command.add_sweep_parser(commands)
    lecture_command.add_lecture_parser(commands, _Parser)
    workspace_command.add_workspace_parsers(commands)
    notebook_command.add_notebook_parser(commands)

    runs = commands.add_parser("runs", help="list stored runs")
    runs.add_argument("--workspace", default=None)
    runs.add_argument("--json", action="store_true")

    predict = commands.add_parser("predict", help="classify image files with stored models")
    predict.add_argument("images", nargs="+", help="PNG or JPEG files, either ink polarity")
    which = predict.add_mutually_exclusive_group()
    which.add_argument("--run", dest="run_ids", action="append", metavar="RUN_ID",
                       help="a stored run (repeatable); default: the newest finished run")
    which.add_argument("--all", action="store_true", help="every finished run")
    predict.add_argument("--json", action="store_true")

    delete = commands.add_parser("delete", help="delete a stored run and its model file")
    delete.add_argument("run_id")

    repair = commands.add_parser(
        "repair", help="rebuild the run index from the run files (after damage or loss)")
    repair.add_argument("--json", action="store_true")
    return parser


def main(argv: list[str] | None = None) -> int:
    arguments = build_parser().parse_args(argv)
    handler = {"info": _info, "train": _train, "runs": _runs, "delete": _delete,
               "predict": _predict, "sweep": sweep_command.run_sweep_command,
               "lecture": lecture_command.prepare_command,
               "repair": _repair, "export": workspace_command.export_command,
               "import": workspace_command.import_command,
               "workspace": workspace_command.key_command,
               "export-notebook": notebook_command.export_notebook_command}
    try:
        return handler[arguments.command](arguments)
    except (ValueError, RunError, ConnectionError) as error:  # UploadError is a ValueError;
        print(f"python -m mnist_core: error: {error}", file=sys.stderr)  # a cluster not there
        return 2
    except KeyboardInterrupt:  # the run or sweep is already recorded as cancelled
        print("\npython -m mnist_core: stopped from the keyboard", file=sys.stderr)
        return 130


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
    return train_command.train_command(arguments, _emit)


def _runs(arguments) -> int:
    registry = Registry()
    registry.mark_interrupted(jobs.is_process_alive)  # never list a dead run as running
    runs = registry.runs(workspace=arguments.workspace)
    text = "\n".join(run_list.run_line(run) for run in runs) or "no runs yet"
    _emit({"runs": [run_list.run_row(run) for run in runs]}, arguments.json, text)
    return 0


def _predict(arguments) -> int:
    registry = Registry()
    run_ids = arguments.run_ids
    if not run_ids:
        finished = [run.run_id for run in registry.runs(states=("done",))]
        if not finished:
            raise ValueError("no finished run to predict with: train one first "
                             "(python -m mnist_core train mlp)")
        run_ids = finished if arguments.all else finished[:1]
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    from mnist_core.evaluate import inference  # predicting imports TensorFlow

    rows = inference.predict_files(arguments.images, run_ids, registry)
    text = "\n".join(f"{row['image']}  {row['run_id']}  " + (
        f"error: {row['error']}" if row["error"] else
        f"{row['label']}  ({max(row['probabilities']):.0%})") for row in rows)
    _emit({"results": rows}, arguments.json, text)
    return 0 if any(row["error"] is None for row in rows) else 2  # 2: no model answered


def _repair(arguments) -> int:
    report = store.repair(store.lab_home(), jobs.is_process_alive)
    lines = [f"rebuilt the index from the run files: {report.recovered} runs and sweeps "
             "recovered",
             *[f"skipped {item['path']}: {item['reason']}" for item in report.skipped]]
    if report.moved_aside:
        lines.append(f"the old index was kept as {report.moved_aside}")
    _emit(report.to_json(), arguments.json, "\n".join(lines))
    return 0


def _delete(arguments) -> int:
    registry = Registry()
    registry.mark_interrupted(jobs.is_process_alive)  # a row whose process died is not active
    run = registry.get(arguments.run_id)
    if run.is_active:  # as on the pages: its worker would go on writing to a deleted run
        raise RunError(f"run {run.run_id} is {run.state}: cancel it on its page (or press "
                       "Ctrl-C in the terminal that trains it) before deleting it")
    if run.kind == "sweep":  # its networks go with it
        registry.delete_sweep(arguments.run_id, TERMINAL)
    else:
        registry.delete(arguments.run_id, TERMINAL)
    print(f"deleted run {arguments.run_id}")
    return 0
