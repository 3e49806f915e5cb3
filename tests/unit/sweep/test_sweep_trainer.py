"""mnist_core.sweep.trainer: Keras is the reference; stacking must not change a network."""

import math

import numpy as np
import pytest
import tensorflow as tf

from mnist_core import data, sweep
from mnist_core.data import preprocess
from mnist_core.models import config, mlp
from mnist_core.store import Registry
from mnist_core.sweep import trainer
from mnist_core.sweep.trainer import Network, StackHooks
from mnist_core.training import loop

HIDDEN = (32, 16)
# 300 images in batches of 128: two full batches and one of 44 per epoch, as Keras takes them.
SETTINGS = config.TrainConfig(epochs=2, batch_size=128, train_size=300)
# float32 keeps ~7 digits; Keras (oneDNN matmuls) and our XLA batched matmuls add the same
# products in different orders, which moves weights by ~3e-8 after these 6 steps. 1e-6 leaves
# 30x room, yet a wrong L2 gradient (λw for 2λw: lr·λ·|w| ≈ 0.1·0.01·0.1 = 1e-4 per step)
# or a wrong batch order would fail it by orders of magnitude.
WEIGHT_TOLERANCE = 1e-6


@pytest.fixture(scope="module")
def tiny_splits(tiny_mnist) -> data.Splits:
    return data.split(tiny_mnist, train_size=SETTINGS.train_size)


def keras_reference(splits, l2, seed):
    """mlp.build + loop.compile_model, fed our batch order epoch by epoch."""
    model = mlp.build(config.MlpConfig(hidden_units=HIDDEN, l2=l2), seed)
    loop.compile_model(model, SETTINGS, steps_per_execution=1)
    images, labels = preprocess.scale(splits.x_train), preprocess.one_hot(splits.y_train)
    validation = (preprocess.scale(splits.x_val), preprocess.one_hot(splits.y_val))
    history = []
    for epoch in range(SETTINGS.epochs):
        order = trainer.epoch_order(seed, epoch, len(labels))
        batches = tf.data.Dataset.from_tensor_slices((images[order], labels[order]))
        logs = model.fit(batches.batch(SETTINGS.batch_size), validation_data=validation,
                         epochs=1, shuffle=False, verbose=0).history
        history.append({name: values[0] for name, values in logs.items()})
    test = model.evaluate(preprocess.scale(splits.x_test), preprocess.one_hot(splits.y_test),
                          batch_size=loop.EVAL_BATCH_SIZE, verbose=0)
    return model, history, test


def test_one_network_matches_keras_step_for_step(tiny_splits):
    model, history, (test_loss, test_accuracy) = keras_reference(tiny_splits, l2=0.01, seed=5)

    [ours] = trainer.train_stack([Network(l2=0.01, seed=5)], tiny_splits, HIDDEN,
                                       SETTINGS)

    assert ours.status == "done"
    for theirs, mine in zip(model.get_weights(), ours.weights, strict=True):
        np.testing.assert_allclose(mine, theirs, rtol=0, atol=WEIGHT_TOLERANCE)
    for theirs, mine in zip(history, ours.history, strict=True):
        for name in ("accuracy", "val_loss", "val_accuracy"):
            assert mine[name] == pytest.approx(theirs[name], rel=1e-5), name
        # The reported training loss takes each compiled call's L2 penalty as linear between
        # its exact ends (sweep_trainer): ~5e-6 off here, while the loss moves ~3% per epoch.
        assert mine["loss"] == pytest.approx(theirs["loss"], rel=5e-5)
    assert ours.test_loss == pytest.approx(test_loss, rel=1e-5)
    assert ours.test_accuracy == pytest.approx(test_accuracy, abs=1e-6)
    # The gap's training accuracy: the final weights on the training images, not the epoch's
    # running mean (all 300 here, fewer than TRAIN_ACCURACY_IMAGES).
    _, train_accuracy = model.evaluate(preprocess.scale(tiny_splits.x_train),
                                       preprocess.one_hot(tiny_splits.y_train), verbose=0)
    assert ours.history[-1]["train_accuracy"] == pytest.approx(train_accuracy, abs=1e-6)
    assert ours.history[-1]["train_accuracy"] != ours.history[-1]["accuracy"]


