"""The SQLite index under MNIST_LAB_HOME: its schema, connections and transactions.

The index is for fast listing and atomic claims; every run's truth is in its own files
(store.files), so a damaged index is rebuilt from them (store.repair), never trusted.
"""

import contextlib
import sqlite3
from pathlib import Path

from mnist_core.store.records import RunError

SCHEMA = """
CREATE TABLE IF NOT EXISTS runs (
    run_id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,              -- 'single', 'sweep' (a sweep's job) or 'sweep_member'
    sweep_id TEXT,
    model TEXT NOT NULL,             -- a model kind: 'mlp', 'cnn', ...
    workspace TEXT NOT NULL,
    state TEXT NOT NULL,
    config TEXT NOT NULL,            -- JSON of models.config.RunConfig
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
    data TEXT NOT NULL DEFAULT '{}', -- JSON: the data set it trained on (source, sha256)
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
    spec TEXT NOT NULL,              -- JSON of sweep.spec.SweepSpec
    tasks_total INTEGER NOT NULL,
    training_now TEXT NOT NULL DEFAULT '[]',  -- JSON [[factor, replicate], ...] while running
    eta_seconds REAL
);
"""


MISSING_INDEX = "the file is missing"
# Columns added since the first index; an older index gains them when opened.
ADDED_COLUMNS = {"data": "TEXT NOT NULL DEFAULT '{}'"}


class IndexDamaged(RunError):  # noqa: N818  (a public name that callers catch)
    """The index file is not a usable database; `python -m mnist_core repair` rebuilds it."""

    def __init__(self, path: Path, reason: str):
        self.path, self.reason = path, reason
        super().__init__(f"the run index {path} is damaged ({reason}); rebuild it from the "
                         "run files with: python -m mnist_core repair")


class Database:
    """One SQLite file in WAL mode, safe to use from several processes at once.

    Raises IndexDamaged, on opening or on any later query, when the file is not a sound
    database (overwritten, truncated, not SQLite at all).
    """

    def __init__(self, path: Path):
        self.path = path
        existed = path.exists()
        with self.connect(create=True) as connection:
            connection.execute("PRAGMA journal_mode=WAL")
            self._verify(connection, has_schema=existed)
            connection.executescript(SCHEMA)
            present = {row["name"] for row in connection.execute("PRAGMA table_info(runs)")}
            for column, declaration in ADDED_COLUMNS.items():
                if column not in present:
                    connection.execute(f"ALTER TABLE runs ADD COLUMN {column} {declaration}")

    @contextlib.contextmanager
    def connect(self, create: bool = False):
        """A connection; only opening the index creates its file, so an index deleted while
        the lab runs is reported (IndexDamaged), not silently replaced by an empty one."""
        if not create and not self.path.exists():
            raise IndexDamaged(self.path, MISSING_INDEX)
        with self._damage_named():
            connection = sqlite3.connect(self.path, timeout=30, isolation_level=None)
            connection.row_factory = sqlite3.Row
            # With WAL, NORMAL still never corrupts the index; it skips an fsync per commit,
            # which cost training ~20 % per epoch through the hooks' writes.
            connection.execute("PRAGMA synchronous=NORMAL")
            try:
                yield connection
            finally:
                connection.close()

    @contextlib.contextmanager
    def _damage_named(self):
        """A damaged file raises IndexDamaged; other database errors (a lock held too long,
        a bad query) pass as they are."""
        try:
            yield
        except sqlite3.DatabaseError as error:
            if type(error) is sqlite3.DatabaseError or any(
                    sign in str(error) for sign in ("malformed", "no such table")):
                raise IndexDamaged(self.path, str(error).splitlines()[0]) from error
            raise

    @contextlib.contextmanager
    def transaction(self, read_only: bool = False):
        """An exclusive write transaction, for read-decide-write steps such as claiming a job;
        or, read_only, a consistent snapshot of several reads that never blocks a writer."""
        with self.connect() as connection:
            connection.execute("BEGIN" if read_only else "BEGIN IMMEDIATE")
            try:
                yield connection
            except BaseException:
                connection.execute("ROLLBACK")
                raise
            connection.execute("COMMIT")

    def check(self, thoroughly: bool) -> None:
        """Raises IndexDamaged when the index cannot be read: thoroughly, every page of it
        (PRAGMA quick_check); else with the cheapest query that opens it."""
        with self.connect() as connection:
            if thoroughly:
                self._verify(connection, has_schema=True)
            else:
                connection.execute("SELECT run_id FROM runs LIMIT 1").fetchall()

    def _verify(self, connection, has_schema: bool) -> None:
        verdict = connection.execute("PRAGMA quick_check").fetchone()[0]
        if verdict != "ok":
            raise IndexDamaged(self.path, verdict.splitlines()[0])
        if has_schema and not connection.execute(
                "SELECT 1 FROM sqlite_master WHERE name = 'runs'").fetchone():
            # An emptied file reads as an empty database: never take it for "no runs".
            raise IndexDamaged(self.path, "it holds no runs table")

    def using(self, connection=None):
        """The caller's connection (inside its transaction), or a new one of our own."""
        return self.connect() if connection is None else contextlib.nullcontext(connection)

