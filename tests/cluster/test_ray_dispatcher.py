"""The server's job path on a real Ray cluster: the pool starts a dispatcher process, which
trains the queue there. Cancel, a killed task and a cluster that goes away."""

import os
import signal
import sys
import time
from pathlib import Path

import pytest
import ray_cluster

from mnist_core import jobs, sweep
from mnist_core.jobs import executors
from mnist_core.models import config
from mnist_core.store import Registry, cluster_status
from mnist_core.sweep.spec import SweepSpec
from tests.cluster.test_ray_cli import TINY_RUN, TINY_SWEEP
from tests.unit.lab_cli import lab, last_json
from tests.unit.waiting import wait_for, wait_until

pytestmark = pytest.mark.ray

TINY = config.RunConfig(model=config.MlpConfig(),
                        training=config.TrainConfig(epochs=1, train_size=1000))
# Long enough to be caught mid-run: about 200 quick epochs.
LONG = config.RunConfig(model=config.MlpConfig(hidden_units=(8,)),
                        training=config.TrainConfig(epochs=200, train_size=1000, batch_size=16))


def pool_on(address: str) -> tuple[Registry, jobs.WorkerPool]:
    registry = Registry()
    return registry, jobs.WorkerPool(registry, executor=executors.Executor(executors.RAY,
                                                                           address))


@pytest.fixture
def on_cluster(ray_head):
    registry, pool = pool_on(ray_head.address)
    yield registry, pool
    pool.shutdown()


def test_a_queued_run_trains_on_the_cluster_with_the_local_numbers(on_cluster):
    registry, pool = on_cluster
    run_id = pool.submit(TINY, "alice")
    run = wait_for(registry, run_id, ("done",), 240)
    assert Path(f"/proc/{pool._workers[0].pid}/cmdline").read_bytes().split(b"\0")[1:3] == [
        b"-m", b"mnist_core.cluster"]  # the dispatcher, not a local worker
    assert run.versions["node"].startswith("127.")
    assert registry.model_path(run_id).is_file()
    here = last_json(lab(*TINY_RUN, "--executor", "local"))
    assert (run.test_accuracy, run.val_accuracy) == (here["test_accuracy"],
                                                     here["val_accuracy"])
    assert "ray" not in sys.modules  # the server's side of the pool never imports Ray
    status = cluster_status.read(registry.home)
    assert status.connected and status.cpus == 2 and status.nodes == ("127.0.0.1",)


def test_a_queued_sweep_spreads_over_the_cluster_with_the_local_numbers(on_cluster):
    registry, pool = on_cluster
    spec = SweepSpec(factors=(1e-5, 1e-4), replicates=2, epochs=1, train_size=1000)
    sweep_id = sweep.submit(registry, spec, "alice")
    pool.ensure_running()
    wait_until(lambda: registry.get_sweep(sweep_id).state == "done", 240,
               lambda: f"sweep {sweep_id} is {registry.get_sweep(sweep_id).state}")
    on_ray = sweep.cli_result(registry, sweep_id)
    here = last_json(lab(*TINY_SWEEP, "--executor", "local"))
    for key in ("mean_accuracy", "std_accuracy", "val_mean_accuracy", "finished"):
        assert on_ray[key] == here[key], key


def test_a_sweep_cancelled_mid_stack_resumes_to_the_end(on_cluster):
    """Its cancelled attempt's late reports must not reach the resumed one, which numbers
    its stacks anew."""
    registry, pool = on_cluster
    spec = SweepSpec(factors=(1e-5, 1e-4), replicates=3, epochs=150, train_size=1000,
                     hidden_units=(16,))
    sweep_id = sweep.submit(registry, spec, "alice")
    pool.ensure_running()
    wait_until(lambda: registry.get_sweep(sweep_id).progress > 0.05, 240,
               lambda: f"sweep {sweep_id} is {registry.get_sweep(sweep_id).state}")
    sweep.cancel(registry, sweep_id)
    wait_until(lambda: registry.get_sweep(sweep_id).state == "cancelled", 30,
               lambda: f"sweep {sweep_id} is {registry.get_sweep(sweep_id).state}")
    sweep.resume(registry, sweep_id)
    pool.ensure_running()
    wait_until(lambda: registry.get_sweep(sweep_id).state in ("done", "failed"), 300,
               lambda: f"sweep {sweep_id} is {registry.get_sweep(sweep_id).state}")
    finished = registry.get_sweep(sweep_id)
    assert finished.state == "done", finished.error
    assert sum(sweep.cli_result(registry, sweep_id)["finished"]) == 6


def test_cancel_stops_the_task_within_seconds(on_cluster):
    registry, pool = on_cluster
    run_id = pool.submit(LONG, "alice")
    wait_for(registry, run_id, ("running",), 240, lambda run: len(run.history) >= 2)
    registry.request_cancel(run_id)
    run = wait_for(registry, run_id, ("cancelled",), 15)
    assert 2 <= len(run.history) < LONG.training.epochs


def test_the_cluster_cpus_set_how_many_train_at_once_one_per_workspace(on_cluster):
    registry, pool = on_cluster
    ids = [pool.submit(LONG, workspace) for workspace in ("alice", "alice", "bob", "carol")]
    wait_until(lambda: sum(registry.get(run_id).state == "running" for run_id in ids) == 2,
               240, "two runs never trained at once")
    time.sleep(3)  # room for a third to start, were the capacity wrong
    states = {run_id: registry.get(run_id).state for run_id in ids}
    running = [run_id for run_id in ids if states[run_id] == "running"]
    assert len(running) == 2  # the cluster has 2 CPUs
    assert len({registry.get(run_id).workspace for run_id in running}) == 2
    assert ids[0] in running  # first come, and alice's second waits for her first
    assert states[ids[1]] == "queued"
    for run_id in ids:
        registry.request_cancel(run_id)
    for run_id in ids:
        wait_for(registry, run_id, ("cancelled",), 30)


def _task_process(name: str) -> int | None:
    """The pid of the Ray worker running the task `name` (Ray titles it ray::NAME)."""
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if (entry / "cmdline").read_bytes().startswith(f"ray::{name}".encode()):
                    return int(entry.name)
            except OSError:
                continue
    return None


def test_a_killed_task_ends_its_run_interrupted_and_the_queue_goes_on(on_cluster):
    registry, pool = on_cluster
    run_id = pool.submit(LONG, "alice")
    wait_for(registry, run_id, ("running",), 240, lambda run: len(run.history) >= 1)
    os.kill(wait_until(lambda: _task_process("train_run"), 30, "no ray::train_run process"),
            signal.SIGKILL)
    run = wait_for(registry, run_id, ("interrupted",), 60)
    assert "lost" in run.error
    assert wait_for(registry, pool.submit(TINY, "alice"), ("done",), 240)


def test_a_cluster_that_goes_away_leaves_queued_runs_queued_with_a_note():
    ray_cluster.skip_unless_loopback_only()
    with ray_cluster.local_head() as head:
        registry, pool = pool_on(head.address)
        try:
            wait_for(registry, pool.submit(TINY, "alice"), ("done",), 240)
            head.stop()

            def unreachable():
                pool.ensure_running()  # as the page does every second: a new dispatcher
                status = cluster_status.read(registry.home)
                return status if status and status.state == "unreachable" else None

            status = wait_until(unreachable, 120, "the status never said unreachable")
            assert head.address in status.message
            waiting = pool.submit(TINY, "alice")
            for _ in range(20):
                pool.ensure_running()
                assert registry.get(waiting).state == "queued"
                time.sleep(0.5)
        finally:
            pool.shutdown()
    assert registry.get(waiting).state == "queued"
