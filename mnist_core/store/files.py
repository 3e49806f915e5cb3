"""Each run's own files, the truth the index is built from.

    MNIST_LAB_HOME/runs/<run_id>/run.json      config, state, curves, metrics, versions, data
    MNIST_LAB_HOME/runs/<run_id>/model.keras   when the run saved one
    MNIST_LAB_HOME/runs/<run_id>/snapshots.npz the replay of its training, when it kept one
    MNIST_LAB_HOME/sweeps/<sweep_id>/sweep.json  spec, lifecycle and member ids

Every file is written to a temporary name beside it and renamed, so a reader (or a process
killed mid-write) only ever sees a whole old file or a whole new one.
"""

import contextlib
import errno
import fcntl
import json
import os
import shutil
import tempfile
import threading
from pathlib import Path

from mnist_core.store.records import RunError

FORMAT = 1
RUNS_DIR, SWEEPS_DIR = "runs", "sweeps"
RUN_FILE, SWEEP_FILE, MODEL_FILE = "run.json", "sweep.json", "model.keras"
SNAPSHOT_FILE = "snapshots.npz"  # the training replay (store.snapshot_files)
# A record file must say what it is: these keys are required in every one.
RUN_KEYS = ("run_id", "kind", "model", "workspace", "state", "config", "seed", "command",
            "created_at")
SWEEP_KEYS = ("sweep_id", "workspace", "state", "spec", "command", "created_at", "tasks_total")
# The folder's name is the record's id: a run file holding another run's record (a folder
# copied as a backup, say) is not this run, and two rows with one id would stop a repair.
ID_KEYS = {RUN_FILE: "run_id", SWEEP_FILE: "sweep_id"}
# What each field of a record must be, when present: a record of the wrong shape (a list
# for its config, a string for its time) would fail every page that lists it.
_NUMBER, _MAYBE_NUMBER = (int, float), (int, float, type(None))
FIELD_TYPES = {
    **dict.fromkeys(("run_id", "kind", "model", "workspace", "state", "command"), str),
    **dict.fromkeys(("sweep_id", "error"), (str, type(None))),
    **dict.fromkeys(("config", "versions", "data", "spec"), dict),
    **dict.fromkeys(("history", "members", "training_now"), list),
    **dict.fromkeys(("seed", "tasks_total", "cancel_requested"), int),
    **dict.fromkeys(("params", "pid"), (int, type(None))),
    **dict.fromkeys(("created_at", "progress"), _NUMBER),
    **dict.fromkeys(("started_at", "finished_at", "test_loss", "test_accuracy", "val_accuracy",
                     "seconds", "eta_seconds"), _MAYBE_NUMBER),
}


class HomeLayout:
    """Where each record's files live under the lab home (a part of the Registry)."""

    home: Path

    def run_dir(self, run_id: str) -> Path:
        return self.home / RUNS_DIR / run_id

    def run_file(self, run_id: str) -> Path:
        return self.run_dir(run_id) / RUN_FILE

    def sweep_dir(self, sweep_id: str) -> Path:
        return self.home / SWEEPS_DIR / sweep_id

    def sweep_file(self, sweep_id: str) -> Path:
        return self.sweep_dir(sweep_id) / SWEEP_FILE


class DiskFull(OSError):  # noqa: N818  (a public name that callers catch)
    """Nothing more can be written under MNIST_LAB_HOME."""


def write_atomically(path: Path, payload: bytes) -> None:
    """Temporary file beside `path`, flushed to disk, then renamed over it."""
    with replacing(path) as stream:
        stream.write(payload)


@contextlib.contextmanager
def replacing(path: Path):
    """A binary stream to a temporary file beside `path`, flushed to disk and renamed over
    it when the block ends; an error in the block leaves `path` as it was."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as stream:
            yield stream
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, path)
    except BaseException as error:
        Path(temporary).unlink(missing_ok=True)
        if is_disk_full(error):
            raise disk_full(error) from error
        raise


def disk_full(error: BaseException) -> DiskFull:
    return DiskFull(errno.ENOSPC, f"the disk is full, so nothing more could be saved ({error})")


def is_disk_full(error: BaseException) -> bool:
    return isinstance(error, OSError) and error.errno in (errno.ENOSPC, errno.EDQUOT)


def write_record(path: Path, record: dict) -> None:
    write_atomically(path, record_bytes(record))


def record_bytes(record: dict) -> bytes:
    """A run or sweep file's contents."""
    return json.dumps({"format": FORMAT, **record}, indent=1).encode()


def read_record(path: Path, required: tuple[str, ...]) -> dict:
    """A run or sweep file's record; RunError naming the file and what is wrong with it."""
    try:
        record = json.loads(path.read_bytes())
    except FileNotFoundError:
        raise RunError(f"{path} is missing") from None
    except (OSError, ValueError) as error:  # unreadable, not UTF-8, not JSON
        raise RunError(f"{path} is damaged: not readable JSON ({error})") from error
    if not isinstance(record, dict):
        raise RunError(f"{path} is damaged: it holds no record")
    if record.get("format") != FORMAT:
        raise RunError(f"{path} has format {record.get('format')!r}; this lab reads {FORMAT}")
    missing = [key for key in required if key not in record]
    if missing:
        raise RunError(f"{path} is damaged: it lacks {', '.join(missing)}")
    wrong = [key for key, types in FIELD_TYPES.items()
             if key in record and not isinstance(record[key], types)]
    if isinstance(record.get("history"), list) and not all(
            isinstance(epoch, dict) for epoch in record["history"]):
        wrong.append("history")
    if wrong:
        raise RunError(f"{path} is damaged: its {', '.join(wrong)} "
                       f"{'is' if len(wrong) == 1 else 'are'} not of the right type")
    id_key = ID_KEYS.get(path.name)
    if id_key in record and record[id_key] != path.parent.name:
        raise RunError(f"{path} is damaged: it holds the record of {record[id_key]!r}, "
                       f"not of {path.parent.name!r}")
    del record["format"]
    return record


def remove_tree(path: Path) -> None:
    """Rename first (atomic), then delete: a half-deleted folder is never mistaken for a run."""
    if not path.exists():
        return
    doomed = path.with_name(f".deleted-{path.name}-{os.getpid()}")
    os.replace(path, doomed)
    shutil.rmtree(doomed, ignore_errors=True)


_held_alone = threading.local()  # the homes this thread holds the lock of alone


@contextlib.contextmanager
def home_lock(home: Path, shared: bool = False):
    """The lab home's lock: shared by every write transaction, held alone while the index
    is repaired, a home migrated or a zip imported, so a rebuild never misses a write made
    during it. A thread that holds it alone may write (its shared requests pass)."""
    held = getattr(_held_alone, "homes", set())
    key = str(home.resolve())
    if shared and key in held:
        yield
        return
    home.mkdir(parents=True, exist_ok=True)
    with open(home / "store.lock", "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_SH if shared else fcntl.LOCK_EX)
        if not shared:
            _held_alone.homes = held | {key}
        try:
            yield
        finally:
            if not shared:
                _held_alone.homes = held
            fcntl.flock(handle, fcntl.LOCK_UN)
