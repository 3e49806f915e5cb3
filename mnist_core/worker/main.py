"""A worker's life: claim a job, train it, repeat; exit when its parent is gone.

Above both `jobs` and `sweep`: a worker runs single runs and whole sweeps alike. Importing
this module imports TensorFlow (through the runner), once per worker process.
"""

import os
import time
import traceback

from mnist_core import data, jobs, sweep
from mnist_core.store import IndexDamaged, Registry
from mnist_core.training import runner

IDLE_POLL_SECONDS = 0.25
JOBS_PER_WORKER = 20  # then the worker is replaced: Keras leaks a little per model built


def worker_main(home: str, parent_pid: int, max_jobs: int = JOBS_PER_WORKER) -> None:
    """A worker's life: claim, train, repeat; exit when its parent is gone."""
    # Below the server's priority: a drawing's prediction must not wait behind training
    # (benchmarks/predict.py: MLP p95 5-7 ms during training without this, about 1 ms with).
    os.nice(10)
    # TensorFlow keeps its default threads (one per core) although two workers may share
    # the cores. Fast CNN on 2 cores, s/epoch: alone 1.40 (one thread: 1.75); two at once
    # 2.27 each (one thread each: 2.11-2.23). Sharing costs little; one thread costs a lot.
    registry = None
    mnist = data.load_mnist()
    for _ in range(max_jobs):
        run = None
        while run is None:
            if os.getppid() != parent_pid:
                return
            try:  # a damaged index is repaired by the server: wait for it, do not die
                registry = registry or Registry(home)
                run = jobs.claim_next(registry, os.getpid())
            except IndexDamaged:
                run = None
            if run is None:
                time.sleep(IDLE_POLL_SECONDS)
        try:
            if run.kind == "sweep":  # a whole sweep is one job: same queue, same fairness
                sweep.run(registry, run.run_id, mnist)
            else:
                runner.execute(registry, run.run_id, mnist)
        except Exception:  # e.g. its row was deleted mid-run: the queue must go on
            traceback.print_exc()
