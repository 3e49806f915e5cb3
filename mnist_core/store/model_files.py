"""One .keras file per finished run, written atomically; a damaged one fails alone."""

import os
from pathlib import Path

from mnist_core.store.records import RunError


class ModelFiles:
    """The Registry's model-file methods (see store.registry)."""

    models_dir: Path

    def model_path(self, run_id: str) -> Path:
        return self.models_dir / f"{run_id}.keras"

    def save_model(self, run_id: str, model) -> Path:
        """Write to a temporary file, then rename: a reader never sees half a model."""
        target = self.model_path(run_id)
        temporary = target.with_name(f".{run_id}.{os.getpid()}.tmp.keras")
        try:
            model.save(temporary)
            os.replace(temporary, target)
        except BaseException:
            temporary.unlink(missing_ok=True)  # a half-written file would only take up space
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

    def delete_model(self, run_id: str) -> None:
        self.model_path(run_id).unlink(missing_ok=True)
