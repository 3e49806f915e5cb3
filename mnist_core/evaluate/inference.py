"""Stored models answering for digits: fast prediction, a small model cache, image files."""

import collections
import dataclasses
import threading
from pathlib import Path

import numpy as np

from mnist_core.data import preprocess
from mnist_core.drawing import pipeline, uploads
from mnist_core.store import Registry, RunError

MODELS_KEPT = 8  # loaded models held in memory at once
PREDICT_CHUNK = 2000  # digits per call: the whole test set at once would need a large buffer


def predict(model, digits: np.ndarray) -> np.ndarray:
    """Class probabilities (n, 10) for uint8 digits (n, 28, 28), white ink on black.

    predict_on_batch reuses one traced function (about 0.3 ms for one digit on the default
    MLP), where model.predict builds a data pipeline on every call (about 40 ms).
    """
    if digits.ndim != 3 or digits.shape[1:] != (28, 28):
        raise ValueError(f"predict expects digits of shape (n, 28, 28), got {digits.shape}")
    scaled = preprocess.scale(digits)
    chunks = [np.asarray(model.predict_on_batch(scaled[start:start + PREDICT_CHUNK]))
              for start in range(0, len(scaled), PREDICT_CHUNK)]
    return np.concatenate(chunks) if chunks else np.zeros((0, preprocess.NUM_CLASSES), np.float32)


class ModelCache:
    """The most recently used models of one registry, keyed by run id and model-file mtime.

    A model whose file was replaced is loaded again. Safe to share between sessions (threads).
    """

    def __init__(self, registry: Registry, capacity: int = MODELS_KEPT):
        if capacity < 1:
            raise ValueError(f"a model cache needs room for at least 1 model, got {capacity}")
        self.registry = registry
        self.capacity = capacity
        self._models: collections.OrderedDict[str, tuple[int, object]] = (
            collections.OrderedDict())
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._models)

    def get(self, run_id: str):
        """The run's Keras model. Raises RunError for a missing or damaged file (this run only)."""
        path = self.registry.model_path(run_id)
        version = path.stat().st_mtime_ns if path.is_file() else None
        with self._lock:
            cached = self._models.get(run_id)
            if cached is not None and cached[0] == version:
                self._models.move_to_end(run_id)
                return cached[1]
        model = self.registry.load_model(run_id)  # outside the lock: other sessions go on
        try:
            predict(model, np.zeros((1, 28, 28), np.uint8))  # trace now, not on a first drawing
        except Exception as error:  # Keras raises many types for a model of the wrong shape
            raise RunError(f"run {run_id}: its model cannot classify 28×28 digits ({error})") \
                from error
        with self._lock:
            self._models[run_id] = (version, model)
            self._models.move_to_end(run_id)
            while len(self._models) > self.capacity:
                self._models.popitem(last=False)
        return model


@dataclasses.dataclass(frozen=True)
class Answer:
    """One model's probabilities for one digit, or why that model could not answer."""

    run_id: str
    probabilities: np.ndarray | None  # (10,)
    error: str | None = None

    @property
    def label(self) -> int | None:
        return None if self.probabilities is None else int(self.probabilities.argmax())


def predict_each(cache: ModelCache, run_ids: list[str], digit: np.ndarray) -> list[Answer]:
    """Every run's answer for one (28, 28) digit; a broken model gives an error, not an abort."""
    answers = []
    for run_id in run_ids:
        try:
            probabilities = predict(cache.get(run_id), digit[np.newaxis])[0]
        except RunError as error:
            answers.append(Answer(run_id, probabilities=None, error=str(error)))
        else:
            answers.append(Answer(run_id, probabilities=probabilities))
    return answers


def read_digit(path: str | Path) -> np.ndarray:
    """The (28, 28) digit in a PNG or JPEG file, by the drawing pipeline (either ink polarity).

    Raises UploadError naming the file when it cannot be read or holds no digit.
    """
    try:
        raw_bytes = Path(path).read_bytes()
    except OSError as error:
        raise uploads.UploadError(f"{path}: cannot read it ({error.strerror})") from error
    try:
        prepared = pipeline.prepare(uploads.read_upload(raw_bytes))
    except uploads.UploadError as error:
        raise uploads.UploadError(f"{path}: {error}") from error
    if prepared.is_empty:
        raise uploads.UploadError(f"{path}: no digit found ({prepared.reason})")
    return prepared.digit


def predict_files(paths: list[str | Path], run_ids: list[str],
                  registry: Registry) -> list[dict]:
    """One row per image file and run: {"image", "run_id", "label", "probabilities", "error"}.

    Every file is checked before any prediction (UploadError names a bad one). A model that
    cannot be loaded gives rows with its error, and label and probabilities None: the other
    models still answer.
    """
    if not paths or not run_ids:
        return []
    digits = np.stack([read_digit(path) for path in paths])  # (files, 28, 28)
    cache = ModelCache(registry, capacity=len(run_ids))  # checks each model takes 28×28 digits
    answers = {}
    for run_id in run_ids:
        try:
            answers[run_id] = predict(cache.get(run_id), digits)
        except RunError as error:
            answers[run_id] = str(error)
    return [_row(path, run_id, answer if isinstance(answer, str) else answer[index])
            for index, path in enumerate(paths) for run_id, answer in answers.items()]


def _row(path, run_id: str, answer: np.ndarray | str) -> dict:
    """One file's answer from one model: its probabilities, or the model's error."""
    failed = isinstance(answer, str)
    return {"image": str(path), "run_id": run_id,
            "label": None if failed else int(answer.argmax()),
            "probabilities": None if failed else answer.tolist(),
            "error": answer if failed else None}


def limit_threads(intra_op: int = 1, inter_op: int = 1) -> bool:
    """Keep this process's TensorFlow to few threads; call once, before the first model loads.

    The server only predicts (workers train). For one digit, more threads only add hand-offs
    (benchmarks/predict.py, 2 cores: the CNN's median 0.9 ms with one thread, 1.3 ms with
    two), and they would contend with the training workers for the cores.
    Returns False when TensorFlow had already started and keeps its settings.
    """
    import tensorflow as tf  # only a process that predicts pays for importing TensorFlow

    try:
        tf.config.threading.set_intra_op_parallelism_threads(intra_op)
        tf.config.threading.set_inter_op_parallelism_threads(inter_op)
    except RuntimeError:  # "... cannot be modified after initialization"
        return False
    return True
