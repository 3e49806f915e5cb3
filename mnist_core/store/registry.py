"""The Registry: the one place runs and sweeps are read and written, under MNIST_LAB_HOME.

A facade over each run's own files (store.files, the truth) and the SQLite index built from
them (store.database, for fast listing and atomic claims): its methods come from RunRows,
SweepRows, ModelFiles, SnapshotFiles and HomeLayout, so callers hold one object.
"""

import contextlib
import os
from pathlib import Path

from mnist_core.store import files, migrate, repair
from mnist_core.store.database import MISSING_INDEX, Database, IndexDamaged
from mnist_core.store.model_files import ModelFiles
from mnist_core.store.processes import is_process_alive
from mnist_core.store.runs import RunRows
from mnist_core.store.snapshot_files import SnapshotFiles
from mnist_core.store.sweeps import SweepRows


def lab_home() -> Path:
    return Path(os.environ.get("MNIST_LAB_HOME") or Path.home() / ".mnist_lab")


class Registry(RunRows, SweepRows, ModelFiles, SnapshotFiles, files.HomeLayout):
    """Runs, sweeps and model files. Safe to use from several processes at once.

    Opening it rebuilds a missing index from the run files and migrates a home written
    before run files existed; it raises IndexDamaged for a damaged index (store.repair).
    """

    def __init__(self, home: Path | None = None):
        self.home = Path(home) if home else lab_home()
        self.path = self.home / repair.INDEX_FILE
        self._file_checks: dict = {}  # record id -> (file signature, its problem or None)
        self._index_signature = None  # the index file as check_index last found it sound
        if not self.path.exists():
            with files.home_lock(self.home):
                if not self.path.exists() and not migrate.needs_migration(self.home):
                    repair.rebuild(self.home, is_process_alive)
        self.database = Database(self.path)
        if migrate.needs_migration(self.home):
            with files.home_lock(self.home):
                if migrate.needs_migration(self.home):
                    migrate.migrate(self)

    def check_index(self) -> None:
        """Raises IndexDamaged when the index is damaged or gone (see ui.engine). Every page
        of it is checked when its file changed (overwritten, truncated) since the last look."""
        try:
            stat = self.path.stat()
        except FileNotFoundError:
            raise IndexDamaged(self.path, MISSING_INDEX) from None
        signature = (stat.st_mtime_ns, stat.st_size)
        self.database.check(thoroughly=signature != self._index_signature)
        self._index_signature = signature

    @contextlib.contextmanager
    def transaction(self, read_only: bool = False):
        """See Database.transaction: for read-decide-write steps such as claiming a job.
        A write transaction holds the home's lock shared: a repair waits for it."""
        if read_only:
            with self.database.transaction(read_only=True) as connection:
                yield connection
            return
        with files.home_lock(self.home, shared=True), self.database.transaction() as connection:
            yield connection
