"""Where a sweep's networks train: the Executor interface and the in-process LocalExecutor.

A sweep hands an executor its missing (factor, replicate) tasks and hears back through
Events. It never learns how tasks were grouped or where they ran, so another executor (one
that spreads tasks over machines, say) can replace LocalExecutor without touching the sweep,
its storage or the page.
"""

import dataclasses
from collections.abc import Callable
from typing import Protocol

from mnist_core import data
from mnist_core.sweep.spec import NetworkResult, SweepSpec, Task

# Networks trained at once in one compiled step. Measured (benchmarks/sweep.py): stacks of 1
# and 5 train equally fast per network, 15 about 15% slower (their 33 MB of weights outgrow
# the caches). 5 is one replicate of the assignment's 5 factors, so a first curve over all
# factors is stored after a third of the sweep, and a stop loses at most one stack's work.
DEFAULT_STACK_SIZE = 5


@dataclasses.dataclass
class Events:
    """How an executor reports. Every callback must be given."""

    on_start: Callable[[list[Task]], None]  # these tasks are training now
    on_progress: Callable[[dict[Task, float]], None]  # fraction done of each task in flight
    on_finished: Callable[[Task, NetworkResult], None]  # done or diverged: store it now
    should_cancel: Callable[[], bool]


class Executor(Protocol):
    def execute(self, spec: SweepSpec, tasks: list[Task], events: Events) -> bool:
        """Train `tasks`; return False when events.should_cancel stopped it before the end."""


def stacks(tasks: list[Task], stack_size: int) -> list[list[Task]]:
    """Consecutive groups of at most `stack_size` tasks, in the order given."""
    if stack_size < 1:
        raise ValueError(f"stack size must be at least 1, got {stack_size}")
    return [tasks[start:start + stack_size] for start in range(0, len(tasks), stack_size)]


class LocalExecutor:
    """Trains here, `stack_size` networks at a time in one compiled step (sweep_trainer)."""

    def __init__(self, mnist: data.Mnist, stack_size: int = DEFAULT_STACK_SIZE):
        self.mnist = mnist
        self.stack_size = stack_size

    def execute(self, spec: SweepSpec, tasks: list[Task], events: Events) -> bool:
        from mnist_core.sweep import stack, trainer  # import TensorFlow

        inputs = trainer.Inputs.from_splits(data.split(self.mnist, spec.train_size))
        compiled: dict[int, stack.StackedMlps] = {}  # by stack size: compile once
        for group in stacks(tasks, self.stack_size):
            events.on_start(group)
            if len(group) not in compiled:
                compiled[len(group)] = stack.StackedMlps(spec.hidden_units, len(group))
            results = trainer.train_stack(
                [trainer.Network(task.factor, task.seed) for task in group], inputs,
                spec.hidden_units, spec.member_config(0.0, 0).training, _hooks(group, events),
                stack=compiled[len(group)])
            if not report_stack(group, results, events):
                return False
        return True


def report_stack(group: list[Task], results: list[NetworkResult], events: Events) -> bool:
    """Pass a trained stack's finished networks on (a diverged one was passed on when it
    diverged); False when the stack was cancelled."""
    for task, result in zip(group, results, strict=True):
        if result.status == "done":
            events.on_finished(task, result)
    return not any(result.status == "cancelled" for result in results)


def _hooks(group: list[Task], events: Events):
    from mnist_core.sweep import trainer

    return trainer.StackHooks(
        on_progress=lambda fraction: events.on_progress(dict.fromkeys(group, fraction)),
        on_diverged=lambda index, result: events.on_finished(group[index], result),
        should_cancel=events.should_cancel)
