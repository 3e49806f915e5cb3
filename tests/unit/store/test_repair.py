"""store.repair and the index's lifecycle: rebuilt from the run files, the old one kept."""

import json
import os
import sqlite3

import pytest

from mnist_core import store
from mnist_core.models import config, mlp, reproduce
from mnist_core.store import Registry

NEVER_ALIVE = staticmethod(lambda pid: False)


def finished_run(registry, workspace="alice", accuracy=0.9) -> str:
    run_config = config.RunConfig(model=mlp.MlpConfig(hidden_units=(8,)))
    run_id = registry.create(config=run_config.to_dict(), model="mlp", workspace=workspace,
                             seed=0, command=reproduce.command_line(run_config),
                             state="running", pid=os.getpid())
    registry.update(run_id, state="done", test_accuracy=accuracy, val_accuracy=accuracy,
                    history=[{"epoch": 1, "loss": 0.5, "val_accuracy": accuracy}],
                    data={"source": "test", "sha256": None, "is_subset": True})
    return run_id


def listing(registry) -> list[tuple]:
    return [(run.run_id, run.state, run.test_accuracy, run.history, run.data)
            for run in registry.runs()]


def test_a_damaged_index_is_named_and_repair_brings_every_run_back(lab_home):
    registry = Registry()
    run_ids = [finished_run(registry, accuracy=0.1 * index) for index in range(1, 4)]
    before = listing(registry)
    (lab_home / "registry.sqlite").write_bytes(os.urandom(100))

    with pytest.raises(store.IndexDamaged, match="repair"):
        Registry()
    report = store.repair(lab_home, NEVER_ALIVE)

    assert report.recovered == 3 and report.skipped == []
    assert report.moved_aside.startswith(str(lab_home / "registry.sqlite.damaged-"))
    assert os.path.getsize(report.moved_aside) == 100  # kept as it was, never deleted
    assert listing(Registry()) == before
    assert sorted(run.run_id for run in Registry().runs()) == sorted(run_ids)


def test_a_deleted_index_is_rebuilt_on_opening(lab_home):
    registry = Registry()
    finished_run(registry)
    before = listing(registry)
    (lab_home / "registry.sqlite").unlink()

    with pytest.raises(store.IndexDamaged, match="missing"):
        registry.check_index()  # an open registry notices; it never makes an empty index
    assert listing(Registry()) == before


def test_a_run_that_was_running_comes_back_interrupted_in_its_file_too(lab_home):
    registry = Registry()
    running = registry.create(config={}, model="mlp", workspace="alice", seed=0,
                              command="test", state="running", pid=2**22 + 1)
    queued = registry.create(config={}, model="mlp", workspace="bob", seed=0, command="test")

    store.repair(lab_home, NEVER_ALIVE)

    after = Registry()
    assert after.get(running).state == "interrupted"
    assert json.loads(after.run_file(running).read_text())["state"] == "interrupted"
    assert after.get(queued).state == "queued"  # it still waits its turn


def test_repair_refuses_while_a_live_process_trains_a_run(lab_home):
    registry = Registry()
    running = registry.create(config={}, model="mlp", workspace="alice", seed=0,
                              command="test", state="running", pid=os.getpid())

    with pytest.raises(store.RepairRefused, match=running):
        store.repair(lab_home, lambda pid: pid == os.getpid())
    assert registry.get(running).state == "running"  # nothing was touched


def test_two_repairs_in_one_second_keep_both_old_indexes(lab_home):
    finished_run(Registry())
    first = store.repair(lab_home, NEVER_ALIVE).moved_aside
    second = store.repair(lab_home, NEVER_ALIVE).moved_aside
    assert first != second and os.path.exists(first) and os.path.exists(second)
    assert "replaced" in first  # it was healthy: set aside, but not called damaged


def test_the_file_wins_when_a_run_finished_but_its_row_was_not_written(lab_home):
    registry = Registry()
    run_id = finished_run(registry)
    with sqlite3.connect(registry.path) as connection:  # as if killed between the two writes
        connection.execute("UPDATE runs SET state = 'running', pid = ? WHERE run_id = ?",
                           (2**22 + 1, run_id))

    assert registry.mark_interrupted(lambda pid: False) == []
    assert registry.get(run_id).state == "done"
    assert registry.get(run_id).test_accuracy == 0.9


def test_a_sweep_comes_back_with_its_members(lab_home):
    from mnist_core import sweep

    registry = Registry()
    spec = sweep.SweepSpec(hidden_units=(8,), factors=(0.0, 1e-4), replicates=1, epochs=1)
    sweep_id = sweep.start(registry, spec, "alice")
    for factor in spec.factors:
        member = spec.member_config(factor, 0)
        registry.add_sweep_member(sweep_id, config=member.to_dict(), workspace="alice",
                                  seed=0, command="test", params=10, state="done",
                                  test_accuracy=0.5, val_accuracy=0.5)
    registry.update_sweep(sweep_id, state="done")
    before = (registry.get_sweep(sweep_id), [run.run_id for run in
                                             registry.sweep_members(sweep_id)])
    assert json.loads(registry.sweep_file(sweep_id).read_text())["members"] == before[1]

    (lab_home / "registry.sqlite").write_bytes(b"")  # an empty file is no database either
    store.repair(lab_home, NEVER_ALIVE)

    after = Registry()
    assert after.get_sweep(sweep_id).spec == before[0].spec
    assert after.get_sweep(sweep_id).state == "done"
    assert [run.run_id for run in after.sweep_members(sweep_id)] == before[1]
