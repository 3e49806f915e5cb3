"""Where runs live: the Registry over a SQLite index and one .keras file per finished run."""

from mnist_core.store.records import ACTIVE_STATES, FINAL_STATES, Run, RunError, Sweep
from mnist_core.store.registry import Registry, lab_home
from mnist_core.store.runs import LECTURE_WORKSPACE, new_run_id

__all__ = ["ACTIVE_STATES", "FINAL_STATES", "LECTURE_WORKSPACE", "Registry", "Run", "RunError",
           "Sweep", "lab_home", "new_run_id"]
