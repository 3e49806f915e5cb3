"""The L2 regularization sweep: its spec, the stacked trainer, executors, the recorder that
stores each network, statistics, and the job that runs a sweep (re-exported here, so callers
read as `sweep.submit(...)`)."""

from mnist_core.sweep.executor import LocalExecutor
from mnist_core.sweep.job import (
    cancel,
    cli_result,
    missing_tasks,
    outcomes,
    resume,
    run,
    start,
    submit,
    summary,
)
from mnist_core.sweep.spec import HINTON_ACCURACY, SweepSpec, parse_factors, validate

__all__ = ["HINTON_ACCURACY", "LocalExecutor", "SweepSpec", "cancel", "cli_result",
           "missing_tasks", "outcomes", "parse_factors", "resume", "run", "start", "submit",
           "summary", "validate"]
