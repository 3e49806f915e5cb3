""""The assignment asks" on each page: the numbers shown are the stored run's (read back from
the metrics), a page without its run says what to train, and lecture view answers from the
lecture's runs."""

import numpy as np
import pytest
from pages_helpers import open_page, page_path

from mnist_core.assignment import missing
from mnist_core.models import config, kinds
from mnist_core.store import LECTURE_WORKSPACE, Registry
from mnist_core.ui.assignment_panel import TITLE
from tests.unit.assignment.seeded_answers import (
    SWEEP_ACCURACIES,
    TINY_CNN,
    history,
    store_run,
    store_sweep,
)

WORKSPACE = "default"  # a session's workspace when it names none
ASSIGNMENT_MLP = config.RunConfig()
SMALL_MLP = config.RunConfig(model=config.MlpConfig(hidden_units=(8,)),
                             training=config.TrainConfig(epochs=1, train_size=1000))


def answers(page: str, **query) -> tuple[dict[str, str], str]:
    """The expander's metrics (label -> value) and its prose, after opening the page."""
    app = open_page(page_path(page))
    app.query_params.update(query)
    app.run()
    assert not app.exception
    [expander] = [block for block in app.expander if block.label == TITLE]
    metrics = {metric.label: metric.value for metric in expander.get("metric")}
    prose = "\n".join(element.value for kind in ("markdown", "caption", "info")
                      for element in expander.get(kind))
    return metrics, prose


@pytest.mark.parametrize("page, what_to_train", [
    ("1_Data_and_preprocessing.py", missing.TRAIN_ANY), ("2_MLP.py", missing.TRAIN_MLP),
    ("5_Regularization_sweep.py", missing.RUN_SWEEP), ("3_CNN.py", missing.TRAIN_CNN)])
def test_a_page_without_its_run_says_what_to_train(page, what_to_train):
    store_run(Registry(), ASSIGNMENT_MLP, "someone-else", val=0.9, test=0.9)  # not ours
    _, prose = answers(page)
    assert what_to_train in prose


def test_the_data_page_answers_q1_1_with_the_datas_numbers_and_the_newest_run():
    run_id = store_run(Registry(), ASSIGNMENT_MLP, WORKSPACE, val=0.9, test=0.9)
    metrics, prose = answers("1_Data_and_preprocessing.py")
    assert metrics["Q1.1 · pixels before"] == "uint8 0 to 255"
    assert metrics["Q1.1 · pixels after"] == "float32 0 to 1"
    assert metrics["Q1.1 · label length"] == "10"
    assert run_id in prose and "tiny test set" in prose


def test_the_mlp_page_shows_the_stored_runs_numbers():
    registry = Registry()
    epochs = history(10, 0.98, 0.97)
    run = registry.get(store_run(registry, ASSIGNMENT_MLP, WORKSPACE, val=0.97, test=0.9688,
                                 test_loss=0.1234, epochs=epochs))
    metrics, prose = answers("2_MLP.py")
    by_hand = (784 + 1) * 64 + (64 + 1) * 64 + (64 + 1) * 10
    assert metrics["Q2.1 · parameters"] == f"{by_hand:,}" == f"{run.params:,}"
    assert metrics["Q2.1 · layers with weights"] == "3"
    assert (metrics["Q2.1 · inputs"], metrics["Q2.1 · outputs"]) == ("784", "10")
    assert metrics["Q2.2 · training loss, last epoch"] == f"{epochs[-1]['loss']:.4f}"
    assert metrics["Q2.2 · validation loss, last epoch"] == f"{epochs[-1]['val_loss']:.4f}"
    assert metrics["Q2.2 · test loss"] == f"{run.test_loss:.4f}" == "0.1234"
    assert metrics["Q2.2 · guessing, ln 10"] == f"{np.log(10):.3f}" == "2.303"
    assert metrics["Q2.3 · training accuracy, last epoch"] == f"{epochs[-1]['accuracy']:.4f}"
    assert metrics["Q2.3 · validation accuracy, last epoch"] == "0.9700"
    gap = epochs[-1]["accuracy"] - epochs[-1]["val_accuracy"]
    assert metrics["Q2.3 · gap, training − validation"] == f"{gap * 100:+.2f} points"
    assert run.run_id in prose and "784·64 + 64" not in prose  # arithmetic is in the table


def test_the_sweep_page_shows_the_factor_chosen_on_validation_and_its_test_mean():
    store_sweep(Registry(), WORKSPACE)
    metrics, prose = answers("5_Regularization_sweep.py")
    test = np.array([SWEEP_ACCURACIES[(1, replicate)][1] for replicate in range(3)])
    assert metrics["Q2.4 · factor chosen on validation"] == f"{1e-3:.2e}"
    assert metrics["Q2.4 · its test accuracy, 3 replicate(s)"] == (
        f"{test.mean():.4f} ± {np.std(test, ddof=1):.4f}")
    assert metrics["Q2.4 · distance to Hinton's 0.9847"] == (
        f"{(test.mean() - 0.9847) * 100:+.2f} points")
    assert f"would pick λ = {1e-5:.2e}" in prose  # what choosing on test would have picked


def test_the_cnn_page_sets_the_cnn_against_the_best_mlp_with_the_shift_test():
    registry = Registry()
    cnn_run = registry.get(store_run(registry, TINY_CNN, WORKSPACE, val=0.6, test=0.6123,
                                     model=True))
    best = registry.get(store_run(registry, SMALL_MLP, WORKSPACE, val=0.9, test=0.8765,
                                  model=True))
    store_run(registry, ASSIGNMENT_MLP, WORKSPACE, val=0.8, test=0.95)  # better on test only
    metrics, prose = answers("3_CNN.py")
    assert metrics["Q3.1 · CNN parameters"] == f"{cnn_run.params:,}"
    assert metrics["Q3.1 · CNN test accuracy"] == f"{cnn_run.test_accuracy:.2%}" == "61.23%"
    assert metrics["Q3.1 · best MLP parameters"] == f"{best.params:,}" == f"{785 * 8 + 90:,}"
    assert metrics["Q3.1 · best MLP test accuracy"] == "87.65%"
    assert {"Q3.2 · CNN accuracy lost at 4 px shift",
            "Q3.2 · MLP accuracy lost at 4 px shift"} <= set(metrics)
    assert "stays below" in prose and "**BatchNormalization**" in prose


def test_lecture_view_answers_from_the_lectures_runs_only():
    registry = Registry()
    lecture = registry.get(store_run(registry, ASSIGNMENT_MLP, LECTURE_WORKSPACE, val=0.97,
                                     test=0.97, test_loss=0.0888))
    store_run(registry, SMALL_MLP, "bob", val=0.99, test=0.99, test_loss=0.5)
    metrics, prose = answers("2_MLP.py", view="lecture", workspace="bob")
    assert metrics["Q2.2 · test loss"] == "0.0888"
    assert metrics["Q2.1 · parameters"] == f"{kinds.parameter_count(ASSIGNMENT_MLP.model):,}"
    assert lecture.run_id in prose
    _, empty = answers("5_Regularization_sweep.py", view="lecture", workspace="bob")
    assert missing.PREPARE_LECTURE in empty
