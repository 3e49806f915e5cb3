"""Faults in the store: a save killed mid-write, a full disk, a damaged run file. Whatever
happens to one run, the others keep their files, models and rows, and nothing half-written
is ever read back."""

import errno
import json
import os
import subprocess
import sys

import keras
import numpy as np
import pytest

from mnist_core import jobs
from mnist_core.store import DiskFull, Registry, RunError, files, repair
from mnist_core.training import runner
from tests.unit.lab_cli import ROOT
from tests.unit.stored_runs import SMALL_MLP, add_finished_run, small_model, snapshot
from tests.unit.waiting import wait_until_dead

# Saves a real model but stops halfway through writing it, then waits to be killed.
SAVE_KILLED_MIDWAY = """
import os, sys, time
from pathlib import Path
import keras
from mnist_core.store import Registry
from tests.unit.stored_runs import small_model

whole_save = keras.Model.save

def half_a_save(model, path, *args, **kwargs):
    whole_save(model, path, *args, **kwargs)
    written = Path(path).read_bytes()
    with open(path, "wb") as stream:  # as if the rest were still to come
        stream.write(written[: len(written) // 2])
        stream.flush()
        os.fsync(stream.fileno())
    print(path, flush=True)
    time.sleep(3600)

keras.Model.save = half_a_save
Registry().save_model(sys.argv[1], small_model(seed=2))
"""


@pytest.fixture
def registry(lab_home) -> Registry:
    return Registry()


def disk_full(*arguments, **keywords):
    raise OSError(errno.ENOSPC, "No space left on device")


def half_saved_then_disk_full(model, path, *arguments, **keywords):
    with open(path, "wb") as stream:
        stream.write(b"PK\x03\x04 the start of a zip archive")
    disk_full()


def leftovers(registry, run_id) -> list[str]:
    """Files in the run's folder besides its run file, model and replay: half-written ones."""
    return sorted(path.name for path in registry.run_dir(run_id).iterdir()
                  if path.name not in (files.RUN_FILE, files.MODEL_FILE, files.SNAPSHOT_FILE))


# kill -9 during a model save ------------------------------------------------------------

@pytest.mark.parametrize("previous_model", [None, 1], ids=["first save", "a model before"])
def test_a_save_killed_midway_is_never_read_as_the_model(registry, previous_model):
    run_id = add_finished_run(registry, model=None if previous_model is None
                              else small_model(seed=previous_model))
    saver = subprocess.Popen([sys.executable, "-c", SAVE_KILLED_MIDWAY, run_id], cwd=ROOT,
                             stdout=subprocess.PIPE, text=True)
    try:
        temporary = saver.stdout.readline().strip()  # printed once half the file is written
    finally:
        saver.kill()
        saver.wait()
    wait_until_dead(saver.pid)

    assert temporary, "the saver ended before it wrote half a model"
    assert os.path.getsize(temporary) > 0  # the half file is there, under its temporary name
    if previous_model is None:
        with pytest.raises(RunError, match="missing"):
            registry.load_model(run_id)
    else:
        np.testing.assert_array_equal(registry.load_model(run_id).get_weights()[0],
                                      small_model(seed=previous_model).get_weights()[0])
    assert registry.get(run_id).problem is None


# A full disk ----------------------------------------------------------------------------------

def running_run(registry) -> str:
    return registry.create(config=SMALL_MLP.to_dict(), model="mlp", workspace="alice",
                           seed=0, command="test", state="running", pid=os.getpid())


def test_a_full_disk_during_the_model_save_fails_that_run_alone(registry, tiny_mnist,
                                                                 monkeypatch, capsys):
    earlier = add_finished_run(registry, model=small_model())
    before = snapshot(registry, earlier)
    run_id = running_run(registry)
    monkeypatch.setattr(keras.Model, "save", half_saved_then_disk_full)

    run = runner.execute(registry, run_id, tiny_mnist)

    assert run.state == "failed" and "disk is full" in run.error
    assert files.read_record(registry.run_file(run_id), ())["state"] == "failed"
    assert not registry.model_path(run_id).exists() and leftovers(registry, run_id) == []
    assert snapshot(registry, earlier) == before


