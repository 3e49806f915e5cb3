"""mnist_core.training.loop: a real model on a few hundred real digits, one or two epochs."""

import math
import threading

import numpy as np
import pytest

from mnist_core import data
from mnist_core.data import preprocess
from mnist_core.models import config, kinds, mlp
from mnist_core.training import loop

TINY_TRAINING = config.TrainConfig(epochs=2, batch_size=64, train_size=512, seed=3)


@pytest.fixture(scope="module")
def tiny_splits(tiny_mnist) -> data.Splits:
    return data.split(tiny_mnist, train_size=512)


def cross_entropy(model, images, labels) -> float:
    """Mean -log p(true digit), with NumPy on the model's predictions."""
    probabilities = model.predict(images.astype(np.float32) / 255, verbose=0)
    return float(-np.mean(np.log(probabilities[np.arange(len(labels)), labels])))


def train(splits, seed, model_config=None, **changes):
    model = mlp.build(model_config or config.MlpConfig(), seed=seed)
    settings = {**vars(TINY_TRAINING), "seed": seed, **changes}
    result = loop.fit(model, splits, config.TrainConfig(**settings))
    return model, result


def assert_same_weights(first, second):
    for mine, theirs in zip(first.get_weights(), second.get_weights(), strict=True):
        np.testing.assert_array_equal(mine, theirs)


def test_two_epochs_on_512_images_lower_the_loss(tiny_splits):
    assert len(tiny_splits.y_train) == 512
    model = mlp.build(config.MlpConfig(), seed=0)
    before = cross_entropy(model, tiny_splits.x_train, tiny_splits.y_train)

    result = loop.fit(model, tiny_splits, config.TrainConfig(epochs=2, train_size=512))

    after = cross_entropy(model, tiny_splits.x_train, tiny_splits.y_train)
    assert result.status == "done"
    assert [entry["epoch"] for entry in result.history] == [1, 2]
    assert after < before - 0.05, (before, after)
    assert result.history[1]["loss"] < result.history[0]["loss"]


def test_test_metrics_agree_with_numpy(tiny_splits):
    model, result = train(tiny_splits, seed=1, epochs=1)

    probabilities = model.predict(tiny_splits.x_test.astype(np.float32) / 255, verbose=0)
    accuracy = np.mean(probabilities.argmax(axis=1) == tiny_splits.y_test)
    assert result.test_accuracy == pytest.approx(accuracy, abs=1e-6)
    assert result.test_loss == pytest.approx(
        cross_entropy(model, tiny_splits.x_test, tiny_splits.y_test), rel=1e-3)
    assert result.seconds > 0


def test_same_seed_same_weights_even_with_another_run_alongside(tiny_splits):
    dropout = config.MlpConfig(dropout=0.2)  # dropout masks must be seeded too
    alone, _ = train(tiny_splits, seed=3, model_config=dropout)

    neighbour = {}
    other = threading.Thread(target=lambda: neighbour.update(
        result=train(tiny_splits, seed=11, model_config=config.MlpConfig(hidden_units=(32,)),
                     epochs=3)[1]))
    other.start()
    alongside, _ = train(tiny_splits, seed=3, model_config=dropout)
    other.join()

    assert neighbour["result"].status == "done"
    assert_same_weights(alone, alongside)


def test_different_seed_different_weights(tiny_splits):
    first, _ = train(tiny_splits, seed=3, epochs=1)
    second, _ = train(tiny_splits, seed=4, epochs=1)

    assert not np.array_equal(first.get_weights()[0], second.get_weights()[0])


# With some seeds the loss turns NaN; with 0 and 4 it explodes to ~1e28 and stays finite.
@pytest.mark.parametrize("seed", [0, 1, 4])
def test_huge_learning_rate_diverges_without_nan_in_history(tiny_splits, seed):
    model, result = train(tiny_splits, seed=seed, learning_rate=1e4, batch_size=128, epochs=5)

    assert result.status == "diverged"
    assert len(result.history) < 5
    assert all(math.isfinite(value) for entry in result.history for value in entry.values())
    assert result.test_accuracy is None and result.test_loss is None


def test_cancel_stops_early(tiny_splits):
    seen_epochs = []
    hooks = loop.Hooks(on_epoch_end=lambda epoch, metrics: seen_epochs.append(epoch),
                           should_cancel=lambda: len(seen_epochs) >= 1)
    model = mlp.build(config.MlpConfig(), seed=0)

    result = loop.fit(model, tiny_splits, config.TrainConfig(epochs=20, train_size=512),
                          hooks)

    assert result.status == "cancelled"
    assert 1 <= len(result.history) < 20
    assert seen_epochs == [entry["epoch"] for entry in result.history]
    assert result.test_accuracy is None


def test_hooks_hear_every_epoch_and_progress_up_to_one(tiny_splits):
    epochs, progress = [], []
    hooks = loop.Hooks(on_epoch_end=lambda epoch, metrics: epochs.append((epoch, metrics)),
                           on_progress=progress.append)
    model = mlp.build(config.MlpConfig(), seed=0)

    result = loop.fit(model, tiny_splits, config.TrainConfig(epochs=2, batch_size=128),
                          hooks, seconds_per_step=1.0)  # one step per call: a hook per batch

    assert [epoch for epoch, _ in epochs] == [1, 2]
    assert [metrics for _, metrics in epochs] == result.history
    assert set(result.history[0]) == {"epoch", "loss", "accuracy", "val_loss", "val_accuracy"}
    # 512 images in batches of 128: 4 steps per epoch, 8 in all.
    assert progress == pytest.approx([step / 8 for step in range(1, 9)])


@pytest.mark.parametrize(
    "seconds_per_step, expected",
    [(1.0, 1), (0.3, 1), (0.05, 4), (0.0001, loop.MAX_STEPS_PER_EXECUTION)],
)
def test_steps_per_execution_targets_a_fifth_of_a_second(seconds_per_step, expected):
    assert loop.steps_per_execution(seconds_per_step) == expected


def test_a_large_starting_l2_penalty_is_not_divergence(tiny_splits):
    strong_l2 = config.MlpConfig(l2=100.0)

    model, result = train(tiny_splits, seed=0, model_config=strong_l2, optimizer="adam",
                          learning_rate=0.001, epochs=1)

    assert result.status == "done"
    assert result.history[0]["loss"] > loop.EXPLODED_LOSS  # high, but falling


@pytest.mark.slow
@pytest.mark.parametrize("seed", [1, 2])
def test_the_assignment_mlp_reaches_96_5_percent_on_full_mnist(full_npz, monkeypatch, seed):
    monkeypatch.setenv("MNIST_NPZ", str(full_npz))
    mnist = data.load_mnist()
    assert not mnist.is_subset
    run = config.RunConfig(training=config.TrainConfig(seed=seed))  # 784-64-64-10, 10 epochs
    splits = data.split(mnist)
    model = kinds.build(run.model, seed=seed)

    result = loop.fit(model, splits, run.training)

    assert result.status == "done" and len(result.history) == 10
    predictions = model.predict(preprocess.scale(splits.x_test), verbose=0).argmax(axis=1)
    accuracy = float(np.mean(predictions == splits.y_test))
    assert accuracy == pytest.approx(result.test_accuracy, abs=1e-6)
    assert accuracy >= 0.965, f"seed {seed}: test accuracy {accuracy:.4f}"
