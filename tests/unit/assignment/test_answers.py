"""The assignment's answers against independent references: parameter counts by hand, NumPy's
mean and std over the sweep's replicates, ln 10, and which stored runs answer."""

import math

import numpy as np
import pytest

from mnist_core import assignment, sweep
from mnist_core.assignment import picks
from mnist_core.data import explore
from mnist_core.models import cnn, config
from mnist_core.store import LECTURE_WORKSPACE, Registry
from tests.unit.assignment.seeded_answers import (
    SWEEP_ACCURACIES,
    TINY_CNN,
    history,
    store_run,
    store_sweep,
)

ASSIGNMENT_MLP = config.RunConfig()  # the MLP page's default: the assignment's 784-64-64-10


@pytest.fixture
def registry(lab_home) -> Registry:
    return Registry()


def test_the_assignments_network_has_55050_parameters_by_hand(registry):
    run = registry.get(store_run(registry, ASSIGNMENT_MLP, "alice", val=0.97, test=0.96))
    answer = assignment.network(run)
    by_hand = (784 * 64 + 64) + (64 * 64 + 64) + (64 * 10 + 10)
    assert answer.parameters == by_hand == 55_050 == answer.stored_parameters
    assert (answer.dense_layers, answer.inputs, answer.outputs) == (3, 28 * 28, 10)
    assert answer.hidden_units == (64, 64) and answer.activation == "relu"
    assert [row.arithmetic for row in answer.layers[1:]] == [
        "784·64 + 64 = 50,240", "64·64 + 64 = 4,160", "64·10 + 10 = 650"]
    assert "gradient" in answer.why_activation


def test_the_loss_is_set_against_guessing_ln_10(registry):
    epochs = history(4, 0.95, 0.94)
    run = registry.get(store_run(registry, ASSIGNMENT_MLP, "alice", val=0.94, test=0.93,
                                 test_loss=0.25, epochs=epochs))
    answer = assignment.loss(run)
    assert answer.guess_loss == pytest.approx(2.302585, abs=1e-6) == assignment.GUESS_LOSS
    assert round(answer.guess_loss, 3) == 2.303
    assert (answer.first_loss, answer.train_loss) == (epochs[0]["loss"], epochs[-1]["loss"])
    assert (answer.val_loss, answer.test_loss) == (epochs[-1]["val_loss"], 0.25)
    assert answer.true_digit_probability(math.log(10)) == pytest.approx(0.1)
    assert not answer.includes_penalty


def test_the_curves_gap_and_what_it_says(registry):
    close = registry.get(store_run(registry, ASSIGNMENT_MLP, "alice", val=0.97, test=0.96,
                                   epochs=history(5, 0.975, 0.97)))
    answer = assignment.curves(close)
    assert answer.gap == pytest.approx(0.975 - 0.97)
    assert (answer.epochs, answer.best_val_epoch, answer.best_val_accuracy) == (5, 5, 0.97)
    assert "not overfitting" in answer.verdict

    stalled = history(5, 0.999, 0.97)
    stalled[2]["val_accuracy"] = 0.975  # validation peaked at epoch 3
    overfit = assignment.curves(registry.get(store_run(
        registry, ASSIGNMENT_MLP, "alice", val=0.97, test=0.96, epochs=stalled)))
    assert overfit.best_val_epoch == 3 and "overfitting" in overfit.verdict

    ahead = assignment.curves(registry.get(store_run(
        registry, ASSIGNMENT_MLP, "alice", val=0.97, test=0.96, epochs=history(3, 0.95, 0.97))))
    assert ahead.gap < 0 and "mean over an epoch" in ahead.verdict


def test_a_run_without_epochs_cannot_answer(registry):
    run_id = store_run(registry, ASSIGNMENT_MLP, "alice", val=0.9, test=0.9)
    registry.update(run_id, history=[])
    with pytest.raises(ValueError, match="no epochs"):
        assignment.loss(registry.get(run_id))


def test_the_sweeps_factor_is_chosen_on_validation_and_reported_on_test(registry):
    sweep_id = store_sweep(registry, "alice")
    item = registry.get_sweep(sweep_id)
    answer = assignment.weight_decay(item, sweep.summary(registry, sweep_id))

    def split(factor_index: int, column: int) -> np.ndarray:
        return np.array([SWEEP_ACCURACIES[(factor_index, replicate)][column]
                         for replicate in range(3)])

    by_validation = max(range(2), key=lambda index: split(index, 0).mean())
    assert by_validation == 1
    assert answer.chosen.factor == item.spec["factors"][1]
    assert answer.chosen.test_mean == pytest.approx(split(1, 1).mean())
    assert answer.chosen.test_std == pytest.approx(np.std(split(1, 1), ddof=1))
    assert answer.distance == pytest.approx(split(1, 1).mean() - 0.9847)
    assert answer.chosen_on_test.factor == item.spec["factors"][0]  # the assignment's way
    assert any("2 epochs on 1,000" in reason for reason in answer.reasons)
    span = split(0, 1).mean() - split(1, 1).mean()
    assert any(f"span {span:.4f}" in reason for reason in answer.reasons)


