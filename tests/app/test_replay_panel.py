"""AppTest of the training replay on the MLP page: each stored epoch's snapshot read back,
Play from the end starts over, a run without snapshots offers to train again, live frames."""

import os
import shutil
from pathlib import Path

import numpy as np
import pytest
from pages_helpers import open_page, page_path

from mnist_core.models import config
from mnist_core.store import Registry
from mnist_core.training import runner

PAGE = page_path("2_MLP.py")
TINY = config.RunConfig(model=config.MlpConfig(hidden_units=(16,)),
                        training=config.TrainConfig(epochs=3, train_size=300))


@pytest.fixture(scope="module")
def trained_home(tiny_mnist, tmp_path_factory):
    """One run trained for the whole module, in a home of its own."""
    registry = Registry(tmp_path_factory.mktemp("trained_home"))
    run_id = runner.start(registry, TINY, "alice")
    assert runner.execute(registry, run_id, tiny_mnist).state == "done"
    return registry.run_dir(run_id)


@pytest.fixture
def trained_run(trained_home, lab_home) -> str:
    """That run's folder copied into this test's home: opening it builds the index from it."""
    shutil.copytree(trained_home, Path(lab_home) / "runs" / trained_home.name)
    return trained_home.name


def page_showing(run_id: str):
    app = open_page(PAGE)
    app.query_params["workspace"] = "alice"
    app.session_state["mlp_run_id"] = run_id
    return app.run()


def metrics(app) -> dict[str, str]:
    return {metric.label: metric.value for metric in app.metric}


def test_each_stored_epoch_shows_its_own_snapshot(trained_run):
    replay = Registry().load_snapshots(trained_run)
    app = page_showing(trained_run)
    assert not app.exception
    slider = app.select_slider(key=f"replay_frame_{trained_run}")
    assert slider.value == len(replay) - 1  # a finished run opens on its last epoch

    for frame in range(len(replay)):
        slider.set_value(frame)
        app.run()
        right = int((replay.probe_probabilities[frame].argmax(axis=1)
                     == replay.probe_labels).sum())
        shown = metrics(app)
        assert shown["Epoch"] == str(replay.epochs[frame])
        assert shown["Probe digits right"] == f"{right}/50"
        if frame == 0:
            assert shown["Validation accuracy"] == "–"
        else:
            counts = replay.confusion[frame]
            assert shown["Validation accuracy"] == f"{np.trace(counts) / counts.sum():.2%}"
            epoch = Registry().get(trained_run).history[frame - 1]
            assert shown["Validation accuracy"] == f"{epoch['val_accuracy']:.2%}"
        slider = app.select_slider(key=f"replay_frame_{trained_run}")


def test_play_at_the_end_starts_over(trained_run):
    app = page_showing(trained_run)
    app.toggle(key=f"replay_play_{trained_run}").set_value(True).run()
    assert not app.exception
    # Epoch 0 first (the fragment's timer, which steps on, does not tick in AppTest).
    assert app.select_slider(key=f"replay_frame_{trained_run}").value == 0
    assert metrics(app)["Epoch"] == "0"


def test_a_run_without_snapshots_says_so_and_trains_the_same_settings_again(trained_run):
    registry = Registry()
    registry.snapshots_path(trained_run).unlink()
    app = page_showing(trained_run)
    assert any("before the lab kept a replay" in info.value for info in app.info)
    next(button for button in app.button
         if button.label == "Train the same settings again").click().run()
    assert not app.exception
    runs = registry.runs()
    assert len(runs) == 2
    assert runs[0].config == runs[1].config and runs[0].run_id != runs[1].run_id


def test_a_damaged_replay_fails_alone(trained_run):
    Registry().snapshots_path(trained_run).write_bytes(b"not an archive")
    app = page_showing(trained_run)
    assert not app.exception
    assert any("replay file" in error.value for error in app.error)
    assert any(metric.label == "Test accuracy" for metric in app.metric)


def test_a_running_run_shows_its_newest_frame(trained_run):
    registry = Registry()
    running = registry.create(config=TINY.to_dict(), model="mlp", workspace="alice", seed=0,
                              command="test", state="running", pid=os.getpid())
    registry.save_snapshots(running, registry.load_snapshots(trained_run))
    app = page_showing(running)
    assert not app.exception
    assert any("Learning so far" in markdown.value for markdown in app.markdown)
    assert metrics(app)["Epoch"] == "3"
