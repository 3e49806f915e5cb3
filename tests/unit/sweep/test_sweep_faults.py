"""A sweep killed with SIGKILL, run from the CLI or by a worker: `sweep --resume` finishes it,
keeping every network stored before the kill and training only the missing ones."""

import os
import signal

import pytest

from mnist_core import jobs, sweep
from mnist_core.store import Registry, files
from mnist_core.sweep.spec import SweepSpec
from tests.unit.lab_cli import lab, last_json, start_lab
from tests.unit.waiting import wait_until, wait_until_dead

# Six networks: a stack of five, then one, each stack long enough to be killed in.
SPEC = SweepSpec(hidden_units=(32,), factors=(1e-4, 1e-3, 1e-2), replicates=2, epochs=16,
                 train_size=2000, batch_size=16)
FLAGS = ["--hidden", "32", "--factors", "1e-4,1e-3,1e-2", "--replicates", "2",
         "--epochs", "16", "--train-size", "2000", "--batch-size", "16", "--workspace", "alice"]
TASKS = 6
START_SECONDS = 120  # a fresh interpreter imports TensorFlow and loads MNIST
SWEEP_SECONDS = 300


@pytest.fixture
def registry(lab_home) -> Registry:
    return Registry()


def first_network_stored(registry, sweep_id):
    wait_until(lambda: registry.sweep_members(sweep_id), START_SECONDS + SWEEP_SECONDS,
               f"a network of sweep {sweep_id} stored")


def killed_from_the_cli(registry, tmp_path) -> str:
    process = start_lab("sweep", *FLAGS, "--json", log=tmp_path / "sweep.log")
    try:
        [stored] = wait_until(registry.sweeps, START_SECONDS, "a sweep started")
        first_network_stored(registry, stored.sweep_id)
    finally:
        process.kill()
        process.wait()
    return stored.sweep_id


def killed_in_a_worker(registry, tmp_path) -> str:
    sweep_id = sweep.submit(registry, SPEC, "alice")
    pool = jobs.WorkerPool(registry, size=1)
    try:
        pool.ensure_running()
        first_network_stored(registry, sweep_id)
        pid = registry.get_sweep(sweep_id).pid
        os.kill(pid, signal.SIGKILL)
        wait_until_dead(pid)
        pool.ensure_running()  # notices the dead worker, as a page's redraw does
        assert registry.get_sweep(sweep_id).state == "interrupted"
    finally:
        pool.shutdown()
    return sweep_id


@pytest.mark.parametrize("kill", [killed_from_the_cli, killed_in_a_worker],
                         ids=["the CLI", "a worker"])
def test_a_killed_sweep_resumes_keeping_its_networks(registry, tmp_path, kill):
    sweep_id = kill(registry, tmp_path)
    kept = {run.run_id: run.test_accuracy for run in registry.sweep_members(sweep_id)}
    assert 0 < len(kept) < TASKS, "the kill came after the sweep had finished"

    resumed = lab("sweep", "--resume", sweep_id, "--json", timeout=START_SECONDS + SWEEP_SECONDS)

    assert resumed.returncode == 0, resumed.stderr
    assert last_json(resumed)["status"] == "done"
    assert f"{TASKS - len(kept)} of {TASKS} networks to train" in resumed.stderr
    members = registry.sweep_members(sweep_id)
    assert {run.run_id: run.test_accuracy for run in members if run.run_id in kept} == kept
    assert sorted((run.config["model"]["l2"], run.config["training"]["seed"])
                  for run in members) == sorted(
        (factor, replicate) for factor in SPEC.factors for replicate in range(SPEC.replicates))
    on_disk = files.read_record(registry.sweep_file(sweep_id), files.SWEEP_KEYS)
    assert (on_disk["state"], on_disk["members"]) == ("done", [run.run_id for run in members])
