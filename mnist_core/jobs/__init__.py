"""Jobs: the fair queue in the registry, process liveness, and the worker pool (re-exported
here, so callers read as `jobs.submit(...)` and `jobs.WorkerPool(...)`)."""

from mnist_core.jobs.pool import WorkerPool
from mnist_core.jobs.queue import (
    MAX_QUEUED_PER_WORKSPACE,
    QueueFull,
    check_room,
    claim_next,
    position,
    queue_order,
    submit,
)

# Their home is the store; here for callers.
from mnist_core.store import WORKSPACE_PATTERN, check_workspace
from mnist_core.store.processes import is_process_alive

__all__ = ["MAX_QUEUED_PER_WORKSPACE", "QueueFull", "WORKSPACE_PATTERN", "WorkerPool",
           "check_room", "check_workspace", "claim_next", "is_process_alive", "position",
           "queue_order", "submit"]
