"""The training replay's snapshots: which epochs, what each holds, checked against the model
and NumPy; bounded for a long run; stored, damaged and hostile files; the numbers unchanged."""

import dataclasses

import keras
import numpy as np
import pytest

from mnist_core import data
from mnist_core.evaluate import inference
from mnist_core.models import cnn, config, first_layer, kinds
from mnist_core.store import Registry, RunError, archive
from mnist_core.store.snapshot_files import NO_CONFUSION
from mnist_core.training import loop, runner, snapshots


@pytest.fixture
def registry(lab_home) -> Registry:
    return Registry()


def run_config(kind: str = "mlp", **training) -> config.RunConfig:
    model = config.MlpConfig(hidden_units=(32,)) if kind == "mlp" else cnn.FAST.model
    return config.RunConfig(model=model, training=config.TrainConfig(
        **{"epochs": 3, "train_size": 400, **training}))


def trained(registry, run_config, mnist) -> str:
    run_id = runner.start(registry, run_config, "alice")
    assert runner.execute(registry, run_id, mnist).state == "done"
    return run_id


def test_a_short_run_keeps_every_epoch_a_long_one_twenty_evenly_spaced():
    assert snapshots.kept_epochs(7) == set(range(1, 8))
    kept = sorted(snapshots.kept_epochs(50))
    assert len(kept) == 20 and kept[-1] == 50 and kept[0] == 2
    assert set(np.diff(kept)) <= {2, 3}  # 50 / 20 = 2.5 epochs apart


def test_the_probe_digits_are_the_same_for_every_run_five_of_each(tiny_mnist):
    val = data.split(tiny_mnist).y_val
    assert np.array_equal(snapshots.probe_indices(val),
                          snapshots.probe_indices(data.split(tiny_mnist, train_size=100).y_val))
    assert np.bincount(val[snapshots.probe_indices(val)], minlength=10).tolist() == [5] * 10


def test_each_frame_holds_what_the_model_was_then(registry, tiny_mnist):
    run_id = trained(registry, run_config(), tiny_mnist)
    run, replay = registry.get(run_id), registry.load_snapshots(run_id)
    model = registry.load_model(run_id)
    splits = data.split(tiny_mnist, 400)

    assert replay.epochs.tolist() == [0, 1, 2, 3]
    assert (replay.confusion[0] == NO_CONFUSION).all()  # no validation pass before training
    for frame, epoch in enumerate(run.history, start=1):
        counts = replay.confusion[frame]
        assert counts.sum() == len(splits.y_val)
        # Keras's own accuracy metric, from the same pass, against the matrix's diagonal.
        assert np.trace(counts) / counts.sum() == pytest.approx(epoch["val_accuracy"], abs=1e-6)
    assert counts.sum(axis=1).tolist() == np.bincount(splits.y_val, minlength=10).tolist()
    # The last frame is the saved model: its first 16 units' weights, its probe answers.
    np.testing.assert_allclose(replay.first_layer[-1],
                               first_layer.dense_unit_images(model)[:16], atol=1e-3)
    probes = splits.x_val[snapshots.probe_indices(splits.y_val)]
    assert np.array_equal(replay.probe_images, probes)
    np.testing.assert_allclose(replay.probe_probabilities[-1], inference.predict(model, probes),
                               atol=2e-3)
    assert not np.allclose(replay.first_layer[0], replay.first_layer[-1], atol=1e-3)


def test_a_cnn_keeps_its_first_filters(registry, tiny_mnist):
    run_id = trained(registry, run_config("cnn", epochs=1, train_size=200), tiny_mnist)
    replay = registry.load_snapshots(run_id)
    conv = next(layer for layer in registry.load_model(run_id).layers
                if isinstance(layer, keras.layers.Conv2D))
    kernel = np.asarray(conv.kernel)  # (3, 3, 1, filters)
    assert replay.first_layer.shape == (2, kernel.shape[-1], 3, 3)
    np.testing.assert_allclose(replay.first_layer[-1], np.moveaxis(kernel[:, :, 0], -1, 0),
                               atol=1e-3)


def test_fifty_epochs_of_the_default_mlp_stay_small(registry, tiny_mnist):
    default = config.RunConfig(training=config.TrainConfig(epochs=50, train_size=128))
    run_id = trained(registry, default, tiny_mnist)
    assert len(registry.load_snapshots(run_id)) == 21
    assert registry.snapshots_path(run_id).stat().st_size < 1_000_000


def test_taking_snapshots_changes_no_number_and_the_model_loads_in_plain_keras(tiny_mnist,
                                                                              tmp_path):
    splits, training = data.split(tiny_mnist, 300), run_config(epochs=2).training
    frames = []
    results = [loop.fit(kinds.build(run_config().model, 0), splits, training, hooks)
               for hooks in (loop.Hooks(), loop.Hooks(on_snapshot=frames.append))]
    assert results[0].history == results[1].history
    assert results[0].test_accuracy == results[1].test_accuracy
    assert [len(frame) for frame in frames] == [1, 2, 3]

    model = kinds.build(run_config().model, 0)
    loop.fit(model, splits, dataclasses.replace(training, epochs=1),
             loop.Hooks(on_snapshot=frames.append))
    model.save(tmp_path / "m.keras")  # no custom metric in it: loads with Keras alone
    assert keras.saving.load_model(tmp_path / "m.keras").compiled


def test_a_run_stored_before_snapshots_has_none_and_a_damaged_file_fails_alone(registry,
                                                                             tiny_mnist):
    run_id = trained(registry, run_config(epochs=1), tiny_mnist)
    path = registry.snapshots_path(run_id)
    content = path.read_bytes()
    path.write_bytes(content[:len(content) // 2])
    with pytest.raises(RunError, match="replay file .* is damaged"):
        registry.load_snapshots(run_id)
    np.savez(path, epochs=np.array([object()], dtype=object))  # a pickle: never loaded
    with pytest.raises(RunError, match="damaged"):
        registry.load_snapshots(run_id)
    path.unlink()
    assert registry.load_snapshots(run_id) is None
    assert registry.get(run_id).state == "done"


def test_a_workspace_zip_carries_the_replay(registry, tiny_mnist, tmp_path):
    run_id = trained(registry, run_config(epochs=1), tiny_mnist)
    archive.export_workspace(registry, "alice", tmp_path / "alice.zip")
    other = Registry(tmp_path / "other_home")
    archive.import_workspace(other, tmp_path / "alice.zip")
    copied = other.load_snapshots(run_id)
    assert np.array_equal(copied.first_layer, registry.load_snapshots(run_id).first_layer)
