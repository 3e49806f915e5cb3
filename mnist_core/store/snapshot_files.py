"""A run's training replay: small per-epoch snapshots in runs/<id>/snapshots.npz.

One NumPy archive per run, rewritten whole (temporary file, then rename) each time training
keeps an epoch, so a page reading it while the run trains sees a whole file. It is small by
construction (training.snapshots keeps at most a fixed number of epochs) and read without
pickles, so a damaged or hostile file is that run's problem and nobody else's.
"""

import dataclasses
import io
import zipfile
from collections.abc import Callable
from pathlib import Path

import numpy as np

from mnist_core.store import files
from mnist_core.store.records import RunError

NO_CONFUSION = -1  # epoch 0 (before training) had no validation pass: its matrix is all -1


@dataclasses.dataclass(frozen=True)
class Snapshots:
    """Frame i of each array belongs to epochs[i]; epoch 0 is the network before training."""

    epochs: np.ndarray  # (frames,) int
    first_layer: np.ndarray  # (frames, images, h, w) float16: hidden units' or filters' weights
    probe_probabilities: np.ndarray  # (frames, 50, 10) float16
    confusion: np.ndarray  # (frames, 10, 10) int32, validation counts[true, predicted]
    probe_images: np.ndarray  # (50, 28, 28) uint8, the same validation digits for every run
    probe_labels: np.ndarray  # (50,) int

    def __len__(self) -> int:
        return len(self.epochs)

    def with_frame(self, epoch: int, first_layer, probe_probabilities, confusion) -> "Snapshots":
        def grown(old, new, dtype):
            return np.concatenate([old, np.asarray(new, dtype)[np.newaxis]])

        return dataclasses.replace(
            self, epochs=grown(self.epochs, epoch, np.int32),
            first_layer=grown(self.first_layer, first_layer, np.float16),
            probe_probabilities=grown(self.probe_probabilities, probe_probabilities,
                                      np.float16),
            confusion=grown(self.confusion, confusion, np.int32))

    @classmethod
    def empty(cls, probe_images, probe_labels, image_shape) -> "Snapshots":
        count = len(probe_labels)
        return cls(epochs=np.zeros(0, np.int32),
                   first_layer=np.zeros((0, *image_shape), np.float16),
                   probe_probabilities=np.zeros((0, count, 10), np.float16),
                   confusion=np.zeros((0, 10, 10), np.int32),
                   probe_images=np.asarray(probe_images, np.uint8),
                   probe_labels=np.asarray(probe_labels, np.int32))


FIELDS = tuple(field.name for field in dataclasses.fields(Snapshots))


class SnapshotFiles:
    """The Registry's snapshot methods (see store.registry)."""

    run_dir: Callable[[str], Path]  # HomeLayout.run_dir

    def snapshots_path(self, run_id: str) -> Path:
        return self.run_dir(run_id) / files.SNAPSHOT_FILE

    def save_snapshots(self, run_id: str, snapshots: Snapshots) -> None:
        """Raises files.DiskFull, with a message that says so, when the disk is full."""
        buffer = io.BytesIO()
        # Not compressed: float16 weights shrink by a sixth, and compressing took 34 ms of a
        # 0.5 s epoch (benchmarks/insight.py).
        np.savez(buffer, **dataclasses.asdict(snapshots))
        files.write_atomically(self.snapshots_path(run_id), buffer.getvalue())

    def load_snapshots(self, run_id: str) -> Snapshots | None:
        """None for a run stored without them; RunError when the file is damaged."""
        path = self.snapshots_path(run_id)
        try:
            with np.load(path, allow_pickle=False) as archive:
                snapshots = Snapshots(**{name: archive[name] for name in FIELDS})
        except FileNotFoundError:
            return None
        except (OSError, ValueError, KeyError, TypeError, zipfile.BadZipFile, EOFError) as error:
            raise RunError(f"run {run_id}: its replay file {path} is damaged ({error})") from error
        _check_shapes(path, snapshots)
        return snapshots


def _check_shapes(path: Path, snapshots: Snapshots) -> None:
    frames, probes = len(snapshots.epochs), len(snapshots.probe_labels)
    expected = {"first_layer": (frames,), "probe_probabilities": (frames, probes, 10),
                "confusion": (frames, 10, 10), "probe_images": (probes, 28, 28)}
    for name, shape in expected.items():
        actual = getattr(snapshots, name).shape
        if actual[:len(shape)] != shape or getattr(snapshots, name).ndim != (
                4 if name == "first_layer" else len(shape)):
            raise RunError(f"{path} is damaged: its {name} has shape {actual}")