def test_starting_weights_are_build_mlps():
    built = mlp.build(config.MlpConfig(hidden_units=HIDDEN, l2=0.5), seed=3)
    for theirs, mine in zip(built.get_weights(), trainer.initial_weights(HIDDEN, 3),
                            strict=True):
        np.testing.assert_array_equal(mine, theirs)


def test_a_network_trains_the_same_alone_or_in_a_stack_with_a_diverging_one(tiny_splits):
    [alone] = trainer.train_stack([Network(1e-3, seed=1)], tiny_splits, HIDDEN, SETTINGS)
    reported = []
    # λ = 1000 with lr 0.1 multiplies the hidden kernels by 1 - 0.1·2·1000 = -199 per step.
    hooks = StackHooks(on_diverged=lambda index, result: reported.append((index, result.status)))

    stacked = trainer.train_stack(
        [Network(1e-4, seed=0), Network(1e-3, seed=1), Network(1e3, seed=2)], tiny_splits,
        HIDDEN, SETTINGS, hooks)

    assert [result.status for result in stacked] == ["done", "done", "diverged"]
    assert reported == [(2, "diverged")]
    assert all(math.isfinite(value) for entry in stacked[2].history for value in entry.values())
    assert stacked[2].test_accuracy is None and stacked[2].weights is None
    # Batched matmuls keep the networks apart: the same numbers up to float32 rounding
    # (bitwise equal on this machine).
    for mine, theirs in zip(stacked[1].weights, alone.weights, strict=True):
        np.testing.assert_allclose(mine, theirs, rtol=0, atol=WEIGHT_TOLERANCE)
    assert stacked[1].test_accuracy == pytest.approx(alone.test_accuracy, abs=1e-6)
    assert stacked[1].history == pytest.approx(alone.history, rel=1e-6)


def test_each_network_has_its_own_batch_order_every_epoch():
    orders = [trainer.epoch_order(seed, epoch, 50) for seed in (0, 1) for epoch in (0, 1)]
    assert all(sorted(order) == list(range(50)) for order in orders)
    assert len({tuple(order) for order in orders}) == 4
    np.testing.assert_array_equal(orders[0], trainer.epoch_order(0, 0, 50))


def test_cancel_stops_the_stack_between_compiled_calls(tiny_splits):
    calls = []
    hooks = StackHooks(on_progress=calls.append, should_cancel=lambda: len(calls) >= 2)

    results = trainer.train_stack([Network(1e-4, 0), Network(1e-3, 1)], tiny_splits,
                                        HIDDEN, config.TrainConfig(epochs=50, train_size=300),
                                        hooks)

    assert [result.status for result in results] == ["cancelled", "cancelled"]
    assert 0 < calls[-1] < 0.1


def test_only_plain_sgd_is_stacked(tiny_splits):
    with pytest.raises(ValueError, match="plain SGD"):
        trainer.train_stack([Network(0.0, 0)], tiny_splits, HIDDEN,
                                  config.TrainConfig(optimizer="adam"))


@pytest.mark.slow
def test_the_assignment_sweep_for_5_epochs_reaches_96_5_percent(full_npz, monkeypatch,
                                                                 lab_home):
    monkeypatch.setenv("MNIST_NPZ", str(full_npz))
    mnist = data.load_mnist()
    assert not mnist.is_subset
    registry = Registry()
    sweep_id = sweep.start(registry, sweep.SweepSpec(epochs=5), "lecture")

    finished = sweep.run(registry, sweep_id, mnist)

    result = sweep.cli_result(registry, sweep_id)
    assert finished.state == "done", finished.error
    assert result["finished"] == [3] * 5 and result["diverged"] == [0] * 5
    assert result["best_mean_accuracy"] >= 0.965, result
