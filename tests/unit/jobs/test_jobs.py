"""mnist_core.jobs: fair claiming, limits and positions; real worker processes at the end."""

import os
import signal
import threading
import time

import pytest

from mnist_core import jobs
from mnist_core.models import config, reproduce
from mnist_core.store import Registry
from tests.unit.dead_process import DEAD_PID
from tests.unit.waiting import wait_for, wait_until_dead
from tests.unit.worker_here import worker_here

SMALL = config.RunConfig(training=config.TrainConfig(epochs=1, train_size=512))
WORKER_START_SECONDS = 120  # a fresh worker imports TensorFlow and loads MNIST


@pytest.fixture
def registry(lab_home) -> Registry:
    return Registry()


def claim_and_finish(registry) -> str | None:
    run = jobs.claim_next(registry, pid=DEAD_PID)
    if run is None:
        return None
    assert run.state == "running" and run.pid == DEAD_PID and run.started_at is not None
    registry.update(run.run_id, state="done", finished_at=time.time())
    return run.workspace


def test_claims_take_turns_between_workspaces(registry):
    for _ in range(3):
        jobs.submit(registry, SMALL, "alice")
    for _ in range(3):
        jobs.submit(registry, SMALL, "bob")

    order = [claim_and_finish(registry) for _ in range(7)]

    assert order == ["alice", "bob", "alice", "bob", "alice", "bob", None]


def test_a_workspace_with_a_running_job_waits(registry):
    first = jobs.submit(registry, SMALL, "alice")
    jobs.submit(registry, SMALL, "alice")
    bob = jobs.submit(registry, SMALL, "bob")

    assert jobs.claim_next(registry, DEAD_PID).run_id == first
    assert jobs.claim_next(registry, DEAD_PID).run_id == bob
    assert jobs.claim_next(registry, DEAD_PID) is None  # both busy: nothing may start


def test_per_workspace_limit(registry):
    for _ in range(jobs.MAX_QUEUED_PER_WORKSPACE):
        jobs.submit(registry, SMALL, "alice")

    with pytest.raises(jobs.QueueFull, match=r"'alice' already has 3 runs waiting"):
        jobs.submit(registry, SMALL, "alice")
    jobs.submit(registry, SMALL, "bob")  # other workspaces are not held up
    claim_and_finish(registry)  # one of alice's starts, so she may add one again
    jobs.submit(registry, SMALL, "alice")


def test_the_limit_holds_when_submissions_race(registry):
    barrier = threading.Barrier(8)
    outcomes = []

    def submit():
        barrier.wait()
        try:
            outcomes.append(jobs.submit(registry, SMALL, "alice"))
        except jobs.QueueFull:
            outcomes.append("full")

    threads = [threading.Thread(target=submit) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len(registry.runs(workspace="alice", states=("queued",))) == 3
    assert outcomes.count("full") == 5


def test_positions_count_from_one_in_round_robin_order(registry):
    a1 = jobs.submit(registry, SMALL, "alice")
    a2 = jobs.submit(registry, SMALL, "alice")
    b1 = jobs.submit(registry, SMALL, "bob")

    assert [jobs.position(registry, run_id) for run_id in (a1, b1, a2)] == [1, 2, 3]

    claim_and_finish(registry)  # a1 starts and finishes

    assert jobs.position(registry, a1) is None
    assert [jobs.position(registry, run_id) for run_id in (b1, a2)] == [1, 2]


def test_a_page_reads_its_position_while_a_worker_holds_the_write_lock(registry):
    run_id = jobs.submit(registry, SMALL, "alice")

    with registry.transaction():  # e.g. a worker claiming a job
        assert jobs.position(registry, run_id) == 1


def test_a_queued_run_is_cancelled_at_once(registry):
    run_id = jobs.submit(registry, SMALL, "alice")

    registry.request_cancel(run_id)

    assert registry.get(run_id).state == "cancelled"
    assert jobs.position(registry, run_id) is None
    assert jobs.claim_next(registry, DEAD_PID) is None


def test_submit_validates_first(registry):
    bad = config.RunConfig(model=config.MlpConfig(hidden_units=(0,)))
    with pytest.raises(ValueError, match="hidden layer 1"):
        jobs.submit(registry, bad, "alice")
    with pytest.raises(ValueError, match="workspace name"):
        jobs.submit(registry, SMALL, "no spaces allowed")
    assert registry.runs() == []


def test_submitted_run_records_how_to_reproduce_it(registry):
    run = registry.get(jobs.submit(registry, SMALL, "alice"))

    assert run.params == 55_050
    assert run.command == reproduce.command_line(SMALL)
    assert config.RunConfig.from_dict(run.config) == SMALL


@pytest.mark.parametrize("name", ["", "a" * 41, "a b", "../x", None])
def test_check_workspace_rejects_bad_names(name):
    with pytest.raises(ValueError, match="workspace name"):
        jobs.check_workspace(name)


def test_process_liveness():
    assert jobs.is_process_alive(os.getpid())
    assert not jobs.is_process_alive(DEAD_PID)
    assert not jobs.is_process_alive(None)


def test_one_job_through_a_real_worker(registry):
    pool = jobs.WorkerPool(registry, size=1)
    try:
        run_id = pool.submit(SMALL, "alice")
        run = wait_for(registry, run_id, ("done", "failed", "diverged"), WORKER_START_SECONDS)
    finally:
        pool.shutdown()

    assert run.state == "done", run.error
    assert run.pid != os.getpid()
    assert len(run.history) == 1 and 0 <= run.test_accuracy <= 1
    assert registry.load_model(run_id).count_params() == 55_050


@pytest.mark.parametrize("notice", ["a new pool", "ensure_running"])
def test_a_killed_worker_leaves_its_run_interrupted(registry, notice):
    long_run = config.RunConfig(training=config.TrainConfig(epochs=500, train_size=1000))
    pool = jobs.WorkerPool(registry, size=1)
    replacement = None
    try:
        run_id = pool.submit(long_run, "alice")
        running = wait_for(registry, run_id, ("running",), WORKER_START_SECONDS)
        os.kill(running.pid, signal.SIGKILL)
        wait_until_dead(running.pid)

        if notice == "a new pool":  # as after a server restart, the old pool still holding it
            replacement = jobs.WorkerPool(registry, size=1)
        else:
            pool.ensure_running()

        run = registry.get(run_id)
        assert run.state == "interrupted"
        assert "stopped" in run.error and run.finished_at is not None
    finally:
        pool.shutdown()
        if replacement:
            replacement.shutdown()


def test_a_worker_outlives_a_run_deleted_under_it(registry):
    doomed = jobs.submit(registry, SMALL, "alice")
    survivor = jobs.submit(registry, SMALL, "bob")

    def delete_once_running():
        wait_for(registry, doomed, ("running",), 30)
        registry.delete(doomed)

    deleter = threading.Thread(target=delete_once_running)
    deleter.start()
    worker_here(registry, max_jobs=2)
    deleter.join()

    assert registry.get(survivor).state == "done"
    assert [run.run_id for run in registry.runs()] == [survivor]
