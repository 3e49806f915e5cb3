"""Training the lecture pack in this process: each part `lecture` does not hold done yet,
a stopped sweep resumed rather than started again."""

import dataclasses

from mnist_core import data, jobs, sweep
from mnist_core.lecture.pack import (
    Part,
    RunPart,
    lecture_run,
    lecture_runs,
    lecture_sweep,
    lecture_sweeps,
    parts,
)
from mnist_core.store import ACTIVE_STATES, LECTURE_WORKSPACE, Registry, Run, RunError, Sweep
from mnist_core.sweep.spec import tasks

# A sweep stopped in one of these keeps its networks: resuming trains only the missing ones.
RESUMABLE_STATES = ("interrupted", "cancelled", "failed")


@dataclasses.dataclass(frozen=True)
class Prepared:
    """Each part's run or sweep as it ended, in the parts' order."""

    runs: list[Run]
    sweeps: list[Sweep]

    @property
    def done(self) -> bool:
        return all(record.state == "done" for record in [*self.runs, *self.sweeps])


def prepare(registry: Registry, mnist: data.Mnist, pack: tuple[Part, ...] | None = None,
            follow=None) -> Prepared:
    """Train into `lecture` each part of `pack` (default: parts()) not done there yet.

    `follow(part, note)` hears what becomes of each part (already trained, training,
    resuming) and returns the echo(fraction, line) that follows its training, or None.
    Raises RunError, before training anything, when a part is queued or training already.
    """
    pack = parts() if pack is None else pack
    follow = follow or (lambda part, note: None)
    registry.mark_interrupted(jobs.is_process_alive)  # a killed pack's jobs: resumable
    for part in pack:
        _check_not_active(registry, part)
    records = [_prepare_run(registry, mnist, part, follow) if isinstance(part, RunPart)
               else _prepare_sweep(registry, mnist, part, follow) for part in pack]
    return Prepared(runs=[record for record in records if isinstance(record, Run)],
                    sweeps=[record for record in records if isinstance(record, Sweep)])


def _check_not_active(registry: Registry, part: Part) -> None:
    """A part queued from the app or trained by another process would otherwise train twice."""
    if isinstance(part, RunPart):
        active = [run.run_id for run in lecture_runs(registry, part.config, ACTIVE_STATES)]
    else:
        active = [item.sweep_id for item in lecture_sweeps(registry, part.spec, ACTIVE_STATES)]
    if active:
        raise RunError(f"{part.name}: {active[0]} is already queued or training in "
                       f"{LECTURE_WORKSPACE!r}; let it finish or cancel it, then prepare again")


def _prepare_run(registry, mnist, part, follow) -> Run:
    found = lecture_run(registry, part.config)
    if found:
        follow(part, f"already trained: run {found.run_id}")
        return found
    from mnist_core.training import runner  # imports TensorFlow

    run_id = runner.start(registry, part.config, LECTURE_WORKSPACE)
    echo = follow(part, f"training run {run_id}")
    # The pack draws each part's bar only, not a line per epoch.
    return runner.execute(registry, run_id, mnist,
                          echo=echo and (lambda fraction, metrics: echo(fraction)))


def _prepare_sweep(registry, mnist, part, follow) -> Sweep:
    found = lecture_sweep(registry, part.spec)
    if found:
        follow(part, f"already trained: sweep {found.sweep_id}")
        return found
    total = len(tasks(part.spec))
    stopped = lecture_sweeps(registry, part.spec, RESUMABLE_STATES)
    if stopped:
        sweep_id = stopped[0].sweep_id
        missing = len(sweep.missing_tasks(part.spec, registry.sweep_members(sweep_id)))
        note = f"resuming {stopped[0].state} sweep {sweep_id}: {missing} of {total} networks"
    else:
        sweep_id = sweep.start(registry, part.spec, LECTURE_WORKSPACE)
        note = f"training sweep {sweep_id}: {total} networks"
    return sweep.run(registry, sweep_id, mnist, echo=follow(part, note))
