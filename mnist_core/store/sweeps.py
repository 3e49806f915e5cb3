"""Sweep rows: a job row in `runs` (kind 'sweep') carries the lifecycle, `sweeps` the rest;
each finished network is a run of kind 'sweep_member'. The sweep's file holds both rows and
its member ids; each member has a run file of its own."""

import json
import time
from collections.abc import Callable

from mnist_core.store import access, files
from mnist_core.store.database import Database
from mnist_core.store.records import FINAL_STATES, Run, RunError, Sweep
from mnist_core.store.runs import LECTURE_WORKSPACE, insert_row, with_problem

_SWEEP_QUERY = (
    "SELECT s.sweep_id, r.workspace, r.state, s.spec, r.command, r.created_at, r.started_at,"
    " r.finished_at, r.progress, r.seconds, r.error, r.pid, r.cancel_requested, s.tasks_total,"
    " s.training_now, s.eta_seconds FROM sweeps s JOIN runs r ON r.run_id = s.sweep_id")
_SWEEP_COLUMNS = ("tasks_total", "training_now", "eta_seconds")  # the rest live in runs


def insert_sweep_rows(connection, record: dict) -> None:
    """Insert a sweep's job row and its sweeps row from a sweep file's record."""
    insert_row(connection, {**record, "run_id": record["sweep_id"], "kind": "sweep",
                            "sweep_id": None})
    connection.execute("INSERT INTO sweeps (sweep_id, spec, tasks_total) VALUES (?, ?, ?)",
                       (record["sweep_id"], json.dumps(record["spec"]), record["tasks_total"]))


