"""A student's own labelled drawings: how sure each answer is, and how each model does on them."""

import io

import numpy as np

SURE_PROBABILITY = 0.6  # below this the top answer is reported as a doubt, not a fact


def verdict(probabilities: np.ndarray) -> str:
    """'7 (98%)', or 'not sure: 4 or 9?' when the top class is not clearly ahead."""
    order = np.argsort(probabilities)[::-1]
    best, runner_up = int(order[0]), int(order[1])
    if probabilities[best] < SURE_PROBABILITY:
        return f"not sure: {best} or {runner_up}?"
    return f"{best} ({probabilities[best]:.0%})"


def accuracy(predicted_labels: list[int], true_labels: list[int]) -> float | None:
    if not true_labels:
        return None
    return float(np.mean(np.asarray(predicted_labels) == np.asarray(true_labels)))


def to_npz(digits: list[np.ndarray], labels: list[int]) -> bytes:
    """The examples in keras' MNIST layout (x_test uint8 (n, 28, 28), y_test uint8 (n,))."""
    buffer = io.BytesIO()
    np.savez_compressed(buffer, x_test=np.asarray(digits, dtype=np.uint8).reshape(-1, 28, 28),
                        y_test=np.asarray(labels, dtype=np.uint8))
    return buffer.getvalue()
