"""A lab home written before run files existed (an index and models/<run_id>.keras) gets
its run files once, written from the index, and its models moved into the run folders."""

import os
import sqlite3
from pathlib import Path

from mnist_core.store import files
from mnist_core.store.runs import record_of

OLD_MODELS_DIR = "models"


def needs_migration(home: Path) -> bool:
    return not (home / files.RUNS_DIR).is_dir()


def migrate(registry) -> int:
    """Write every run's and sweep's file from the index; return how many. Call it under
    the home's lock: it is done once, by the first process that opens the old home."""
    home = registry.home
    with registry.database.transaction() as connection:
        rows = connection.execute("SELECT * FROM runs ORDER BY kind = 'sweep'").fetchall()
        for row in rows:
            _migrate_row(registry, connection, row)
    (home / files.RUNS_DIR).mkdir(exist_ok=True)
    old_models = home / OLD_MODELS_DIR
    if old_models.is_dir() and not any(old_models.iterdir()):
        old_models.rmdir()
    return len(rows)


def _migrate_row(registry, connection, row: sqlite3.Row) -> None:
    record = record_of(row)
    if record["kind"] == "sweep":
        registry.write_sweep_file(connection, record)
        return
    registry.write_run_file(record)
    old_model = registry.home / OLD_MODELS_DIR / f"{record['run_id']}.keras"
    if old_model.is_file():
        os.replace(old_model, registry.model_path(record["run_id"]))
