"""L2 sweeps: queue one as a single job, run it here, resume or cancel it, read its statistics.

A sweep is a row in `sweeps` plus a job row in `runs` (kind 'sweep'): the job row carries the
state, pid, progress and cancel flag through the existing queue, so a sweep waits its turn and
takes its workspace's one running slot like any run. Every finished network is stored at once
as a run of kind 'sweep_member', so a stopped sweep keeps them and a resumed one trains only
the (factor, replicate) pairs still missing. Importing this module does not import TensorFlow.
"""

import os
import time

from mnist_core import data, jobs
from mnist_core.models import kinds
from mnist_core.store import Registry, Run, RunError, Sweep, access, class_settings
from mnist_core.sweep import stats
from mnist_core.sweep.executor import Executor, LocalExecutor
from mnist_core.sweep.recorder import Recorder
from mnist_core.sweep.spec import SweepSpec, Task, tasks, validate
from mnist_core.training.failures import recorded_failures


def submit(registry: Registry, spec: SweepSpec, workspace: str,
           credential: access.Credential | None = None) -> str:
    """Validate and queue the sweep as one job for the worker pool; return its id at once.

    Raises ValueError for a bad spec or workspace, jobs.QueueFull for a full queue,
    jobs.JobTooLarge for a student's sweep too big for the class, access.NotAllowed.
    """
    validate(spec)
    jobs.check_workspace(workspace)
    role = access.authorize(registry.home, credential, workspace, access.TRAIN)
    _check_size(registry, spec, role)
    with registry.transaction() as connection:
        jobs.check_room(connection, workspace, role)
        return _create(registry, spec, workspace, "queued", None, connection)


def _check_size(registry: Registry, spec: SweepSpec, role: access.Role) -> None:
    """A student's sweep is one job, limited like any (the quick sweep fits), unless the
    instructor lets students run the assignment's full sweep."""
    if class_settings.read(registry.home).students_may_run_full_sweep:
        return
    networks = len(spec.factors) * spec.replicates
    jobs.check_job_size(role, jobs.image_epochs(spec.epochs, spec.train_size, networks),
                        kinds.parameter_count(spec.member_config(0.0, 0).model))


def start(registry: Registry, spec: SweepSpec, workspace: str) -> str:
    """Record the sweep as running in this process (the CLI): no worker can claim it."""
    validate(spec)
    jobs.check_workspace(workspace)
    return _create(registry, spec, workspace, "running", os.getpid(), None)


def _create(registry, spec, workspace, state, pid, connection) -> str:
    shared = spec.member_config(0.0, 0)  # the network every member trains, before its l2
    return registry.create_sweep(
        spec=spec.to_dict(), tasks_total=len(tasks(spec)), job_config=shared.to_dict(),
        workspace=workspace, seed=spec.seed, command=spec.command_line(),
        params=kinds.parameter_count(shared.model), state=state, pid=pid,
        connection=connection)


def resume(registry: Registry, sweep_id: str, credential: access.Credential | None = None) -> None:
    """Queue a stopped sweep again; the worker that takes it trains only what is missing."""
    sweep = registry.get_sweep(sweep_id)
    role = access.authorize(registry.home, credential, sweep.workspace, access.TRAIN)
    if sweep.is_active:
        raise RunError(f"sweep {sweep_id} is {sweep.state}: nothing to resume")
    with registry.transaction() as connection:
        jobs.check_room(connection, sweep.workspace, role)
        registry.requeue_sweep(sweep_id, connection)


def cancel(registry: Registry, sweep_id: str, credential: access.Credential | None = None) -> None:
    """Queued: cancelled at once. Running: stops within about a second, keeping its networks."""
    registry.request_cancel(sweep_id, credential)


