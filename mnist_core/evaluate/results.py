"""What a trained model does on the test set: predictions, confusion, mistakes, weights."""

import dataclasses

import numpy as np

# One implementation of fast prediction, shared with the drawing page; results.predict stays.
from mnist_core.evaluate.inference import predict

# The weight images live with the models, where the training replay reads them too.
from mnist_core.models.first_layer import dense_unit_images as first_layer_images  # noqa: F401


@dataclasses.dataclass(frozen=True)
class TestResults:
    """A model's answers for every test image, and the numbers derived from them."""

    probabilities: np.ndarray  # (n, 10)
    labels: np.ndarray  # (n,) true digits

    @property
    def predicted(self) -> np.ndarray:
        return self.probabilities.argmax(axis=1)

    @property
    def accuracy(self) -> float:
        return float((self.predicted == self.labels).mean())

    @property
    def confusion(self) -> np.ndarray:
        return confusion_matrix(self.labels, self.predicted)


def evaluate(model, images: np.ndarray, labels: np.ndarray) -> TestResults:
    return TestResults(probabilities=predict(model, images), labels=np.asarray(labels))


def confusion_matrix(labels: np.ndarray, predicted: np.ndarray, num_classes: int = 10):
    """counts[true, predicted]."""
    flat = np.bincount(labels * num_classes + predicted, minlength=num_classes**2)
    return flat.reshape(num_classes, num_classes)


def confident_mistakes(results: TestResults, count: int) -> np.ndarray:
    """Indices of wrong answers, most confident first: where the model is surest and wrong."""
    wrong = np.flatnonzero(results.predicted != results.labels)
    confidence = results.probabilities[wrong].max(axis=1)
    return wrong[np.argsort(-confidence, kind="stable")][:count]


def cell_members(results: TestResults, true_digit: int, predicted_digit: int) -> np.ndarray:
    """Indices of test images with this true digit that the model called predicted_digit."""
    return np.flatnonzero((results.labels == true_digit) & (results.predicted == predicted_digit))
