"""Runs and sweeps as read back from the index; a damaged row is flagged, never raised."""

import dataclasses
import json

ACTIVE_STATES = ("queued", "running")
FINAL_STATES = ("done", "cancelled", "diverged", "failed", "interrupted")


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
    def from_row(cls, row) -> "Run":
        return decode(cls, row, f"run {row['run_id']}",
                      {"config": {}, "history": [], "versions": {}})


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
    def from_row(cls, row) -> "Sweep":
        sweep = decode(cls, row, f"sweep {row['sweep_id']}", {"spec": {}, "training_now": []})
        if sweep.is_active:
            return sweep
        # A killed worker can leave what it trained and its ETA behind.
        return dataclasses.replace(sweep, training_now=[], eta_seconds=None)


def decode(record_class, row, name: str, json_columns: dict):
    """A record from a row: JSON columns parsed (the empty value, and a problem, when a
    column is damaged) and the cancel flag as a bool."""
    values = dict(row)
    problems = []
    for column, empty in json_columns.items():
        try:
            values[column] = json.loads(values[column])
        except (TypeError, json.JSONDecodeError):
            values[column] = empty
            problems.append(f"{name}: its stored {column} is not valid JSON")
    values["cancel_requested"] = bool(values["cancel_requested"])
    return record_class(**values, problem="; ".join(problems) or None)