def run(registry: Registry, sweep_id: str, mnist: data.Mnist | None, echo=None,
        executor: Executor | None = None) -> Sweep:
    """Train the sweep's missing networks in this process, to a final state; return it.

    Used by workers and the CLI alike; also resumes a sweep that was cancelled, failed or
    killed. `echo(fraction, line_or_None)` lets a terminal follow. Raises RunError when the
    sweep is unknown or another live process runs it.
    """
    registry.claim_sweep(sweep_id, os.getpid(), jobs.is_process_alive)
    sweep = registry.get_sweep(sweep_id)
    started = time.perf_counter()
    with recorded_failures(lambda state, error: _finish(registry, sweep, state, started,
                                                        error)) as outcome:
        if sweep.problem:
            raise RunError(sweep.problem)
        spec = validate(SweepSpec.from_dict(sweep.spec))
        todo = missing_tasks(spec, registry.sweep_members(sweep_id))
        recorder = Recorder(registry, sweep, spec, len(tasks(spec)) - len(todo), echo,
                            data=mnist.provenance() if mnist else {})
        finished = (executor or LocalExecutor(mnist)).execute(spec, todo, recorder.events())
    if not outcome.failed:
        _finish(registry, sweep, "done" if finished else "cancelled", started,
                None if finished else "cancelled on request; its finished networks are kept")
    return registry.get_sweep(sweep_id)


def _finish(registry, sweep, state, started, error) -> None:
    registry.update_sweep(
        sweep.sweep_id, state=state, finished_at=time.time(), error=error, training_now=[],
        eta_seconds=None, seconds=(sweep.seconds or 0.0) + time.perf_counter() - started,
        **({"progress": 1.0} if state == "done" else {}))


def missing_tasks(spec: SweepSpec, members: list[Run]) -> list[Task]:
    """The tasks without a stored network (done or diverged), in training order."""
    stored = {key for key in (_task_key(spec, member) for member in members) if key}
    return [task for task in tasks(spec) if (task.factor_index, task.replicate) not in stored]


def _task_key(spec: SweepSpec, member: Run) -> tuple[int, int] | None:
    """(factor index, replicate) of a stored network, or None when it is not a finished one."""
    if member.state not in ("done", "diverged") or member.problem:
        return None
    factor = member.config.get("model", {}).get("l2")
    replicate = member.config.get("training", {}).get("seed", -1) - spec.seed
    if factor not in spec.factors or not 0 <= replicate < spec.replicates:
        return None
    return spec.factors.index(factor), replicate


def outcomes(registry: Registry, sweep_id: str) -> list[stats.Outcome]:
    """Each stored network of the sweep (done or diverged), once per (factor, replicate).

    Raises RunError for an unknown sweep or one whose stored spec is damaged.
    """
    stored = registry.get_sweep(sweep_id)
    if stored.problem:
        raise RunError(stored.problem)
    spec = SweepSpec.from_dict(stored.spec)
    found, seen = [], set()
    for member in registry.sweep_members(sweep_id):
        key = _task_key(spec, member)
        if key is None or key in seen:
            continue
        seen.add(key)
        last = member.history[-1] if member.history else {}
        found.append(stats.Outcome(
            *key, member.state, member.val_accuracy, member.test_accuracy,
            # Sweeps stored before train_accuracy was measured have Keras' running mean only.
            last.get("train_accuracy", last.get("accuracy")), last.get("kernel_norm")))
    return found


def summary(registry: Registry, sweep_id: str) -> stats.Summary:
    """Per factor mean ± std of the stored networks; the best factor chosen on validation."""
    factors = tuple(registry.get_sweep(sweep_id).spec.get("factors", ()))
    return stats.summarize(factors, outcomes(registry, sweep_id))


def cli_result(registry: Registry, sweep_id: str) -> dict:
    """The sweep as one JSON-ready dict; its keys are stable (`python -m mnist_core sweep`)."""
    sweep = registry.get_sweep(sweep_id)
    numbers = summary(registry, sweep_id)
    rows = numbers.factors

    def column(name):
        return [getattr(row, name) for row in rows]

    return {
        "sweep_id": sweep.sweep_id, "status": sweep.state, "workspace": sweep.workspace,
        "factors": column("factor"), "replicates": sweep.spec.get("replicates"),
        "epochs": sweep.spec.get("epochs"),
        "mean_accuracy": column("test_mean"), "std_accuracy": column("test_std"),
        "val_mean_accuracy": column("val_mean"), "val_std_accuracy": column("val_std"),
        "finished": column("finished"), "diverged": column("diverged"),
        "train_test_gap": column("gap_mean"), "kernel_norm": column("kernel_norm_mean"),
        "best_factor": numbers.best_factor, "best_mean_accuracy": numbers.best_mean_accuracy,
        "std_ddof": numbers.ddof, "seconds": sweep.seconds, "error": sweep.error,
    }
