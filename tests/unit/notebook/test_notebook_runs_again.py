"""`export-notebook` from the CLI, and the exported notebook of a real run executed in a fresh
Jupyter kernel: it must end with exactly the run's recorded accuracies."""

import json

import nbclient
import nbformat
import numpy as np
import pytest

from mnist_core import cli
from mnist_core.store import Registry
from tests.unit.stored_runs import add_finished_run

KERNEL_TIMEOUT_SECONDS = 240


def last_json_line(capsys) -> dict:
    return json.loads(capsys.readouterr().out.strip().splitlines()[-1])


def test_a_tiny_runs_notebook_reaches_exactly_its_accuracies(tiny_mnist, tmp_path, monkeypatch,
                                                             capsys):
    trained_the_same(tiny_mnist, tmp_path, monkeypatch, capsys,
                     ["mlp", "--epochs", "1", "--train-size", "1000"])


@pytest.mark.slow
@pytest.mark.parametrize("flags", [
    # Batch norm, dropout, Adam with warm-up and cosine decay, augmentation, bfloat16.
    ["cnn", "--preset", "fast", "--augment", "--precision", "mixed_bfloat16", "--epochs", "2"],
    # L2, dropout, RMSprop, the plateau callback, another seed.
    ["mlp", "--hidden", "32,16", "--activation", "tanh", "--l2", "0.001", "--dropout", "0.2",
     "--optimizer", "rmsprop", "--learning-rate", "0.001", "--schedule", "reduce_on_plateau",
     "--epochs", "3", "--seed", "5"],
], ids=["cnn", "mlp"])
def test_every_option_s_notebook_reaches_exactly_its_accuracies(tiny_mnist, tmp_path,
                                                                monkeypatch, capsys, flags):
    trained_the_same(tiny_mnist, tmp_path, monkeypatch, capsys, [*flags, "--train-size", "1000"])


def trained_the_same(mnist, tmp_path, monkeypatch, capsys, train_flags):
    """Train through the engine, export, execute the notebook; the same accuracies, exactly."""
    # The engine and the kernel read the same file: this works where only the 5,000-digit
    # subset exists, and the notebook cannot fall back to a subset it does not know.
    npz = tmp_path / "mnist.npz"
    np.savez(npz, x_train=mnist.x_train, y_train=mnist.y_train, x_test=mnist.x_test,
             y_test=mnist.y_test)
    monkeypatch.setenv("MNIST_NPZ", str(npz))
    assert cli.main(["train", *train_flags, "--json"]) == 0
    trained = last_json_line(capsys)
    assert cli.main(["export-notebook", trained["run_id"], str(tmp_path / "run.ipynb"),
                     "--json"]) == 0
    exported = last_json_line(capsys)

    executed = nbformat.read(exported["path"], as_version=4)
    # A fresh kernel, as a student's: it inherits MNIST_NPZ and this test's empty KERAS_HOME.
    nbclient.NotebookClient(executed, timeout=KERNEL_TIMEOUT_SECONDS, kernel_name="python3",
                            resources={"metadata": {"path": str(tmp_path)}}).execute()

    printed = "".join(output.get("text", "") for output in executed.cells[-1].outputs)
    ours = json.loads(printed.strip().splitlines()[-1])
    # Exact: the same split, seeds, initialisers, shuffle and arithmetic, in the same order.
    assert ours == {"val_accuracy": trained["val_accuracy"],
                    "test_accuracy": trained["test_accuracy"]}
    assert exported == {"path": str(tmp_path / "run.ipynb"), "run_id": trained["run_id"],
                        "cells": len(executed.cells)}


def test_export_notebook_errors_are_one_line_and_exit_status_2(tmp_path, capsys):
    registry = Registry()
    done = add_finished_run(registry)
    running = registry.create(config={}, model="mlp", workspace="alice", seed=0, command="",
                              state="running")
    cases = {
        "no run 'nope'": ["nope", str(tmp_path / "a.ipynb")],
        "is running": [running, str(tmp_path / "b.ipynb")],
        "cannot write the notebook": [done, str(tmp_path / "missing" / "c.ipynb")],
    }
    for message, arguments in cases.items():
        assert cli.main(["export-notebook", *arguments]) == 2
        error = capsys.readouterr().err
        assert message in error and len(error.strip().splitlines()) == 1, error


@pytest.mark.parametrize("as_json", [False, True])
def test_export_notebook_prints_where_it_wrote(tmp_path, capsys, as_json):
    run_id = add_finished_run(Registry())
    target = tmp_path / "run.ipynb"

    assert cli.main(["export-notebook", run_id, str(target), *(["--json"] * as_json)]) == 0

    output = capsys.readouterr().out
    cells = len(nbformat.read(target, as_version=4).cells)
    if as_json:
        assert json.loads(output.strip().splitlines()[-1]) == {
            "path": str(target), "run_id": run_id, "cells": cells}
    else:
        assert str(target) in output and run_id in output
