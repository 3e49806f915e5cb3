"""The Registry: the one source of truth for runs and sweeps, under MNIST_LAB_HOME.

A facade over the SQLite index (store.database) and the model files: its methods come from
RunRows, SweepRows and ModelFiles, so callers hold one object.
"""

import os
from pathlib import Path

from mnist_core.store.database import Database
from mnist_core.store.model_files import ModelFiles
from mnist_core.store.runs import RunRows
from mnist_core.store.sweeps import SweepRows


def lab_home() -> Path:
    return Path(os.environ.get("MNIST_LAB_HOME") or Path.home() / ".mnist_lab")


class Registry(RunRows, SweepRows, ModelFiles):
    """Runs, sweeps and model files. Safe to use from several processes at once."""

    def __init__(self, home: Path | None = None):
        self.home = Path(home) if home else lab_home()
        self.models_dir = self.home / "models"
        self.models_dir.mkdir(parents=True, exist_ok=True)
        self.database = Database(self.home / "registry.sqlite")
        self.path = self.database.path

    def transaction(self, read_only: bool = False):
        """See Database.transaction: for read-decide-write steps such as claiming a job."""
        return self.database.transaction(read_only)
