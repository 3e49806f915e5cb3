"""results: confusion matrix, mistakes and cell members against hand-made answers."""

import numpy as np
import pytest

from mnist_core.evaluate import results
from mnist_core.models import config, mlp


def make_results(probabilities, labels):
    return results.TestResults(probabilities=np.array(probabilities, dtype=float),
                               labels=np.array(labels))


def one_hot_rows(predicted, confidence):
    rows = np.full((len(predicted), 10), (1 - confidence) / 9)
    rows[np.arange(len(predicted)), predicted] = confidence
    return rows


def test_confusion_matrix_counts_true_rows_and_predicted_columns():
    matrix = results.confusion_matrix(np.array([0, 0, 1, 2, 2, 2]), np.array([0, 1, 1, 2, 0, 2]))
    expected = np.zeros((10, 10), dtype=int)
    expected[0, 0], expected[0, 1], expected[1, 1], expected[2, 2], expected[2, 0] = 1, 1, 1, 2, 1
    np.testing.assert_array_equal(matrix, expected)


def test_accuracy_and_most_confident_mistakes_first():
    probabilities = np.vstack([one_hot_rows([3], 0.6), one_hot_rows([5], 0.9),
                               one_hot_rows([1], 0.99), one_hot_rows([7], 0.8)])
    outcome = make_results(probabilities, [3, 4, 1, 2])
    assert outcome.accuracy == pytest.approx(0.5)
    np.testing.assert_array_equal(results.confident_mistakes(outcome, 5), [1, 3])
    np.testing.assert_array_equal(results.cell_members(outcome, 4, 5), [1])


def test_predict_matches_calling_the_model_and_rows_sum_to_one():
    model = mlp.build(config.MlpConfig(hidden_units=(8,)), seed=0)
    images = np.random.default_rng(0).integers(0, 256, (5, 28, 28), dtype=np.uint8)
    probabilities = results.predict(model, images)
    direct = np.asarray(model(images.astype(np.float32) / 255))
    np.testing.assert_allclose(probabilities, direct, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(probabilities.sum(axis=1), 1, rtol=1e-5)


def test_first_layer_images_are_the_kernel_columns():
    model = mlp.build(config.MlpConfig(hidden_units=(3, 2)), seed=0)
    images = results.first_layer_images(model)
    kernel = np.asarray(model.layers[1].kernel)  # (784, 3), after Flatten
    assert images.shape == (3, 28, 28)
    np.testing.assert_array_equal(images[2].ravel(), kernel[:, 2])
