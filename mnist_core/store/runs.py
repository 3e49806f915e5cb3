"""Run rows in the index, each written to its run file first: create, read, update, cancel,
delete, and runs whose process died."""

import dataclasses
import json
import re
import secrets
import time
from collections.abc import Callable
from pathlib import Path

from mnist_core.store import access, files
from mnist_core.store.database import Database, IndexDamaged
from mnist_core.store.records import ACTIVE_STATES, Run, RunError

# The instructor's workspace (its key is the instructor key); every workspace sees its runs.
LECTURE_WORKSPACE = access.LECTURE
# Here rather than in jobs: the store names workspaces too (an imported zip's, for one).
WORKSPACE_PATTERN = re.compile(r"^[A-Za-z0-9_-]{1,40}$")
JSON_COLUMNS = {"config": {}, "history": [], "versions": {}, "data": {}}
# Changes no run file needs: live progress is rewritten every half second, and a run that
# was running when its index was lost comes back interrupted anyway.
EPHEMERAL_COLUMNS = {"progress", "cancel_requested"}

RUN_COLUMNS = ("run_id", "kind", "sweep_id", "model", "workspace", "state", "config", "seed",
               "command", "created_at", "started_at", "finished_at", "progress", "history",
               "params", "test_loss", "test_accuracy", "val_accuracy", "seconds", "versions",
               "data", "error", "pid", "cancel_requested")


def check_workspace(name: str) -> str:
    if not WORKSPACE_PATTERN.match(name or ""):
        raise ValueError(
            f"workspace name {name!r} must be 1 to 40 letters, digits, '-' or '_'")
    return name


def new_run_id() -> str:
    return time.strftime("%Y%m%d-%H%M%S") + "-" + secrets.token_hex(3)


def interrupted(record: dict, error: str) -> dict:
    """A queued or running run's (or sweep's) record, stopped for good; `error` says why."""
    return {**record, "state": "interrupted", "pid": None, "finished_at": time.time(),
            "error": error}


def record_of(row) -> dict:
    """A run row as its file holds it: JSON columns as values (their empty value if damaged)."""
    record = dict(row)
    for column, empty in JSON_COLUMNS.items():
        try:
            record[column] = json.loads(record[column])
        except (TypeError, ValueError):
            record[column] = empty
    return record


def with_problem(record, problem: str | None):
    """A Run or Sweep with one more problem noted."""
    if problem is None:
        return record
    return dataclasses.replace(record, problem="; ".join(filter(None, [record.problem, problem])))


def row_values(record: dict) -> dict:
    """A run file's record as index columns (JSON columns encoded)."""
    return {column: json.dumps(value) if column in JSON_COLUMNS else value
            for column, value in record.items()}


def insert_row(connection, record: dict) -> None:
    """Insert a run row from a run file's record (unknown keys are left out)."""
    values = row_values({column: value for column, value in record.items()
                         if column in RUN_COLUMNS})
    connection.execute(
        f"INSERT INTO runs ({', '.join(values)}) VALUES ({', '.join('?' * len(values))})",
        list(values.values()))


