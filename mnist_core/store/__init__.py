"""Where runs live: each run's own files under MNIST_LAB_HOME, the SQLite index rebuilt from
them, and the Registry that reads and writes both."""

from mnist_core.store import access, keys
from mnist_core.store.access import TERMINAL, Credential, NotAllowed
from mnist_core.store.database import MISSING_INDEX, IndexDamaged
from mnist_core.store.files import DiskFull
from mnist_core.store.records import ACTIVE_STATES, FINAL_STATES, Run, RunError, Sweep
from mnist_core.store.registry import Registry, lab_home
from mnist_core.store.repair import RepairRefused, RepairReport, repair
from mnist_core.store.runs import LECTURE_WORKSPACE, WORKSPACE_PATTERN, check_workspace, new_run_id

__all__ = ["ACTIVE_STATES", "FINAL_STATES", "LECTURE_WORKSPACE", "MISSING_INDEX", "TERMINAL",
           "WORKSPACE_PATTERN", "Credential", "DiskFull", "IndexDamaged", "NotAllowed",
           "Registry", "RepairRefused", "access", "keys",
           "RepairReport", "Run", "RunError", "Sweep", "check_workspace", "lab_home",
           "new_run_id", "repair"]
