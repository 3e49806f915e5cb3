"""The training queue: submit, fair round-robin claiming across workspaces, worker processes.

The queue is the registry itself (rows in state 'queued'), so every process, a restarted
server included, sees the same queue, and a claim is one SQLite transaction.
"""

import os
import re
import subprocess
import sys
import time
import traceback
from pathlib import Path

from mnist_core import architecture, config, reproduce
from mnist_core.registry import Registry, Run

MAX_QUEUED_PER_WORKSPACE = 3
IDLE_POLL_SECONDS = 0.25
JOBS_PER_WORKER = 20  # then the worker is replaced: Keras leaks a little per model built
PROJECT_ROOT = Path(__file__).resolve().parents[1]
WORKSPACE_PATTERN = re.compile(r"^[A-Za-z0-9_-]{1,40}$")


class QueueFull(ValueError):  # noqa: N818  (a public name that callers catch)
    """The workspace already has as many jobs waiting as it may."""


def check_workspace(name: str) -> str:
    if not WORKSPACE_PATTERN.match(name or ""):
        raise ValueError(
            f"workspace name {name!r} must be 1 to 40 letters, digits, '-' or '_'")
    return name


def submit(registry: Registry, run_config: config.RunConfig, workspace: str) -> str:
    """Validate and queue a run; return its id at once. Raises ValueError, QueueFull."""
    config.validate(run_config)
    check_workspace(workspace)
    # Count and insert in one transaction, so two submissions at once cannot both pass.
    with registry.transaction() as connection:
        check_room(connection, workspace)
        return registry.create(
            config=run_config.to_dict(), model=run_config.model.kind, workspace=workspace,
            seed=run_config.training.seed, command=reproduce.command_line(run_config),
            params=architecture.parameter_count(run_config.model), connection=connection)


def check_room(connection, workspace: str) -> None:
    """Raise QueueFull when the workspace has as many jobs (runs or sweeps) waiting as it may.

    Call it inside registry.transaction(), with the insert that follows.
    """
    waiting = connection.execute(
        "SELECT COUNT(*) FROM runs WHERE workspace = ? AND state = 'queued'",
        (workspace,)).fetchone()[0]
    if waiting >= MAX_QUEUED_PER_WORKSPACE:
        raise QueueFull(
            f"workspace {workspace!r} already has {waiting} runs waiting; wait for one to "
            "start, or cancel one, before adding another")


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
        connection.execute(
            "UPDATE runs SET state = 'running', started_at = ?, pid = ? WHERE run_id = ?",
            (time.time(), pid, run.run_id))
    return registry.get(run.run_id)


def position(registry: Registry, run_id: str) -> int | None:
    """1 for the job that starts next; None when the run is not queued."""
    with registry.transaction(read_only=True) as connection:
        ids = [run.run_id for run in queue_order(*_queue_state(connection))]
    return ids.index(run_id) + 1 if run_id in ids else None


def is_process_alive(pid: int | None) -> bool:
    if not pid:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return not _is_zombie(pid)


def _is_zombie(pid: int) -> bool:
    """A killed child that nobody has waited for yet still answers kill(pid, 0)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False  # no /proc here: trust kill()
    return stat.rsplit(")", 1)[-1].split()[0] == "Z"  # the state follows "(command name)"


class WorkerPool:
    """Worker processes that train queued runs. Started lazily, restarted when they die."""

    def __init__(self, registry: Registry, size: int | None = None):
        self.registry = registry
        self.size = size or int(os.environ.get("MNIST_LAB_WORKERS", 0)) or min(
            2, os.cpu_count() or 1)
        self._workers: list[subprocess.Popen] = []
        registry.mark_interrupted(is_process_alive)  # runs left over from a dead server

    def ensure_running(self) -> None:
        """Replace dead or retired workers; mark the runs they held as interrupted."""
        alive = [worker for worker in self._workers if worker.poll() is None]
        if len(alive) < len(self._workers):
            self.registry.mark_interrupted(is_process_alive)
        self._workers = alive
        while len(self._workers) < self.size:
            # A fresh interpreter, not multiprocessing: its spawn re-runs the parent's __main__,
            # which under Streamlit (and AppTest) is the page script itself.
            self._workers.append(subprocess.Popen(
                [sys.executable, "-m", "mnist_core.worker", str(self.registry.home),
                 str(os.getpid())], cwd=PROJECT_ROOT, env=_worker_environment()))

    def submit(self, run_config: config.RunConfig, workspace: str) -> str:
        run_id = submit(self.registry, run_config, workspace)
        self.ensure_running()
        return run_id

    def shutdown(self) -> None:
        for worker in self._workers:
            worker.terminate()
        for worker in self._workers:
            try:
                worker.wait(timeout=5)
            except subprocess.TimeoutExpired:
                worker.kill()
                worker.wait()
        self._workers = []
        self.registry.mark_interrupted(is_process_alive)


def _worker_environment() -> dict:
    """This environment, with the project importable from the worker whatever its cwd."""
    paths = [str(PROJECT_ROOT), *filter(None, [os.environ.get("PYTHONPATH")])]
    return {**os.environ, "PYTHONPATH": os.pathsep.join(paths)}


def worker_main(home: str, parent_pid: int, max_jobs: int = JOBS_PER_WORKER) -> None:
    """A worker's life: claim, train, repeat; exit when its parent is gone."""
    # Below the server's priority: a drawing's prediction must not wait behind training
    # (benchmarks/predict.py: MLP p95 5-7 ms during training without this, about 1 ms with).
    os.nice(10)
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    # TensorFlow keeps its default threads (one per core) although two workers may share
    # the cores. Fast CNN on 2 cores, s/epoch: alone 1.40 (one thread: 1.75); two at once
    # 2.27 each (one thread each: 2.11-2.23). Sharing costs little; one thread costs a lot.
    from mnist_core import data, runner, sweep  # TensorFlow is imported here, once per worker

    registry = Registry(home)
    mnist = data.load_mnist()
    for _ in range(max_jobs):
        run = None
        while run is None:
            if os.getppid() != parent_pid:
                return
            run = claim_next(registry, os.getpid())
            if run is None:
                time.sleep(IDLE_POLL_SECONDS)
        try:
            if run.kind == "sweep":  # a whole sweep is one job: same queue, same fairness
                sweep.run(registry, run.run_id, mnist)
            else:
                runner.execute(registry, run.run_id, mnist)
        except Exception:  # e.g. its row was deleted mid-run: the queue must go on
            traceback.print_exc()
