"""`python -m mnist_core sweep`: an L2 sweep in the foreground, or `--resume SWEEP_ID`.

With --json the last line on stdout is one JSON object (sweep.cli_result's keys).
"""

import argparse
import json
import os
import sys

from mnist_core import data, jobs, sweep
from mnist_core.cli.executor_flag import add_executor_flag, trainers
from mnist_core.cli.progress import ProgressBar
from mnist_core.models.reproduce import number_list, train_size
from mnist_core.store import LECTURE_WORKSPACE, Registry
from mnist_core.sweep.spec import HINTON_ACCURACY, SweepSpec, parse_factors, validate

# Flags that define a new sweep; --resume keeps the stored spec, so it takes none of them.
SPEC_FLAGS = {"hidden": "hidden_units", "factors": "factors", "replicates": "replicates",
              "epochs": "epochs", "train_size": "train_size", "learning_rate": "learning_rate",
              "batch_size": "batch_size", "seed": "seed"}


def _factors(text: str) -> tuple[float, ...]:
    try:
        return parse_factors(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def add_sweep_parser(subparsers) -> None:
    """Register `sweep` on the CLI's subparsers (whose parser_class it inherits)."""
    parser = subparsers.add_parser(
        "sweep", help="L2 sweep: factors × replicates of one MLP (defaults: the assignment's)")
    parser.add_argument("--hidden", type=number_list, default=None, help="default 500,300")
    parser.add_argument("--factors", type=_factors, default=None,
                        help="linspace:MIN:MAX:N, logspace:MIN:MAX:N or a comma list "
                             "(default linspace:1e-6:1e-3:5)")
    parser.add_argument("--replicates", type=int, default=None, help="default 3")
    parser.add_argument("--epochs", type=int, default=None, help="default 40")
    parser.add_argument("--train-size", type=train_size, default=None, help="default all")
    parser.add_argument("--learning-rate", type=float, default=None, help="default 0.1")
    parser.add_argument("--batch-size", type=int, default=None, help="default 128")
    parser.add_argument("--seed", type=int, default=None,
                        help="replicate r trains with seed+r for every factor (default 0)")
    parser.add_argument("--save-models", action="store_true",
                        help="keep a .keras file per network (about 2 MB each for 500-300)")
    parser.add_argument("--workspace", default=LECTURE_WORKSPACE)
    parser.add_argument("--resume", metavar="SWEEP_ID", default=None,
                        help="train only the missing networks of a stopped sweep")
    add_executor_flag(parser)
    parser.add_argument("--json", action="store_true")


def spec_from_arguments(arguments) -> SweepSpec:
    given = {field: getattr(arguments, flag) for flag, field in SPEC_FLAGS.items()
             if getattr(arguments, flag) is not None}
    return validate(SweepSpec(**given, save_models=arguments.save_models))


def run_sweep_command(arguments) -> int:
    """Run (or resume) a sweep in the foreground; 0 when it finished, 1 when it stopped."""
    registry = Registry()
    if arguments.resume:
        extra = [flag for flag in SPEC_FLAGS if getattr(arguments, flag) is not None]
        if extra or arguments.save_models:
            raise ValueError("--resume keeps the sweep's stored spec; drop "
                             + ", ".join(f"--{flag.replace('_', '-')}" for flag in extra
                                         or ["save_models"]))
        sweep_id = registry.get_sweep(arguments.resume).sweep_id  # unknown id: RunError
    else:
        spec = spec_from_arguments(arguments)
        jobs.check_workspace(arguments.workspace)  # before TensorFlow: a typo fails at once
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    mnist = data.load_mnist()
    with trainers(arguments.executor, mnist) as trainer:
        if not arguments.resume:
            sweep_id = sweep.start(registry, spec, arguments.workspace)
        stored = registry.get_sweep(sweep_id)
        missing = len(sweep.missing_tasks(SweepSpec.from_dict(stored.spec),
                                          registry.sweep_members(sweep_id)))
        print(f"sweep {sweep_id}: {missing} of {stored.tasks_total} networks to train on "
              f"{mnist.source} ({trainer.name})", file=sys.stderr)
        bar = ProgressBar()
        sweep.run(registry, sweep_id, mnist, echo=bar,
                  executor=trainer.sweep_executor(sweep_id))
        bar.end()
    result = {**sweep.cli_result(registry, sweep_id), "executor": trainer.name}
    print(json.dumps(result) if arguments.json else result_text(result))
    return 0 if result["status"] == "done" else 1


def result_text(result: dict) -> str:
    """The per-factor table a terminal shows."""
    lines = [f"sweep {result['sweep_id']}: {result['status']} after "
             f"{_number(result['seconds'], '.0f')} s; mean ± std over replicates "
             f"(ddof={result['std_ddof']})",
             f"{'L2 factor':>12}  {'validation':>17}  {'test':>17}  {'train-test':>10}  "
             f"{'|W| hidden':>10}  done  diverged"]
    for index, factor in enumerate(result["factors"]):
        lines.append(
            f"{factor:12.6g}  "
            f"{_pair(result['val_mean_accuracy'][index], result['val_std_accuracy'][index])}  "
            f"{_pair(result['mean_accuracy'][index], result['std_accuracy'][index])}  "
            f"{_number(result['train_test_gap'][index], '+10.4f'):>10}  "
            f"{_number(result['kernel_norm'][index], '10.2f'):>10}  "
            f"{result['finished'][index]:4}  {result['diverged'][index]:8}")
    if result["best_factor"] is not None:
        lines.append(f"best factor on validation: {result['best_factor']:.6g}, its test "
                     f"accuracy {result['best_mean_accuracy']:.4f} (Hinton: {HINTON_ACCURACY})")
    if result["error"]:
        lines.append(result["error"])
    return "\n".join(lines)


def _pair(mean, std) -> str:
    return f"{_number(mean, '.4f')} ± {_number(std, '.4f')}".rjust(17)


def _number(value, spec: str) -> str:
    return "-" if value is None else format(value, spec)