class SweepRows:
    """The Registry's sweep methods (see store.registry); they use its run methods."""

    database: Database
    transaction: Callable  # Registry.transaction

    def write_sweep_file(self, connection, job: dict) -> None:
        """The sweep's file from its job row's record `job`, its sweeps row and its members."""
        sweep_id = job["run_id"]
        own = connection.execute("SELECT spec, tasks_total FROM sweeps WHERE sweep_id = ?",
                                 (sweep_id,)).fetchone()
        if own is None:  # the job row comes first, inside the transaction that adds both
            return
        members = [row[0] for row in connection.execute(
            "SELECT run_id FROM runs WHERE sweep_id = ? AND kind = 'sweep_member'"
            " ORDER BY created_at", (sweep_id,))]
        record = {"sweep_id": sweep_id, **{key: value for key, value in job.items()
                                           if key not in ("run_id", "kind", "sweep_id")},
                  "spec": self._spec(sweep_id, own["spec"]), "tasks_total": own["tasks_total"],
                  "members": members}
        files.write_record(self.sweep_file(sweep_id), record)

    def _spec(self, sweep_id: str, stored: str) -> dict:
        """The index's spec; if that row is damaged, the one in the file stays (it wins)."""
        try:
            return json.loads(stored)
        except (TypeError, ValueError):
            try:
                return files.read_record(self.sweep_file(sweep_id), ("spec",))["spec"]
            except RunError:
                return {}

    def create_sweep(self, *, spec: dict, tasks_total: int, job_config: dict, workspace: str,
                     seed: int, command: str, params: int, state: str = "queued",
                     pid: int | None = None, connection=None) -> str:
        """Insert a sweep (its job row and its sweeps row) at once; return its id."""
        with self._writing(connection) as connection:
            sweep_id = self.create(config=job_config, model="mlp", workspace=workspace, seed=seed,
                                   command=command, state=state, kind="sweep", params=params,
                                   pid=pid, connection=connection)
            connection.execute("INSERT INTO sweeps (sweep_id, spec, tasks_total) VALUES (?, ?, ?)",
                               (sweep_id, json.dumps(spec), tasks_total))
            self.persist(connection, sweep_id, {})
        return sweep_id

    def get_sweep(self, sweep_id: str) -> Sweep:
        with self.database.connect() as connection:
            row = connection.execute(_SWEEP_QUERY + " WHERE s.sweep_id = ?", (sweep_id,)).fetchone()
        if row is None:
            raise RunError(f"no sweep {sweep_id!r}")
        return self.checked_sweep(Sweep.from_row(row))

    def checked_sweep(self, sweep: Sweep) -> Sweep:
        """The sweep, with a problem noted when its own file is missing or damaged."""
        return with_problem(sweep, self.own_file_problem(sweep.sweep_id, "sweep"))

    def sweeps(self, workspace: str | None = None) -> list[Sweep]:
        """Newest first. A workspace also sees the lecture workspace's sweeps."""
        query, arguments = _SWEEP_QUERY, []
        if workspace is not None:
            query += " WHERE r.workspace IN (?, ?)"
            arguments = [workspace, LECTURE_WORKSPACE]
        with self.database.connect() as connection:
            rows = connection.execute(query + " ORDER BY r.created_at DESC", arguments).fetchall()
        return [self.checked_sweep(Sweep.from_row(row)) for row in rows]

    def update_sweep(self, sweep_id: str, **fields) -> None:
        """Columns of either table; each goes where it lives."""
        own = {column: fields.pop(column) for column in _SWEEP_COLUMNS if column in fields}
        if "training_now" in own:
            own["training_now"] = json.dumps(own["training_now"])
        if own:
            assignments = ", ".join(f"{column} = ?" for column in own)
            with self.database.connect() as connection:
                connection.execute(f"UPDATE sweeps SET {assignments} WHERE sweep_id = ?",
                                   [*own.values(), sweep_id])
        self.update(sweep_id, **fields)

    def claim_sweep(self, sweep_id: str, pid: int, is_alive) -> None:
        """Mark the sweep running in process `pid`; RunError if another live process runs it."""
        with self.transaction() as connection:
            row = connection.execute("SELECT state, pid, cancel_requested FROM runs"
                                     " WHERE run_id = ? AND kind = 'sweep'",
                                     (sweep_id,)).fetchone()
            if row is None:
                raise RunError(f"no sweep {sweep_id!r}")
            if row["state"] == "running" and row["pid"] != pid and is_alive(row["pid"]):
                raise RunError(f"sweep {sweep_id} is already running in process {row['pid']}")
            # A cancel asked of it while it ran stays asked; any older one is forgotten.
            keep_cancel = row["state"] == "running" and row["cancel_requested"]
            self.update(sweep_id, connection, state="running", pid=pid, started_at=time.time(),
                        finished_at=None, error=None, cancel_requested=int(keep_cancel))

    def requeue_sweep(self, sweep_id: str, connection) -> None:
        """A stopped sweep waits in the queue again (inside the caller's transaction)."""
        row = connection.execute("SELECT state FROM runs WHERE run_id = ? AND kind = 'sweep'",
                                 (sweep_id,)).fetchone()
        if row is None or row["state"] not in FINAL_STATES:
            raise RunError(f"sweep {sweep_id!r} is unknown, queued or running: nothing to resume")
        self.update(sweep_id, connection, state="queued", pid=None, finished_at=None,
                    error=None, cancel_requested=0)

    def add_sweep_member(self, sweep_id: str, *, config: dict, workspace: str, seed: int,
                         command: str, params: int, state: str, **results) -> str:
        """Store one finished network of a sweep, all its fields in one transaction."""
        with self.transaction() as connection:
            run_id = self.create(config=config, model="mlp", workspace=workspace, seed=seed,
                                 command=command, state=state, kind="sweep_member",
                                 sweep_id=sweep_id, params=params, connection=connection,
                                 **results)
            self.persist(connection, sweep_id, {})  # its member list
        return run_id

    def sweep_members(self, sweep_id: str) -> list[Run]:
        """The sweep's stored networks, oldest first."""
        with self.database.connect() as connection:
            rows = connection.execute(
                "SELECT * FROM runs WHERE kind = 'sweep_member' AND sweep_id = ?"
                " ORDER BY created_at", (sweep_id,)).fetchall()
        return [self.checked(Run.from_row(row)) for row in rows]

    def delete_sweep(self, sweep_id: str, credential: access.Credential | None = None) -> None:
        """The sweep, its job row, its networks and their model files. Raises RunError for an
        unknown id, access.NotAllowed for a credential that may not delete it."""
        sweep = self.get_sweep(sweep_id)
        access.authorize(self.home, credential, sweep.workspace, access.DELETE)
        members = [run.run_id for run in self.sweep_members(sweep_id)]
        # Folders first, the sweep's before its networks' (see RunRows.delete).
        files.remove_tree(self.sweep_dir(sweep_id))
        for run_id in members:
            files.remove_tree(self.run_dir(run_id))
        with self.transaction() as connection:
            connection.execute("DELETE FROM runs WHERE sweep_id = ? AND kind = 'sweep_member'",
                               (sweep_id,))
            connection.execute("DELETE FROM sweeps WHERE sweep_id = ?", (sweep_id,))
            connection.execute("DELETE FROM runs WHERE run_id = ?", (sweep_id,))