def test_a_disk_full_for_every_write_still_ends_the_run_failed_in_the_index(
        registry, tiny_mnist, monkeypatch, capsys):
    earlier = add_finished_run(registry, model=small_model())
    before = snapshot(registry, earlier)
    run_id = running_run(registry)

    def the_disk_fills_up(model, path, *arguments, **keywords):
        monkeypatch.setattr(os, "fsync", disk_full)  # from now on no file can be written
        half_saved_then_disk_full(model, path)

    monkeypatch.setattr(keras.Model, "save", the_disk_fills_up)

    run = runner.execute(registry, run_id, tiny_mnist)

    assert run.state == "failed" and "disk is full" in run.error
    # Its run file is the last whole one written: training had got that far.
    assert files.read_record(registry.run_file(run_id), files.RUN_KEYS)["state"] == "running"
    assert leftovers(registry, run_id) == []
    assert snapshot(registry, earlier) == before


def test_a_full_disk_while_writing_a_run_file_keeps_the_previous_one(registry, monkeypatch):
    run_id = add_finished_run(registry)
    before = snapshot(registry, run_id)
    monkeypatch.setattr(os, "fsync", disk_full)  # the new bytes are written, not yet on disk

    with pytest.raises(DiskFull, match="disk is full"):
        registry.update(run_id, state="failed", error="would have been recorded")

    assert snapshot(registry, run_id) == before  # the file, and the row (rolled back)
    assert leftovers(registry, run_id) == []


# A damaged run file -------------------------------------------------------------------------

def wrong_types(record: dict) -> dict:
    return {**record, "config": [1, 2], "created_at": "yesterday", "history": "none"}


# Each takes the run file's bytes and a neighbour's, and returns the damaged bytes.
DAMAGE = {
    "garbage": lambda own, neighbour: os.urandom(300),
    "truncated": lambda own, neighbour: own[: len(own) // 2],
    "a list": lambda own, neighbour: b"[1, 2, 3]",
    "no run keys": lambda own, neighbour: json.dumps({"format": 1, "state": "done"}).encode(),
    "wrong types": lambda own, neighbour: json.dumps(wrong_types(json.loads(own))).encode(),
    # e.g. a folder copied as a backup: a whole run file, but another run's
    "another run's file": lambda own, neighbour: neighbour,
}


@pytest.mark.parametrize("damage", DAMAGE)
def test_a_damaged_run_file_is_listed_with_its_reason_and_skipped_by_repair(
        registry, lab_home, damage):
    healthy = [add_finished_run(registry, model=small_model()) for _ in range(2)]
    before = [snapshot(registry, run_id) for run_id in healthy]
    damaged = add_finished_run(registry)
    path = registry.run_file(damaged)
    path.write_bytes(DAMAGE[damage](path.read_bytes(),
                                    registry.run_file(healthy[0]).read_bytes()))
    damaged_bytes = path.read_bytes()

    listed = {run.run_id: run for run in registry.runs()}
    assert set(listed) == {*healthy, damaged}
    assert str(path) in listed[damaged].problem and "damaged" in listed[damaged].problem
    assert all(listed[run_id].problem is None for run_id in healthy)

    report = repair(lab_home, jobs.is_process_alive)

    [skipped] = report.skipped
    assert skipped["path"] == str(path) and "damaged" in skipped["reason"]
    assert report.recovered == len(healthy)
    assert path.read_bytes() == damaged_bytes  # left for a person to look at, not deleted
    assert [snapshot(registry, run_id) for run_id in healthy] == before
    assert {run.run_id for run in registry.runs()} == set(healthy)
