"""Rebuild the index from the run files: after damage, after it was deleted, on request.

The damaged index (with its -wal and -shm files) is moved aside, never deleted. Runs that
were running come back interrupted; queued ones stay queued.
"""

import dataclasses
import os
import time
from pathlib import Path

from mnist_core.store import files
from mnist_core.store.database import Database
from mnist_core.store.records import RunError
from mnist_core.store.runs import insert_row, interrupted
from mnist_core.store.sweeps import insert_sweep_rows

INDEX_FILE = "registry.sqlite"


class RepairRefused(RunError):  # noqa: N818  (a public name that callers catch)
    """A live process still trains a run: rebuilding under it would lose its updates."""


@dataclasses.dataclass
class RepairReport:
    recovered: int  # runs and sweeps back in the index
    skipped: list[dict]  # {"path", "reason"} for each file that could not be used
    moved_aside: str | None  # where the old index went, or None when there was none

    def to_json(self) -> dict:
        return dataclasses.asdict(self)


def scan(home: Path) -> tuple[list[dict], list[dict], list[dict]]:
    """Every readable run and sweep file under `home`, and the files skipped with why."""
    found = {files.RUNS_DIR: [], files.SWEEPS_DIR: []}
    skipped = []
    for folder, name, required in ((files.RUNS_DIR, files.RUN_FILE, files.RUN_KEYS),
                                   (files.SWEEPS_DIR, files.SWEEP_FILE, files.SWEEP_KEYS)):
        for directory in sorted((home / folder).glob("*")):
            if not directory.is_dir() or directory.name.startswith("."):
                continue  # a half-deleted or half-imported folder
            try:
                found[folder].append(files.read_record(directory / name, required))
            except RunError as error:
                skipped.append({"path": str(directory / name), "reason": str(error)})
    return found[files.RUNS_DIR], found[files.SWEEPS_DIR], skipped


def repair(home: Path, is_alive) -> RepairReport:
    """Rebuild `home`'s index from its files, under the home's lock. Raises RepairRefused
    while a live process (is_alive(pid)) trains one of its runs."""
    with files.home_lock(home):
        return rebuild(home, is_alive)


def rebuild(home: Path, is_alive) -> RepairReport:
    """As repair(), for a caller that already holds the home's lock."""
    runs, sweeps, skipped = scan(home)
    for record in (*runs, *sweeps):
        if record["state"] == "running" and is_alive(record.get("pid")):
            name = record.get("run_id") or record.get("sweep_id")
            raise RepairRefused(
                f"run {name} is still being trained by process {record['pid']}: let it finish "
                "or cancel it, then repair again")
    index = home / INDEX_FILE
    fresh = home / f".{INDEX_FILE}.rebuilding-{os.getpid()}"
    _remove_index(fresh)
    database = Database(fresh)
    with database.transaction() as connection:
        for record in runs:
            insert_row(connection, _stopped(record, home / files.RUNS_DIR / record["run_id"]
                                            / files.RUN_FILE))
        for record in sweeps:
            insert_sweep_rows(connection, _stopped(
                record, home / files.SWEEPS_DIR / record["sweep_id"] / files.SWEEP_FILE))
    moved = _move_aside(index, _is_damaged(index)) if index.exists() else None
    os.replace(fresh, index)
    return RepairReport(recovered=len(runs) + len(sweeps), skipped=skipped, moved_aside=moved)


def _stopped(record: dict, path: Path) -> dict:
    """A run found running (its process is gone) comes back interrupted, in its file too."""
    if record["state"] != "running":
        return record
    record = interrupted(record, "its training process stopped before the run finished (it "
                                 "was running when the index was rebuilt)")
    files.write_record(path, record)
    return record


def _is_damaged(index: Path) -> bool:
    try:
        Database(index)
    except RunError:  # IndexDamaged
        return True
    return False


def _move_aside(index: Path, damaged: bool) -> str:
    stamp = time.strftime("%Y%m%d-%H%M%S")
    target = index.with_name(f"{index.name}.{'damaged' if damaged else 'replaced'}-{stamp}")
    copies = 1
    while target.exists():  # a second repair within the same second keeps the first copy
        copies += 1
        target = target.with_name(f"{index.name}.{'damaged' if damaged else 'replaced'}"
                                  f"-{stamp}-{copies}")
    for suffix in ("", "-wal", "-shm"):
        source = Path(f"{index}{suffix}")
        if source.exists():
            os.replace(source, f"{target}{suffix}")
    return str(target)


def _remove_index(path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
