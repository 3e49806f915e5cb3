"""A worker killed with SIGKILL mid-epoch: its run ends interrupted, in the index and in its
file; the runs around it are untouched; the pool replaces the worker and the queue goes on."""

import os
import signal

import pytest

from mnist_core import jobs
from mnist_core.models import config
from mnist_core.store import FINAL_STATES, Registry, files
from tests.unit.stored_runs import snapshot
from tests.unit.waiting import wait_for, wait_until_dead

SHORT = config.RunConfig(training=config.TrainConfig(epochs=1, train_size=512))
# Many small batches: minutes of training, with progress written every half second.
LONG = config.RunConfig(training=config.TrainConfig(epochs=200, train_size=1000, batch_size=16))
WORKER_START_SECONDS = 120  # a fresh worker imports TensorFlow and loads MNIST


@pytest.fixture
def registry(lab_home) -> Registry:
    return Registry()


@pytest.fixture
def pool(registry):
    pool = jobs.WorkerPool(registry, size=1)  # one worker: the queued run waits behind
    yield pool
    pool.shutdown()


def test_a_worker_killed_mid_epoch_interrupts_its_run_alone(registry, pool):
    finished = pool.submit(SHORT, "alice")
    assert wait_for(registry, finished, FINAL_STATES, WORKER_START_SECONDS).state == "done"
    before = snapshot(registry, finished)
    killed = pool.submit(LONG, "alice")
    running = wait_for(registry, killed, ("running",), WORKER_START_SECONDS,
                       condition=lambda run: run.progress > 0)
    waiting = pool.submit(SHORT, "bob")
    assert registry.get(waiting).state == "queued"

    os.kill(running.pid, signal.SIGKILL)
    wait_until_dead(running.pid)
    pool.ensure_running()  # what a page watching a run calls as it redraws

    run = registry.get(killed)
    assert run.state == "interrupted" and "stopped" in run.error and run.finished_at
    on_disk = files.read_record(registry.run_file(killed), files.RUN_KEYS)
    assert (on_disk["state"], on_disk["history"]) == ("interrupted", run.history)
    assert not registry.model_path(killed).exists()
    assert snapshot(registry, finished) == before
    after = wait_for(registry, waiting, FINAL_STATES, WORKER_START_SECONDS)
    assert after.state == "done", after.error
    assert after.pid != running.pid  # the replacement worker trained it

