"""Executor events that store each finished network at once and keep the sweep row current."""

import time

from mnist_core.models import kinds, mlp, reproduce
from mnist_core.store import Registry, Sweep
from mnist_core.sweep.executor import Events
from mnist_core.sweep.spec import NetworkResult, SweepSpec, Task
from mnist_core.training.versions import library_versions

# Registry writes and cancel checks are throttled: SQLite is fast, but not free per call.
PROGRESS_INTERVAL_SECONDS = 0.5
CANCEL_INTERVAL_SECONDS = 0.25


class Recorder:
    """Events that store each finished network at once and keep the sweep's row current."""

    def __init__(self, registry: Registry, sweep: Sweep, spec: SweepSpec, stored: int, echo,
                 data: dict):
        self.registry, self.sweep, self.spec, self.echo = registry, sweep, spec, echo
        self.data = data  # what the networks train on, stored with each
        self.total, self.stored = sweep.tasks_total, stored
        self.in_flight: dict[Task, float] = {}
        self.started = time.monotonic()
        self.start_fraction = stored / self.total
        self.last_write = self.last_cancel_check = 0.0

    def events(self) -> Events:
        return Events(self.on_start, self.on_progress, self.on_finished, self.should_cancel)

    def fraction(self) -> float:
        return (self.stored + sum(self.in_flight.values())) / self.total

    def on_start(self, group: list[Task]) -> None:
        self.in_flight = dict.fromkeys(group, 0.0)
        self.registry.update_sweep(self.sweep.sweep_id, training_now=[
            [task.factor, task.replicate] for task in group])

    def on_progress(self, fractions: dict[Task, float], force: bool = False) -> None:
        self.in_flight.update((task, fraction) for task, fraction in fractions.items()
                              if task in self.in_flight)  # not the ones already stored
        now = time.monotonic()
        if not force and now - self.last_write < PROGRESS_INTERVAL_SECONDS:
            return
        self.last_write = now
        fraction, gained = self.fraction(), self.fraction() - self.start_fraction
        eta = (now - self.started) * (1 - fraction) / gained if gained > 0 else None
        self.registry.update_sweep(self.sweep.sweep_id, progress=fraction, eta_seconds=eta)
        if self.echo:
            self.echo(fraction, None)

    def on_finished(self, task: Task, result: NetworkResult) -> None:
        run_id = self._store(task, result)
        self.in_flight.pop(task, None)
        self.stored += 1
        self.registry.update_sweep(self.sweep.sweep_id, training_now=[
            [other.factor, other.replicate] for other in self.in_flight])
        self.on_progress({}, force=True)
        if self.echo:
            accuracy = ("diverged" if result.status == "diverged" else
                        f"val {result.val_accuracy:.4f}, test {result.test_accuracy:.4f}")
            self.echo(self.fraction(), f"λ={task.factor:.6g} replicate {task.replicate + 1}: "
                                       f"{accuracy} ({run_id})")

    def _store(self, task: Task, result: NetworkResult) -> str:
        member = self.spec.member_config(task.factor, task.replicate)
        run_id = self.registry.add_sweep_member(
            self.sweep.sweep_id, config=member.to_dict(), workspace=self.sweep.workspace,
            seed=task.seed, command=reproduce.command_line(member),
            params=kinds.parameter_count(member.model), state=result.status,
            history=result.history, test_loss=result.test_loss,
            test_accuracy=result.test_accuracy, val_accuracy=result.val_accuracy,
            seconds=result.seconds, started_at=time.time() - result.seconds,
            finished_at=time.time(), progress=1.0 if result.status == "done" else 0.0,
            versions=library_versions(), data=self.data,
            error=None if result.status == "done" else (
                "its loss blew up (NaN, infinite or exploded), so it stopped; the sweep's "
                "means leave it out and count it as diverged"))
        if self.spec.save_models and result.weights is not None:
            model = mlp.build(member.model, task.seed)
            model.set_weights(result.weights)
            self.registry.save_model(run_id, model)
        return run_id

    def should_cancel(self) -> bool:
        now = time.monotonic()
        if now - self.last_cancel_check < CANCEL_INTERVAL_SECONDS:
            return False
        self.last_cancel_check = now
        return self.registry.is_cancel_requested(self.sweep.sweep_id)

