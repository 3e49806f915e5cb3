"""Jobs: the fair queue in the registry, its limits, process liveness, and the worker pool
(re-exported here, so callers read as `jobs.submit(...)` and `jobs.WorkerPool(...)`)."""

from mnist_core.jobs.limits import (
    MAX_QUEUED_IN_CLASS,
    MAX_QUEUED_PER_WORKSPACE,
    JobTooLarge,
    QueueFull,
    check_job_size,
    check_room,
    image_epochs,
)
from mnist_core.jobs.pool import WorkerPool
from mnist_core.jobs.queue import claim_next, position, queue_order, submit

# Their home is the store; here for callers.
from mnist_core.store import WORKSPACE_PATTERN, check_workspace
from mnist_core.store.processes import is_process_alive

__all__ = ["MAX_QUEUED_IN_CLASS", "MAX_QUEUED_PER_WORKSPACE", "JobTooLarge", "QueueFull",
           "WORKSPACE_PATTERN", "WorkerPool", "check_job_size", "check_room", "check_workspace",
           "claim_next", "image_epochs", "is_process_alive", "position", "queue_order", "submit"]
