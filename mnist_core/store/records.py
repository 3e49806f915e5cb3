"""Runs and sweeps as read back from the index; a damaged row is flagged, never raised."""

import dataclasses
import json
from typing import ClassVar

ACTIVE_STATES = ("queued", "running")
FINAL_STATES = ("done", "cancelled", "diverged", "failed", "interrupted")


class RunError(Exception):
    """One run's row or model file is unusable; the message names the run and the problem."""


class Stored:
    """What runs and sweeps share: a lifecycle state, and a row whose JSON columns are
    parsed on reading (the empty value, and a `problem`, when a column is damaged)."""

    JSON_COLUMNS: ClassVar[dict]  # column -> its value when damaged
    state: str

    @property
    def is_active(self) -> bool:
        return self.state in ACTIVE_STATES

    @classmethod
    def from_row(cls, row):
        values = dict(row)
        name = f"{cls.__name__.lower()} {row[0]}"  # the id is the first column
        problems = []
        for column, empty in cls.JSON_COLUMNS.items():
            try:
                values[column] = json.loads(values[column])
            except (TypeError, json.JSONDecodeError):
                values[column] = empty
                problems.append(f"{name}: its stored {column} is not valid JSON")
        values["cancel_requested"] = bool(values["cancel_requested"])
        return cls(**values, problem="; ".join(problems) or None).settled()

    def settled(self):
        """The record as a reader should see it (see Sweep)."""
        return self


@dataclasses.dataclass(frozen=True)
class Run(Stored):
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
    data: dict = dataclasses.field(default_factory=dict)  # the data set: source, sha256
    problem: str | None = None

    JSON_COLUMNS: ClassVar[dict] = {"config": {}, "history": [], "versions": {}, "data": {}}

    @property
    def precision(self) -> str:
        """The arithmetic it trained in; runs stored before there was a choice were float32."""
        return self.config.get("training", {}).get("precision", "float32")


@dataclasses.dataclass(frozen=True)
class Sweep(Stored):
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

    JSON_COLUMNS: ClassVar[dict] = {"spec": {}, "training_now": []}

    def settled(self) -> "Sweep":
        if self.is_active:
            return self
        # A killed worker can leave what it trained and its ETA behind.
        return dataclasses.replace(self, training_now=[], eta_seconds=None)
