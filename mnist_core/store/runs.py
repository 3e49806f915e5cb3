"""Run rows in the index: create, read, update, cancel, delete, and runs whose process died."""

import json
import secrets
import time

from mnist_core.store.database import Database
from mnist_core.store.records import Run, RunError

LECTURE_WORKSPACE = "lecture"  # runs an instructor made from the CLI; every workspace sees them
JSON_COLUMNS = ("history", "versions", "config")


def new_run_id() -> str:
    return time.strftime("%Y%m%d-%H%M%S") + "-" + secrets.token_hex(3)


def assignments(fields: dict) -> tuple[str, list]:
    """`a = ?, b = ?` and its values, with JSON columns encoded."""
    values = [json.dumps(value) if column in JSON_COLUMNS else value
              for column, value in fields.items()]
    return ", ".join(f"{column} = ?" for column in fields), values


class RunRows:
    """The Registry's run methods (see store.registry)."""

    database: Database

    def create(self, *, config: dict, model: str, workspace: str, seed: int, command: str,
               state: str = "queued", kind: str = "single", sweep_id: str | None = None,
               params: int | None = None, pid: int | None = None, connection=None) -> str:
        """Insert a run and return its id; pass `connection` to insert inside a transaction()."""
        run_id = new_run_id()
        now = time.time()
        with self.database.using(connection) as connection:
            connection.execute(
                "INSERT INTO runs (run_id, kind, sweep_id, model, workspace, state, config, seed,"
                " command, created_at, started_at, params, pid)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (run_id, kind, sweep_id, model, workspace, state, json.dumps(config), seed,
                 command, now, now if state == "running" else None, params, pid),
            )
        return run_id

    def get(self, run_id: str) -> Run:
        with self.database.connect() as connection:
            row = connection.execute("SELECT * FROM runs WHERE run_id = ?", (run_id,)).fetchone()
        if row is None:
            raise RunError(f"no run {run_id!r}")
        return Run.from_row(row)

    def runs(self, workspace: str | None = None, kinds: tuple[str, ...] = ("single",),
             states: tuple[str, ...] | None = None) -> list[Run]:
        """Newest first. A workspace also sees the lecture workspace's runs."""
        query = f"SELECT * FROM runs WHERE kind IN ({','.join('?' * len(kinds))})"
        arguments: list = list(kinds)
        if workspace is not None:
            query += " AND workspace IN (?, ?)"
            arguments += [workspace, LECTURE_WORKSPACE]
        if states is not None:
            query += f" AND state IN ({','.join('?' * len(states))})"
            arguments += list(states)
        with self.database.connect() as connection:
            rows = connection.execute(query + " ORDER BY created_at DESC", arguments).fetchall()
        return [Run.from_row(row) for row in rows]

    def update(self, run_id: str, connection=None, **fields) -> None:
        if not fields:
            return
        columns, values = assignments(fields)
        with self.database.using(connection) as connection:
            connection.execute(f"UPDATE runs SET {columns} WHERE run_id = ?", [*values, run_id])

    def request_cancel(self, run_id: str) -> None:
        """A queued run is cancelled at once; a running one when its trainer next looks."""
        with self.database.transaction() as connection:
            connection.execute(
                "UPDATE runs SET state = 'cancelled', finished_at = ? "
                "WHERE run_id = ? AND state = 'queued'", (time.time(), run_id))
            connection.execute(
                "UPDATE runs SET cancel_requested = 1 WHERE run_id = ? AND state = 'running'",
                (run_id,))

    def is_cancel_requested(self, run_id: str) -> bool:
        with self.database.connect() as connection:
            row = connection.execute(
                "SELECT cancel_requested FROM runs WHERE run_id = ?", (run_id,)).fetchone()
        return bool(row and row[0])

    def delete(self, run_id: str) -> None:
        self.get(run_id)  # raises RunError for an unknown id
        with self.database.connect() as connection:
            connection.execute("DELETE FROM runs WHERE run_id = ?", (run_id,))
        self.delete_model(run_id)

    def mark_interrupted(self, is_alive) -> list[str]:
        """Runs recorded as running whose process is gone: their worker or the server died."""
        with self.database.transaction() as connection:
            rows = connection.execute(
                "SELECT run_id, pid FROM runs WHERE state = 'running'").fetchall()
            dead = [row["run_id"] for row in rows if not is_alive(row["pid"])]
            connection.executemany(
                "UPDATE runs SET state = 'interrupted', finished_at = ?, "
                "error = 'its training process stopped before the run finished' "
                "WHERE run_id = ?", [(time.time(), run_id) for run_id in dead])
        return dead
