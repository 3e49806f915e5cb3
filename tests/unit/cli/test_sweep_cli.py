"""Flags -> a foreground sweep; the last stdout line is one JSON object."""

import argparse
import json

import pytest

from mnist_core.cli import sweep_command
from mnist_core.store import Registry, RunError

TINY_FLAGS = ["--hidden", "8", "--factors", "1e-4,1e-3", "--replicates", "1", "--epochs", "1",
              "--train-size", "200", "--workspace", "alice"]


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m mnist_core")
    sweep_command.add_sweep_parser(parser.add_subparsers(dest="command", required=True))
    return parser.parse_args(["sweep", *argv])


def last_json(capsys) -> dict:
    return json.loads(capsys.readouterr().out.strip().splitlines()[-1])


def test_defaults_are_the_assignments_sweep():
    spec = sweep_command.spec_from_arguments(parse([]))
    assert (spec.hidden_units, spec.replicates, spec.epochs, spec.batch_size) == (
        (500, 300), 3, 40, 128)
    assert len(spec.factors) == 5 and spec.train_size is None and spec.learning_rate == 0.1


def test_a_sweep_and_its_resume_print_the_same_result(capsys):
    assert sweep_command.run_sweep_command(parse([*TINY_FLAGS, "--json"])) == 0
    result = last_json(capsys)

    assert result["status"] == "done" and result["factors"] == [1e-4, 1e-3]
    for key in ("mean_accuracy", "std_accuracy", "val_mean_accuracy"):
        assert len(result[key]) == 2
    assert result["std_accuracy"] == [None, None]  # one replicate: no spread to show
    assert result["best_factor"] in (1e-4, 1e-3) and 0 <= result["best_mean_accuracy"] <= 1
    assert result["seconds"] > 0

    assert sweep_command.run_sweep_command(parse(["--resume", result["sweep_id"], "--json"])) == 0
    again = last_json(capsys)
    assert again["mean_accuracy"] == result["mean_accuracy"]  # nothing was missing
    assert len(Registry().sweep_members(result["sweep_id"])) == 2

    assert sweep_command.run_sweep_command(parse(["--resume", result["sweep_id"]])) == 0
    assert "best factor on validation" in capsys.readouterr().out


def test_bad_factors_are_a_usage_error(capsys):
    with pytest.raises(SystemExit) as stop:
        parse(["--factors", "linspace:1:2"])
    assert stop.value.code == 2
    assert "write linspace:MIN:MAX:N" in capsys.readouterr().err


def test_resume_takes_no_spec_flags_and_needs_a_known_sweep():
    with pytest.raises(ValueError, match="--epochs"):
        sweep_command.run_sweep_command(parse(["--resume", "x", "--epochs", "3"]))
    with pytest.raises(RunError, match="no sweep 'x'"):
        sweep_command.run_sweep_command(parse(["--resume", "x"]))