class RunRows:
    """The Registry's run methods (see store.registry)."""

    database: Database
    transaction: Callable  # Registry.transaction

    def create(self, *, config: dict, model: str, workspace: str, seed: int, command: str,
               state: str = "queued", kind: str = "single", sweep_id: str | None = None,
               params: int | None = None, pid: int | None = None, connection=None,
               **results) -> str:
        """Write the run's file, then insert its row; return its id. Pass `connection` to
        insert inside a transaction(); `results` (history, metrics, ...) go in at once."""
        run_id = new_run_id()
        now = time.time()
        record = {"run_id": run_id, "kind": kind, "sweep_id": sweep_id, "model": model,
                  "workspace": workspace, "state": state, "config": config, "seed": seed,
                  "command": command, "created_at": now,
                  "started_at": now if state == "running" else None, "params": params,
                  "pid": pid, **results}
        with self._writing(connection) as connection:
            insert_row(connection, record)
            if kind != "sweep":  # a sweep's file needs its sweeps row too: create_sweep
                self.persist(connection, run_id, {})
        return run_id

    def get(self, run_id: str) -> Run:
        with self.database.connect() as connection:
            row = connection.execute("SELECT * FROM runs WHERE run_id = ?", (run_id,)).fetchone()
        if row is None:
            raise RunError(f"no run {run_id!r}")
        return self.checked(Run.from_row(row))

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
        return [self.checked(Run.from_row(row)) for row in rows]

    def checked(self, run: Run) -> Run:
        """The run, with a problem noted when its own file is missing or damaged."""
        return with_problem(run, self.own_file_problem(run.run_id, run.kind))

    def own_file_problem(self, record_id: str, kind: str) -> str | None:
        """What is wrong with the file of a run, or of a sweep (its job row's kind 'sweep')."""
        if kind == "sweep":
            return self.file_problem(record_id, self.sweep_file(record_id), files.SWEEP_KEYS)
        return self.file_problem(record_id, self.run_file(record_id), files.RUN_KEYS)

    def update(self, run_id: str, connection=None, write_file: bool = True, **fields) -> None:
        """Change a run: its file first (unless only live progress changes, or the caller
        batches its writes with write_file=False), then its row."""
        if not fields:
            return
        durable = write_file and bool(set(fields) - EPHEMERAL_COLUMNS)
        try:
            with self._writing(connection) as connection:
                if durable:
                    self.persist(connection, run_id, fields)
                values = row_values(fields)
                assignments = ", ".join(f"{column} = ?" for column in values)
                connection.execute(f"UPDATE runs SET {assignments} WHERE run_id = ?",
                                   [*values.values(), run_id])
        except IndexDamaged:
            if durable:  # the file still learns how the run went: a repair rebuilds from it
                self._update_file_only(run_id, fields)
            raise

    def _update_file_only(self, run_id: str, fields: dict) -> None:
        for path, required in ((self.run_file(run_id), files.RUN_KEYS),
                               (self.sweep_file(run_id), files.SWEEP_KEYS)):
            if path.exists():
                files.write_record(path, {**files.read_record(path, required), **fields})
                return

    def persist(self, connection, run_id: str, fields: dict) -> None:
        """Write the file of run (or sweep job) `run_id` as its row will be with `fields`."""
        row = connection.execute("SELECT * FROM runs WHERE run_id = ?", (run_id,)).fetchone()
        if row is None:
            return
        record = {**record_of(row), **fields}
        if record["kind"] == "sweep":
            self.write_sweep_file(connection, record)
        else:
            self.write_run_file(record)

    def write_run_file(self, record: dict) -> None:
        files.write_record(self.run_file(record["run_id"]), record)

    def request_cancel(self, run_id: str, credential: access.Credential | None = None) -> None:
        """A queued run is cancelled at once; a running one when its trainer next looks.
        Raises access.NotAllowed when the credential may not cancel it."""
        with self.transaction() as connection:
            row = connection.execute("SELECT state, workspace FROM runs WHERE run_id = ?",
                                     (run_id,)).fetchone()
            if row is None:
                return
            access.authorize(self.home, credential, row["workspace"], access.CANCEL)
            if row["state"] == "queued":
                self.update(run_id, connection, state="cancelled", finished_at=time.time())
            elif row["state"] == "running":
                self.update(run_id, connection, cancel_requested=1)

    def is_cancel_requested(self, run_id: str) -> bool:
        with self.database.connect() as connection:
            row = connection.execute(
                "SELECT cancel_requested FROM runs WHERE run_id = ?", (run_id,)).fetchone()
        return bool(row and row[0])

    def delete(self, run_id: str, credential: access.Credential | None = None) -> None:
        """Raises RunError for an unknown id, access.NotAllowed for a credential that may not."""
        run = self.get(run_id)
        access.authorize(self.home, credential, run.workspace, access.DELETE)
        # The folder first: killed in between, the row is left without its file (listed as
        # damaged, dropped by a repair) and a deleted run never comes back.
        files.remove_tree(self.run_dir(run_id))
        with self.transaction() as connection:
            connection.execute("DELETE FROM runs WHERE run_id = ?", (run_id,))

    def has_workspace(self, workspace: str) -> bool:
        """Whether any run or sweep (of any kind) names this workspace."""
        with self.database.connect() as connection:
            return connection.execute("SELECT 1 FROM runs WHERE workspace = ? LIMIT 1",
                                      (workspace,)).fetchone() is not None

    def mark_interrupted(self, is_alive) -> list[str]:
        """Runs recorded as running whose process is gone: their worker or the server died.

        The run's file wins: a run that finished just before its process died (its file
        written, its row not yet) keeps its result.
        """
        interrupted = []
        with self.transaction() as connection:
            rows = connection.execute(
                "SELECT run_id, pid, kind FROM runs WHERE state = 'running'").fetchall()
            for row in rows:
                if is_alive(row["pid"]):
                    continue
                finished = self.finished_in_file(row["run_id"], row["kind"])
                if finished:
                    self.update(row["run_id"], connection, write_file=False, **finished)
                    continue
                self.update(row["run_id"], connection, state="interrupted",
                            finished_at=time.time(),
                            error="its training process stopped before the run finished")
                interrupted.append(row["run_id"])
        return interrupted

    def finished_in_file(self, run_id: str, kind: str) -> dict | None:
        """The run file's fields when it records a final state, else None."""
        path = self.sweep_file(run_id) if kind == "sweep" else self.run_file(run_id)
        try:
            record = files.read_record(path, ("state",))
        except RunError:
            return None
        if record["state"] in ACTIVE_STATES:
            return None
        own_id = ("run_id", "sweep_id") if kind == "sweep" else ("run_id",)
        return {column: value for column, value in record.items()
                if column in RUN_COLUMNS and column not in own_id}

    def _writing(self, connection):
        """The caller's transaction, or one of our own: a file and its row change together."""
        if connection is not None:
            return self.database.using(connection)
        return self.transaction()

    def file_problem(self, key: str, path: Path, required: tuple[str, ...]) -> str | None:
        """What is wrong with a record file, or None. Parsed again only when it changed."""
        try:
            stat = path.stat()
        except FileNotFoundError:
            return f"its file {path} is missing"
        signature = (stat.st_mtime_ns, stat.st_size)
        cached = self._file_checks.get(key)
        if cached and cached[0] == signature:
            return cached[1]
        try:
            files.read_record(path, required)
            problem = None
        except RunError as error:
            problem = str(error)
        self._file_checks[key] = (signature, problem)
        return problem

