"""A worker's life in the test's own process, so the test sees what happens inside it."""

import os

import pytest

from mnist_core.worker.main import worker_main


def worker_here(registry, max_jobs: int) -> None:
    """worker_main in this process (the parent it watches is ours), without its os.nice(10):
    a real worker is a process of its own, and the niceness would stay with this pytest
    process, and with every server and worker it starts after."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(os, "nice", lambda increment: os.getpriority(os.PRIO_PROCESS, 0))
        worker_main(str(registry.home), os.getppid(), max_jobs=max_jobs)
