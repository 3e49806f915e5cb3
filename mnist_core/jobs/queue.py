"""The training queue: submit with per-workspace limits, fair round-robin claiming, positions.

The queue is the registry itself (rows in state 'queued'), so every process, a restarted
server included, sees the same queue, and a claim is one SQLite transaction.
"""

import time

from mnist_core.jobs import limits
from mnist_core.models import config, kinds, reproduce
from mnist_core.store import Registry, Run, access, check_workspace


def submit(registry: Registry, run_config: config.RunConfig, workspace: str,
           credential: access.Credential | None = None) -> str:
    """Validate and queue a run; return its id at once. Raises ValueError (a bad config,
    limits.QueueFull, limits.JobTooLarge) and access.NotAllowed."""
    config.validate(run_config)
    check_workspace(workspace)
    role = access.authorize(registry.home, credential, workspace, access.TRAIN)
    parameters = kinds.parameter_count(run_config.model)
    training = run_config.training
    limits.check_job_size(role, limits.image_epochs(training.epochs, training.train_size),
                          parameters)
    # Count and insert in one transaction, so two submissions at once cannot both pass.
    with registry.transaction() as connection:
        limits.check_room(connection, workspace, role)
        return registry.create(
            config=run_config.to_dict(), model=run_config.model.kind, workspace=workspace,
            seed=training.seed, command=reproduce.command_line(run_config),
            params=parameters, connection=connection)


def queue_order(queued: list[Run], busy_workspaces: set[str],
                last_started: dict[str, float]) -> list[Run]:
    """Round-robin: the workspace that started a job longest ago goes first, one job per turn.

    A workspace with a running job waits until it finishes (one running job each).
    """
    by_workspace: dict[str, list[Run]] = {}
    for run in sorted(queued, key=lambda run: run.created_at):
        by_workspace.setdefault(run.workspace, []).append(run)
    turns = sorted(by_workspace, key=lambda name: (name in busy_workspaces,
                                                   last_started.get(name, 0.0),
                                                   by_workspace[name][0].created_at))
    order = []
    for round_index in range(max((len(runs) for runs in by_workspace.values()), default=0)):
        order += [by_workspace[name][round_index] for name in turns
                  if round_index < len(by_workspace[name])]
    return order


def _queue_state(connection):
    queued = [Run.from_row(row) for row in connection.execute(
        "SELECT * FROM runs WHERE state = 'queued' AND kind IN ('single', 'sweep')")]
    busy = {row[0] for row in connection.execute(
        "SELECT DISTINCT workspace FROM runs WHERE state = 'running'")}
    last_started = dict(connection.execute(
        "SELECT workspace, MAX(started_at) FROM runs WHERE started_at IS NOT NULL "
        "GROUP BY workspace").fetchall())
    return queued, busy, last_started


def claim_next(registry: Registry, pid: int) -> Run | None:
    """Atomically take the next job for this worker, or None when nothing may start."""
    with registry.transaction() as connection:
        queued, busy, last_started = _queue_state(connection)
        order = [run for run in queue_order(queued, busy, last_started)
                 if run.workspace not in busy]
        if not order:
            return None
        run = order[0]
        registry.update(run.run_id, connection, state="running", started_at=time.time(),
                        pid=pid)
    return registry.get(run.run_id)


def position(registry: Registry, run_id: str) -> int | None:
    """1 for the job that starts next; None when the run is not queued."""
    with registry.transaction(read_only=True) as connection:
        ids = [run.run_id for run in queue_order(*_queue_state(connection))]
    return ids.index(run_id) + 1 if run_id in ids else None
