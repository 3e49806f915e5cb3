"""Rebuild the index from the run files: after damage, after it was deleted, on request.

The damaged index (with its -wal and -shm files) is moved aside, never deleted. Runs that
were running come back interrupted; queued ones stay queued.
"""

import dataclasses
import os
import sqlite3
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


def repair(home: Path, is_alive, only_if_damaged: bool = False) -> RepairReport | None:
    """Rebuild `home`'s index from its files, under the home's lock. Raises RepairRefused
    while a live process (is_alive(pid)) trains one of its runs. With only_if_damaged, an
    index found sound once the lock is held (another process repaired it meanwhile) is
    left as it is, and None returned."""
    with files.home_lock(home):
        if only_if_damaged and not is_damaged(home / INDEX_FILE):
            return None
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
    try:
        recovered = _fill(Database(fresh), home, runs, sweeps, skipped)
        # A log left beside a deleted index would be replayed into the new one: set aside too.
        leftovers = any(Path(f"{index}{suffix}").exists() for suffix in ("", "-wal", "-shm"))
        moved = _move_aside(index, is_damaged(index)) if leftovers else None
        os.replace(fresh, index)
    finally:
        _remove_index(fresh)  # nothing is left of a rebuild that failed
    return RepairReport(recovered=recovered, skipped=skipped, moved_aside=moved)


def _fill(database: Database, home: Path, runs, sweeps, skipped: list[dict]) -> int:
    """Index every record; one the index refuses (a second copy of an id, say) is skipped
    with the reason, not the whole repair."""
    recovered = 0
    with database.transaction() as connection:
        for folder, name, records, insert in (
                (files.RUNS_DIR, files.RUN_FILE, runs, insert_row),
                (files.SWEEPS_DIR, files.SWEEP_FILE, sweeps, insert_sweep_rows)):
            for record in records:
                record_id = record.get("run_id") or record["sweep_id"]
                path = home / folder / record_id / name
                connection.execute("SAVEPOINT record")
                try:
                    insert(connection, _stopped(record, path))
                except sqlite3.DatabaseError as error:
                    connection.execute("ROLLBACK TO record")
                    skipped.append({"path": str(path), "reason": f"not indexed: {error}"})
                    continue
                finally:
                    connection.execute("RELEASE record")
                recovered += 1
    return recovered


def _stopped(record: dict, path: Path) -> dict:
    """A run found running (its process is gone) comes back interrupted, in its file too."""
    if record["state"] != "running":
        return record
    record = interrupted(record, "its training process stopped before the run finished (it "
                                 "was running when the index was rebuilt)")
    files.write_record(path, record)
    return record


def is_damaged(index: Path) -> bool:
    """Whether an index is missing or unsound, read without changing it."""
    if not index.exists():
        return True
    try:
        with sqlite3.connect(f"{index.resolve().as_uri()}?mode=ro", uri=True) as connection:
            verdict = connection.execute("PRAGMA quick_check").fetchone()[0]
            has_runs = connection.execute(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'runs'").fetchone()
    except sqlite3.DatabaseError:
        return True
    return verdict != "ok" or not has_runs


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
