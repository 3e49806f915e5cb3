"""Per-epoch snapshots for the training replay, taken while Keras fits.

Each kept epoch records the first layer's weights as images, the answers for a fixed probe
set of validation digits, and the validation confusion matrix. The matrix is counted by a
metric during the validation pass fit already makes, and only then: Keras resets its metrics
before that pass and calls on_epoch_end after it, so the counts there are exactly the
validation set's.
"""

import keras
import numpy as np
import tensorflow as tf

from mnist_core.data import Splits, preprocess
from mnist_core.data.sampling import stratified_sample
from mnist_core.models.first_layer import first_layer_images
from mnist_core.store.snapshot_files import NO_CONFUSION, Snapshots

PROBE_SIZE = 50  # five of each digit
PROBE_SEED = 50  # fixed, never the run's seed: every run answers the same probe digits
MAX_TRAINED_FRAMES = 20  # plus epoch 0: a 50-epoch run keeps 21 frames, well under 1 MB


def probe_indices(y_val: np.ndarray) -> np.ndarray:
    """Positions in the validation split of the probe digits, stratified and seeded."""
    return stratified_sample(y_val, min(PROBE_SIZE, len(y_val)), PROBE_SEED)


def kept_epochs(epochs: int, limit: int = MAX_TRAINED_FRAMES) -> set[int]:
    """Evenly spaced epochs to keep, always the last; every epoch of a short run."""
    if epochs <= limit:
        return set(range(1, epochs + 1))
    return {round(step * epochs / limit) for step in range(1, limit + 1)}


class ConfusionCounts(keras.metrics.Metric):
    """counts[true, predicted] over the batches since the last reset (a confusion matrix),
    in fit's validation pass only.

    fit updates its metrics on training batches too, and the replay needs none of those.
    So `counting` is a Python flag, read when Keras traces its step functions rather than
    when they run: the snapshot taker sets it from on_test_begin to on_test_end, the only
    time fit calls (and so first traces) its test function, and the train function is
    traced with no update in it at all (a tf.cond would still run in every step).
    """

    def __init__(self, name="confusion", **kwargs):
        super().__init__(name=name, **kwargs)
        classes = preprocess.NUM_CLASSES
        self.counts = self.add_variable(shape=(classes, classes), initializer="zeros",
                                        dtype="int32", name="counts")
        self.counting = False

    def update_state(self, y_true, y_pred, sample_weight=None):
        if not self.counting:
            return
        true = tf.argmax(y_true, axis=-1, output_type=tf.int32)
        predicted = tf.argmax(y_pred, axis=-1, output_type=tf.int32)
        self.counts.assign_add(tf.math.confusion_matrix(
            true, predicted, num_classes=preprocess.NUM_CLASSES, dtype=tf.int32))

    def result(self):  # Keras logs a number; the replay reads the counts themselves
        return tf.reduce_sum(self.counts)

    def reset_state(self):
        self.counts.assign(tf.zeros_like(self.counts))


class SnapshotTaker(keras.callbacks.Callback):
    """Calls on_snapshot(Snapshots so far) at the start and after each kept epoch."""

    def __init__(self, splits: Splits, epochs: int, confusion: ConfusionCounts, on_snapshot):
        super().__init__()
        probes = probe_indices(splits.y_val)
        self._probe_images = splits.x_val[probes]
        self._probe_inputs = preprocess.scale(self._probe_images)
        self._probe_labels = splits.y_val[probes]
        self._kept = kept_epochs(epochs)
        self._confusion = confusion
        self._on_snapshot = on_snapshot
        self.snapshots: Snapshots | None = None

    def on_train_begin(self, logs=None):
        images = first_layer_images(self.model)
        self.snapshots = Snapshots.empty(self._probe_images, self._probe_labels,
                                         images.shape)
        no_validation_yet = np.full(self._confusion.counts.shape, NO_CONFUSION)
        self._take(0, images, no_validation_yet)

    def on_test_begin(self, logs=None):  # fit's validation pass, after each epoch's training
        self._confusion.counting = True

    def on_test_end(self, logs=None):
        self._confusion.counting = False

    def on_epoch_end(self, epoch, logs=None):
        if self.model.stop_training or epoch + 1 not in self._kept:
            return  # a cancelled or diverged epoch is not one to replay
        self._take(epoch + 1, first_layer_images(self.model), self._confusion.counts.numpy())

    def _take(self, epoch: int, images, confusion) -> None:
        probabilities = np.asarray(self.model.predict_on_batch(self._probe_inputs))
        self.snapshots = self.snapshots.with_frame(epoch, images, probabilities, confusion)
        self._on_snapshot(self.snapshots)
