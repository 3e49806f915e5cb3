"""One frame of a run's training replay, from its stored snapshots: what the network was at
one kept epoch (weights, answers for the probe digits, the validation confusion matrix)."""

import dataclasses

import numpy as np

from mnist_core.store.snapshot_files import NO_CONFUSION, Snapshots


@dataclasses.dataclass(frozen=True)
class Frame:
    epoch: int  # 0: before training
    first_layer: np.ndarray  # (images, h, w) float32: hidden units' weights or conv filters
    probe_images: np.ndarray  # (50, 28, 28) uint8
    probe_labels: np.ndarray  # (50,)
    probe_probabilities: np.ndarray  # (50, 10) float32
    confusion: np.ndarray | None  # (10, 10) validation counts; None before training

    @property
    def probe_predicted(self) -> np.ndarray:
        return self.probe_probabilities.argmax(axis=1)

    @property
    def probe_right(self) -> np.ndarray:
        return self.probe_predicted == self.probe_labels

    @property
    def val_accuracy(self) -> float | None:
        """The diagonal's share: the validation accuracy Keras reported for this epoch."""
        if self.confusion is None:
            return None
        return float(np.trace(self.confusion) / self.confusion.sum())


def frame(snapshots: Snapshots, index: int) -> Frame:
    confusion = snapshots.confusion[index]
    return Frame(
        epoch=int(snapshots.epochs[index]),
        first_layer=snapshots.first_layer[index].astype(np.float32),
        probe_images=snapshots.probe_images,
        probe_labels=snapshots.probe_labels,
        probe_probabilities=snapshots.probe_probabilities[index].astype(np.float32),
        confusion=None if (confusion == NO_CONFUSION).all() else confusion)


def turned_right(snapshots: Snapshots, index: int) -> int:
    """Probe digits right at this frame that were wrong before training."""
    before, now = frame(snapshots, 0), frame(snapshots, index)
    return int((now.probe_right & ~before.probe_right).sum())
