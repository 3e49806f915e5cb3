"""mnist_core.training.runner: one stored run carried to its final state."""

import sqlite3

import pytest

from mnist_core.models import config
from mnist_core.store import Registry
from mnist_core.training import runner


@pytest.fixture
def registry(lab_home) -> Registry:
    return Registry()


def running_run(registry, run_config: config.RunConfig | dict) -> str:
    raw = run_config if isinstance(run_config, dict) else run_config.to_dict()
    return registry.create(config=raw, model="mlp", workspace="alice", seed=0,
                           command="test", state="running", pid=1)


def tiny(**training) -> config.RunConfig:
    return config.RunConfig(training=config.TrainConfig(
        **{"epochs": 1, "train_size": 512, **training}))


def test_a_finished_run_is_recorded_and_its_model_kept(registry, tiny_mnist):
    run_id = running_run(registry, tiny(epochs=2))
    heard = []

    run = runner.execute(registry, run_id, tiny_mnist, echo=lambda *report: heard.append(report))

    assert run.state == "done" and run.error is None
    assert run.progress == 1.0
    assert run.params == 784 * 64 + 64 + 64 * 64 + 64 + 64 * 10 + 10
    assert [entry["epoch"] for entry in run.history] == [1, 2]
    assert run.val_accuracy == run.history[-1]["val_accuracy"]
    assert 0 <= run.test_accuracy <= 1 and run.test_loss > 0
    assert run.seconds > 0 and run.finished_at is not None
    assert set(run.versions) == {"tensorflow", "keras", "numpy"}
    assert [metrics["epoch"] for _, metrics in heard if metrics] == [1, 2]
    assert registry.load_model(run_id).count_params() == run.params


def test_cancel_keeps_the_progress_reached(registry, tiny_mnist):
    run_id = running_run(registry, tiny(epochs=50, batch_size=32))

    def cancel_after_the_first_epoch(fraction, metrics):
        if metrics:
            registry.request_cancel(run_id)

    run = runner.execute(registry, run_id, tiny_mnist, echo=cancel_after_the_first_epoch)

    assert run.state == "cancelled"
    assert 1 <= len(run.history) < 50
    assert 0 < run.progress < 1
    assert run.test_accuracy is None
    assert "cancel" in run.error
    assert not registry.model_path(run_id).exists()


def test_divergence_is_explained(registry, tiny_mnist):
    run = runner.execute(registry, running_run(registry, tiny(learning_rate=1e4, epochs=3)),
                         tiny_mnist)

    assert run.state == "diverged"
    assert "learning rate" in run.error
    assert not registry.model_path(run.run_id).exists()


def test_a_damaged_config_fails_rather_than_training_the_defaults(registry, tiny_mnist):
    run_id = running_run(registry, tiny(epochs=1))
    with sqlite3.connect(registry.path) as connection:
        connection.execute("UPDATE runs SET config = '{\"model\": {' WHERE run_id = ?",
                           (run_id,))

    run = runner.execute(registry, run_id, tiny_mnist)

    assert run.state == "failed"
    assert "not valid JSON" in run.error
    assert not registry.model_path(run_id).exists()


def test_a_bad_stored_config_fails_the_run_with_the_reason(registry, tiny_mnist, capsys):
    run_id = running_run(registry, {"model": {"hidden_units": [0]}})

    run = runner.execute(registry, run_id, tiny_mnist)

    assert run.state == "failed"
    assert "hidden layer 1" in run.error and run.finished_at is not None
    assert "Traceback" in capsys.readouterr().err  # the whole story, for the worker's log