def test_a_sweep_without_finished_networks_has_no_answer(registry):
    sweep_id = sweep.start(registry, sweep.SweepSpec(hidden_units=(8,), epochs=1), "alice")
    assert assignment.weight_decay(registry.get_sweep(sweep_id),
                                   sweep.summary(registry, sweep_id)) is None


def test_the_cnn_against_the_best_mlp_with_hand_counted_parameters(registry):
    cnn_run = registry.get(store_run(registry, cnn.ASSIGNMENT_1, "alice", val=0.99, test=0.9912))
    mlp_run = registry.get(store_run(registry, ASSIGNMENT_MLP, "alice", val=0.97, test=0.972))
    curves = {"CNN": [0.99, 0.98, 0.95, 0.9, 0.8], "MLP": [0.97, 0.8, 0.5, 0.3, 0.2]}
    answer = assignment.convolution(cnn_run, mlp_run, curves, 1000)
    conv = (5 * 5 * 1 * 20 + 20) + (5 * 5 * 20 * 40 + 40)
    assert answer.cnn_parameters == conv + (4 * 4 * 40 * 100 + 100) + (100 * 10 + 10) == 85_670
    assert sum(row.parameters for row in answer.conv_layers) == conv
    assert [row.arithmetic for row in answer.conv_layers] == [
        "5·5·1·20 + 20 = 520", "5·5·20·40 + 40 = 20,040"]
    assert answer.mlp_parameters == 55_050 and answer.reached_target
    assert answer.shift.max_shift == 4
    assert answer.shift.cnn_drop == pytest.approx(0.19)
    assert answer.shift.mlp_drop == pytest.approx(0.77)
    assert answer.other_layers == {}  # model 1 has only conv, pooling and dense layers
    tiny = assignment.convolution(registry.get(store_run(registry, TINY_CNN, "alice", val=0.5,
                                                         test=0.5)), mlp_run, None, 1000)
    assert set(tiny.other_layers) == {"BatchNormalization", "Dropout"} and tiny.shift is None
    assert not tiny.reached_target


def test_the_preprocessing_numbers_are_the_datas(registry, tiny_mnist):
    run = registry.get(store_run(registry, ASSIGNMENT_MLP, "alice", val=0.9, test=0.9))
    answer = assignment.preprocessing(explore.scaling_comparison(tiny_mnist.x_train), run)
    assert (answer.raw_dtype, answer.raw_max) == (str(tiny_mnist.x_train.dtype),
                                                   int(tiny_mnist.x_train.max()))
    assert (answer.scaled_dtype, answer.scaled_min, answer.scaled_max) == ("float32", 0.0, 1.0)
    assert answer.scaled_megabytes == pytest.approx(4 * answer.raw_megabytes)
    assert (answer.classes, answer.run_id, answer.run_source) == (10, run.run_id,
                                                                  "tiny test set")


def test_only_the_workspaces_own_runs_answer_and_the_shown_one_first(registry):
    lecture = store_run(registry, ASSIGNMENT_MLP, LECTURE_WORKSPACE, val=0.99, test=0.99)
    assert picks.latest_mlp(registry, "alice") is None  # the lecture's run is not alice's
    assert picks.latest_mlp(registry, LECTURE_WORKSPACE).run_id == lecture
    older = store_run(registry, ASSIGNMENT_MLP, "alice", val=0.98, test=0.90)
    newer = store_run(registry, ASSIGNMENT_MLP, "alice", val=0.95, test=0.97)
    assert picks.latest_mlp(registry, "alice").run_id == newer
    assert picks.latest_mlp(registry, "alice", registry.get(older)).run_id == older
    assert picks.best_mlp(registry, "alice").run_id == older  # on validation, not test
    assert picks.latest_cnn(registry, "alice", registry.get(older)) is None  # not a CNN
    assert picks.latest_sweep(registry, "alice") is None
    sweep_id = store_sweep(registry, "alice")
    found, numbers = picks.latest_sweep(registry, "alice")
    assert found.sweep_id == sweep_id and numbers.best_factor == 1e-3
