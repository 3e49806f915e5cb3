"""One model.keras per finished run, in its run folder, written atomically; a damaged one
fails alone."""

import os
from collections.abc import Callable
from pathlib import Path

from mnist_core.store import files
from mnist_core.store.records import RunError


class ModelFiles:
    """The Registry's model-file methods (see store.registry)."""

    run_dir: Callable[[str], Path]  # HomeLayout.run_dir

    def model_path(self, run_id: str) -> Path:
        return self.run_dir(run_id) / files.MODEL_FILE

    def save_model(self, run_id: str, model) -> Path:
        """Write to a temporary file, then rename: a reader never sees half a model.
        Raises files.DiskFull, with a message that says so, when the disk is full."""
        return self._write_model(run_id, model.save)

    def save_model_bytes(self, run_id: str, content: bytes) -> Path:
        """A model trained elsewhere (on a Ray node), as the bytes of its .keras file."""
        return self._write_model(run_id, lambda path: path.write_bytes(content))

    def _write_model(self, run_id: str, write: Callable[[Path], object]) -> Path:
        target = self.model_path(run_id)
        target.parent.mkdir(parents=True, exist_ok=True)
        temporary = target.with_name(f".{target.stem}.{os.getpid()}.tmp.keras")
        try:
            write(temporary)
            os.replace(temporary, target)
        except BaseException as error:
            temporary.unlink(missing_ok=True)  # a half-written file would only take up space
            if files.is_disk_full(error):
                raise files.disk_full(error) from error
            raise
        return target

    def load_model(self, run_id: str):
        import keras  # only callers that predict pay for importing TensorFlow

        path = self.model_path(run_id)
        if not path.is_file():
            raise RunError(f"run {run_id}: its model file {path} is missing")
        try:
            return keras.saving.load_model(path, safe_mode=True)
        except Exception as error:  # Keras raises many types for a damaged file
            raise RunError(f"run {run_id}: its model file {path} is damaged ({error})") from error
