"""Runs on disk: a SQLite index and one .keras file per finished run, under MNIST_LAB_HOME."""

import contextlib
import dataclasses
import json
import os
import secrets
import sqlite3
import time
from pathlib import Path

LECTURE_WORKSPACE = "lecture"  # runs an instructor made from the CLI; every workspace sees them
ACTIVE_STATES = ("queued", "running")
FINAL_STATES = ("done", "cancelled", "diverged", "failed", "interrupted")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS runs (
    run_id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,              -- 'single', 'sweep' (a sweep's job) or 'sweep_member'
    sweep_id TEXT,
    model TEXT NOT NULL,             -- 'mlp' or 'cnn'
    workspace TEXT NOT NULL,
    state TEXT NOT NULL,
    config TEXT NOT NULL,            -- JSON of config.RunConfig
    seed INTEGER NOT NULL,
    command TEXT NOT NULL,           -- the CLI command that reproduces the run
    created_at REAL NOT NULL,
    started_at REAL,
    finished_at REAL,
    progress REAL NOT NULL DEFAULT 0,
    history TEXT NOT NULL DEFAULT '[]',
    params INTEGER,
    test_loss REAL,
    test_accuracy REAL,
    val_accuracy REAL,
    seconds REAL,
    versions TEXT NOT NULL DEFAULT '{}',
    error TEXT,
    pid INTEGER,
    cancel_requested INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS runs_by_state ON runs (state, created_at);
CREATE INDEX IF NOT EXISTS runs_by_sweep ON runs (sweep_id);
-- A sweep's lifecycle (state, pid, progress, cancel, times, workspace) lives in its job row in
-- `runs` (kind 'sweep', run_id = sweep_id), so the queue treats it as one job; its networks
-- are runs of kind 'sweep_member' with this sweep_id.
CREATE TABLE IF NOT EXISTS sweeps (
    sweep_id TEXT PRIMARY KEY,
    spec TEXT NOT NULL,              -- JSON of sweep_spec.SweepSpec
    tasks_total INTEGER NOT NULL,
    training_now TEXT NOT NULL DEFAULT '[]',  -- JSON [[factor, replicate], ...] while running
    eta_seconds REAL
);
"""


class RunError(Exception):
    """One run's row or model file is unusable; the message names the run and the problem."""


@dataclasses.dataclass(frozen=True)
class Run:
    """A run as stored. `problem` is set, instead of raising, when its row is damaged."""

    run_id: str
    kind: str
    sweep_id: str | None
    model: str
    workspace: str
    state: str
    config: dict
    seed: int
    command: str
    created_at: float
    started_at: float | None
    finished_at: float | None
    progress: float
    history: list
    params: int | None
    test_loss: float | None
    test_accuracy: float | None
    val_accuracy: float | None
    seconds: float | None
    versions: dict
    error: str | None
    pid: int | None
    cancel_requested: bool
    problem: str | None = None

    @property
    def is_active(self) -> bool:
        return self.state in ACTIVE_STATES

    @classmethod
    def from_row(cls, row: sqlite3.Row) -> "Run":
        values = dict(row)
        problems = []
        for column, empty in (("config", {}), ("history", []), ("versions", {})):
            try:
                values[column] = json.loads(values[column])
            except (TypeError, json.JSONDecodeError):
                values[column] = empty
                problems.append(f"run {values['run_id']}: its stored {column} is not valid JSON")
        values["cancel_requested"] = bool(values["cancel_requested"])
        return cls(**values, problem="; ".join(problems) or None)


@dataclasses.dataclass(frozen=True)
class Sweep:
    """A sweep as stored: its spec and live progress, with the lifecycle of its job row."""

    sweep_id: str
    workspace: str
    state: str
    spec: dict
    command: str
    created_at: float
    started_at: float | None
    finished_at: float | None
    progress: float
    seconds: float | None  # training time over all its sessions
    error: str | None
    pid: int | None
    cancel_requested: bool
    tasks_total: int
    training_now: list  # [[factor, replicate], ...] while running
    eta_seconds: float | None
    problem: str | None = None

    @property
    def is_active(self) -> bool:
        return self.state in ACTIVE_STATES

    @classmethod
    def from_row(cls, row: sqlite3.Row) -> "Sweep":
        values = dict(row)
        problems = []
        for column, empty in (("spec", {}), ("training_now", [])):
            try:
                values[column] = json.loads(values[column])
            except (TypeError, json.JSONDecodeError):
                values[column] = empty
                problems.append(
                    f"sweep {values['sweep_id']}: its stored {column} is not valid JSON")
        if values["state"] not in ACTIVE_STATES:  # e.g. a killed worker left them behind
            values["training_now"], values["eta_seconds"] = [], None
        values["cancel_requested"] = bool(values["cancel_requested"])
        return cls(**values, problem="; ".join(problems) or None)


_SWEEP_QUERY = (
    "SELECT s.sweep_id, r.workspace, r.state, s.spec, r.command, r.created_at, r.started_at,"
    " r.finished_at, r.progress, r.seconds, r.error, r.pid, r.cancel_requested, s.tasks_total,"
    " s.training_now, s.eta_seconds FROM sweeps s JOIN runs r ON r.run_id = s.sweep_id")
_SWEEP_COLUMNS = ("tasks_total", "training_now", "eta_seconds")  # the rest live in runs


def lab_home() -> Path:
    return Path(os.environ.get("MNIST_LAB_HOME") or Path.home() / ".mnist_lab")


def new_run_id() -> str:
    return time.strftime("%Y%m%d-%H%M%S") + "-" + secrets.token_hex(3)


class Registry:
    """The one source of truth for runs. Safe to use from several processes at once."""

    def __init__(self, home: Path | None = None):
        self.home = Path(home) if home else lab_home()
        self.models_dir = self.home / "models"
        self.models_dir.mkdir(parents=True, exist_ok=True)
        self.path = self.home / "registry.sqlite"
        with self._connect() as connection:
            connection.execute("PRAGMA journal_mode=WAL")
            connection.executescript(_SCHEMA)

    @contextlib.contextmanager
    def _connect(self):
        connection = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        connection.row_factory = sqlite3.Row
        # With WAL, NORMAL still never corrupts the index; it skips an fsync per commit, which
        # cost training ~20 % per epoch through the hooks' writes (benchmarks/train_mlp.py).
        connection.execute("PRAGMA synchronous=NORMAL")
        try:
            yield connection
        finally:
            connection.close()

    @contextlib.contextmanager
    def transaction(self, read_only: bool = False):
        """An exclusive write transaction, for read-decide-write steps such as claiming a job;
        or, read_only, a consistent snapshot of several reads that never blocks a writer."""
        with self._connect() as connection:
            connection.execute("BEGIN" if read_only else "BEGIN IMMEDIATE")
            try:
                yield connection
            except BaseException:
                connection.execute("ROLLBACK")
                raise
            connection.execute("COMMIT")

    def create(self, *, config: dict, model: str, workspace: str, seed: int, command: str,
               state: str = "queued", kind: str = "single", sweep_id: str | None = None,
               params: int | None = None, pid: int | None = None, connection=None) -> str:
        """Insert a run and return its id; pass `connection` to insert inside a transaction()."""
        run_id = new_run_id()
        now = time.time()
        own = self._connect() if connection is None else contextlib.nullcontext(connection)
        with own as connection:
            connection.execute(
                "INSERT INTO runs (run_id, kind, sweep_id, model, workspace, state, config, seed,"
                " command, created_at, started_at, params, pid)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (run_id, kind, sweep_id, model, workspace, state, json.dumps(config), seed,
                 command, now, now if state == "running" else None, params, pid),
            )
        return run_id

    def get(self, run_id: str) -> Run:
        with self._connect() as connection:
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
        with self._connect() as connection:
            rows = connection.execute(query + " ORDER BY created_at DESC", arguments).fetchall()
        return [Run.from_row(row) for row in rows]

    def update(self, run_id: str, **fields) -> None:
        if not fields:
            return
        for column in ("history", "versions", "config"):
            if column in fields:
                fields[column] = json.dumps(fields[column])
        assignments = ", ".join(f"{column} = ?" for column in fields)
        with self._connect() as connection:
            connection.execute(
                f"UPDATE runs SET {assignments} WHERE run_id = ?", [*fields.values(), run_id]
            )

    def request_cancel(self, run_id: str) -> None:
        """A queued run is cancelled at once; a running one when its trainer next looks."""
        with self.transaction() as connection:
            connection.execute(
                "UPDATE runs SET state = 'cancelled', finished_at = ? "
                "WHERE run_id = ? AND state = 'queued'", (time.time(), run_id))
            connection.execute(
                "UPDATE runs SET cancel_requested = 1 WHERE run_id = ? AND state = 'running'",
                (run_id,))

    def is_cancel_requested(self, run_id: str) -> bool:
        with self._connect() as connection:
            row = connection.execute(
                "SELECT cancel_requested FROM runs WHERE run_id = ?", (run_id,)).fetchone()
        return bool(row and row[0])

    def model_path(self, run_id: str) -> Path:
        return self.models_dir / f"{run_id}.keras"

    def save_model(self, run_id: str, model) -> Path:
        """Write to a temporary file, then rename: a reader never sees half a model."""
        target = self.model_path(run_id)
        temporary = target.with_name(f".{run_id}.{os.getpid()}.tmp.keras")
        try:
            model.save(temporary)
            os.replace(temporary, target)
        except BaseException:
            temporary.unlink(missing_ok=True)  # a half-written file would only take up space
            raise
        return target

    def load_model(self, run_id: str):
        import keras  # only callers that predict pay for importing TensorFlow

        path = self.model_path(run_id)
        if not path.is_file():
            raise RunError(f"run {run_id}: its model file {path} is missing")
        try:
            return keras.saving.load_model(path, safe_mode=True)
        except Exception as error:  # Keras raises many types for a damaged file
            raise RunError(f"run {run_id}: its model file {path} is damaged ({error})") from error

    def delete(self, run_id: str) -> None:
        self.get(run_id)  # raises RunError for an unknown id
        with self._connect() as connection:
            connection.execute("DELETE FROM runs WHERE run_id = ?", (run_id,))
        self.model_path(run_id).unlink(missing_ok=True)

    def mark_interrupted(self, is_alive) -> list[str]:
        """Runs recorded as running whose process is gone: their worker or the server died."""
        with self.transaction() as connection:
            rows = connection.execute(
                "SELECT run_id, pid FROM runs WHERE state = 'running'").fetchall()
            dead = [row["run_id"] for row in rows if not is_alive(row["pid"])]
            connection.executemany(
                "UPDATE runs SET state = 'interrupted', finished_at = ?, "
                "error = 'its training process stopped before the run finished' "
                "WHERE run_id = ?", [(time.time(), run_id) for run_id in dead])
        return dead

    # Sweeps: a job row in runs (kind 'sweep') carries the lifecycle, `sweeps` the rest.

    def create_sweep(self, *, spec: dict, tasks_total: int, job_config: dict, workspace: str,
                     seed: int, command: str, params: int, state: str = "queued",
                     pid: int | None = None, connection=None) -> str:
        """Insert a sweep (its job row and its sweeps row) at once; return its id."""
        own = self.transaction() if connection is None else contextlib.nullcontext(connection)
        with own as connection:
            sweep_id = self.create(config=job_config, model="mlp", workspace=workspace, seed=seed,
                                   command=command, state=state, kind="sweep", params=params,
                                   pid=pid, connection=connection)
            connection.execute("INSERT INTO sweeps (sweep_id, spec, tasks_total) VALUES (?, ?, ?)",
                               (sweep_id, json.dumps(spec), tasks_total))
        return sweep_id

    def get_sweep(self, sweep_id: str) -> Sweep:
        with self._connect() as connection:
            row = connection.execute(_SWEEP_QUERY + " WHERE s.sweep_id = ?", (sweep_id,)).fetchone()
        if row is None:
            raise RunError(f"no sweep {sweep_id!r}")
        return Sweep.from_row(row)

    def sweeps(self, workspace: str | None = None) -> list[Sweep]:
        """Newest first. A workspace also sees the lecture workspace's sweeps."""
        query, arguments = _SWEEP_QUERY, []
        if workspace is not None:
            query += " WHERE r.workspace IN (?, ?)"
            arguments = [workspace, LECTURE_WORKSPACE]
        with self._connect() as connection:
            rows = connection.execute(query + " ORDER BY r.created_at DESC", arguments).fetchall()
        return [Sweep.from_row(row) for row in rows]

    def update_sweep(self, sweep_id: str, **fields) -> None:
        """Columns of either table; each goes where it lives."""
        own = {column: fields.pop(column) for column in _SWEEP_COLUMNS if column in fields}
        if "training_now" in own:
            own["training_now"] = json.dumps(own["training_now"])
        if own:
            assignments = ", ".join(f"{column} = ?" for column in own)
            with self._connect() as connection:
                connection.execute(f"UPDATE sweeps SET {assignments} WHERE sweep_id = ?",
                                   [*own.values(), sweep_id])
        if fields:
            self.update(sweep_id, **fields)

    def claim_sweep(self, sweep_id: str, pid: int, is_alive) -> None:
        """Mark the sweep running in process `pid`; RunError if another live process runs it."""
        with self.transaction() as connection:
            row = connection.execute("SELECT state, pid FROM runs WHERE run_id = ? AND kind = "
                                     "'sweep'", (sweep_id,)).fetchone()
            if row is None:
                raise RunError(f"no sweep {sweep_id!r}")
            if row["state"] == "running" and row["pid"] != pid and is_alive(row["pid"]):
                raise RunError(f"sweep {sweep_id} is already running in process {row['pid']}")
            connection.execute(
                "UPDATE runs SET state = 'running', pid = ?, started_at = ?, finished_at = NULL,"
                " error = NULL, cancel_requested = CASE WHEN state = 'running'"
                " THEN cancel_requested ELSE 0 END WHERE run_id = ?",
                (pid, time.time(), sweep_id))

    def requeue_sweep(self, sweep_id: str, connection) -> None:
        """A stopped sweep waits in the queue again (inside the caller's transaction)."""
        changed = connection.execute(
            "UPDATE runs SET state = 'queued', pid = NULL, finished_at = NULL, error = NULL,"
            " cancel_requested = 0 WHERE run_id = ? AND kind = 'sweep' AND state IN"
            f" ({','.join('?' * len(FINAL_STATES))})", (sweep_id, *FINAL_STATES)).rowcount
        if not changed:
            raise RunError(f"sweep {sweep_id!r} is unknown, queued or running: nothing to resume")

    def add_sweep_member(self, sweep_id: str, *, config: dict, workspace: str, seed: int,
                         command: str, params: int, state: str, **results) -> str:
        """Store one finished network of a sweep, all its fields in one transaction."""
        with self.transaction() as connection:
            run_id = self.create(config=config, model="mlp", workspace=workspace, seed=seed,
                                 command=command, state=state, kind="sweep_member",
                                 sweep_id=sweep_id, params=params, connection=connection)
            for column in ("history", "versions"):
                if column in results:
                    results[column] = json.dumps(results[column])
            if results:
                assignments = ", ".join(f"{column} = ?" for column in results)
                connection.execute(f"UPDATE runs SET {assignments} WHERE run_id = ?",
                                   [*results.values(), run_id])
        return run_id

    def sweep_members(self, sweep_id: str) -> list[Run]:
        """The sweep's stored networks, oldest first."""
        with self._connect() as connection:
            rows = connection.execute(
                "SELECT * FROM runs WHERE kind = 'sweep_member' AND sweep_id = ?"
                " ORDER BY created_at", (sweep_id,)).fetchall()
        return [Run.from_row(row) for row in rows]

    def delete_sweep(self, sweep_id: str) -> None:
        """The sweep, its job row, its networks and their model files."""
        self.get_sweep(sweep_id)  # raises RunError for an unknown id
        members = [run.run_id for run in self.sweep_members(sweep_id)]
        with self.transaction() as connection:
            connection.execute("DELETE FROM runs WHERE sweep_id = ? AND kind = 'sweep_member'",
                               (sweep_id,))
            connection.execute("DELETE FROM sweeps WHERE sweep_id = ?", (sweep_id,))
            connection.execute("DELETE FROM runs WHERE run_id = ?", (sweep_id,))
        for run_id in members:
            self.model_path(run_id).unlink(missing_ok=True)
