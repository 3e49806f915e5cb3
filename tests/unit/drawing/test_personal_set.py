"""personal_set: verdicts, accuracy, and the npz a student downloads."""

import io

import numpy as np

from mnist_core.drawing import personal_set


def test_a_clear_answer_gives_the_digit_and_its_probability():
    probabilities = np.full(10, 0.02 / 9)
    probabilities[7] = 0.98
    assert personal_set.verdict(probabilities) == "7 (98%)"


def test_a_close_call_says_it_is_not_sure_and_names_both():
    probabilities = np.zeros(10)
    probabilities[4], probabilities[9], probabilities[1] = 0.45, 0.40, 0.15
    assert personal_set.verdict(probabilities) == "not sure: 4 or 9?"


def test_accuracy_over_kept_examples():
    assert personal_set.accuracy([1, 2, 3, 3], [1, 2, 3, 4]) == 0.75
    assert personal_set.accuracy([], []) is None


def test_npz_has_the_keras_layout():
    digits = [np.full((28, 28), value, dtype=np.uint8) for value in (0, 128)]
    with np.load(io.BytesIO(personal_set.to_npz(digits, [3, 8]))) as archive:
        assert archive["x_test"].shape == (2, 28, 28) and archive["x_test"].dtype == np.uint8
        assert archive["y_test"].tolist() == [3, 8]
