"""mnist_core.store: rows and model files survive damage to their neighbours."""

import os
import sqlite3

import numpy as np
import pytest

from mnist_core.models import config, mlp
from mnist_core.store import LECTURE_WORKSPACE, Registry, RunError


@pytest.fixture
def registry(lab_home) -> Registry:
    return Registry()


def add_run(registry, workspace="alice", state="queued", **extra) -> str:
    return registry.create(config=config.RunConfig().to_dict(), model="mlp", workspace=workspace,
                           seed=0, command="python -m mnist_core train mlp", state=state, **extra)


@pytest.fixture(scope="module")
def small_model():
    return mlp.build(config.MlpConfig(hidden_units=(8,)), seed=2)


def test_registry_lives_under_mnist_lab_home(lab_home, registry):
    assert registry.home == lab_home
    assert (lab_home / "registry.sqlite").is_file()
    assert (lab_home / "runs").is_dir()  # each run gets its own folder in here


def test_create_get_update(registry):
    run_id = add_run(registry)

    run = registry.get(run_id)
    assert (run.state, run.workspace, run.model, run.kind) == ("queued", "alice", "mlp", "single")
    assert config.RunConfig.from_dict(run.config) == config.RunConfig()
    assert run.history == [] and run.problem is None and run.is_active

    registry.update(run_id, state="done", history=[{"epoch": 1, "loss": 0.5}], test_accuracy=0.9)
    run = registry.get(run_id)
    assert run.state == "done" and not run.is_active
    assert run.history == [{"epoch": 1, "loss": 0.5}]
    assert run.test_accuracy == 0.9
    registry.update(run_id)  # nothing to write: nothing happens
    assert registry.get(run_id) == run


def test_unknown_run_is_a_run_error(registry):
    with pytest.raises(RunError, match="nope"):
        registry.get("nope")
    with pytest.raises(RunError, match="nope"):
        registry.delete("nope")


def test_runs_newest_first_and_workspaces_see_the_lecture(registry):
    mine = add_run(registry, workspace="alice")
    theirs = add_run(registry, workspace="bob")
    lecture = add_run(registry, workspace=LECTURE_WORKSPACE)
    member = add_run(registry, workspace="alice", kind="sweep_member")

    assert [run.run_id for run in registry.runs()] == [lecture, theirs, mine]
    assert {run.run_id for run in registry.runs(workspace="alice")} == {mine, lecture}
    assert [run.run_id for run in registry.runs(kinds=("sweep_member",))] == [member]
    assert registry.runs(states=("done",)) == []


def test_saved_model_loads_with_the_same_weights(registry, small_model):
    run_id = add_run(registry, state="done")

    path = registry.save_model(run_id, small_model)

    assert path == registry.model_path(run_id)
    loaded = registry.load_model(run_id)
    for saved, back in zip(small_model.get_weights(), loaded.get_weights(), strict=True):
        np.testing.assert_array_equal(saved, back)
    assert sorted(p.name for p in registry.run_dir(run_id).iterdir()) == [path.name, "run.json"]


def test_damage_stays_with_its_own_run(registry, small_model):
    healthy, broken_file, broken_row = (add_run(registry, state="done") for _ in range(3))
    for run_id in (healthy, broken_file, broken_row):
        registry.save_model(run_id, small_model)
    registry.model_path(broken_file).write_bytes(np.random.default_rng(0).bytes(2000))
    with sqlite3.connect(registry.path) as connection:
        connection.execute("UPDATE runs SET config = '{\"model\": ', history = 'nan]' "
                           "WHERE run_id = ?", (broken_row,))

    assert {run.run_id for run in registry.runs()} == {healthy, broken_file, broken_row}
    damaged = registry.get(broken_row)
    assert damaged.config == {} and damaged.history == []
    assert "config" in damaged.problem and "history" in damaged.problem
    assert broken_row in damaged.problem
    assert registry.get(healthy).problem is None
    with pytest.raises(RunError, match=f"{broken_file}.*damaged"):
        registry.load_model(broken_file)
    assert registry.load_model(healthy).count_params() == small_model.count_params()
    assert registry.load_model(broken_row).count_params() == small_model.count_params()


def test_missing_model_file_is_a_run_error(registry):
    run_id = add_run(registry, state="cancelled")

    with pytest.raises(RunError, match=f"{run_id}.*missing"):
        registry.load_model(run_id)


def half_written_save(path, *args, **kwargs):
    with open(path, "wb") as handle:
        handle.write(b"PK\x03\x04 half a zip archive")
    raise OSError("disk full (test)")


def test_interrupted_first_save_leaves_no_model_file(registry, small_model, monkeypatch):
    run_id = add_run(registry, state="running")
    monkeypatch.setattr(small_model, "save", half_written_save)

    with pytest.raises(OSError, match="disk full"):
        registry.save_model(run_id, small_model)

    assert not registry.model_path(run_id).exists()
    with pytest.raises(RunError, match="missing"):
        registry.load_model(run_id)
    # The temporary file is gone too.
    assert [p.name for p in registry.run_dir(run_id).iterdir()] == ["run.json"]


def test_interrupted_save_keeps_the_previous_model(registry, monkeypatch):
    run_id = add_run(registry, state="done")
    first = mlp.build(config.MlpConfig(hidden_units=(8,)), seed=1)
    registry.save_model(run_id, first)
    second = mlp.build(config.MlpConfig(hidden_units=(8,)), seed=2)
    monkeypatch.setattr(second, "save", half_written_save)

    with pytest.raises(OSError):
        registry.save_model(run_id, second)

    np.testing.assert_array_equal(registry.load_model(run_id).get_weights()[0],
                                  first.get_weights()[0])


def test_delete_removes_row_and_file(registry, small_model):
    kept, deleted = add_run(registry, state="done"), add_run(registry, state="done")
    for run_id in (kept, deleted):
        registry.save_model(run_id, small_model)

    registry.delete(deleted)

    with pytest.raises(RunError):
        registry.get(deleted)
    assert not registry.model_path(deleted).exists()
    assert [run.run_id for run in registry.runs()] == [kept]
    assert registry.model_path(kept).exists()


def test_cancel_is_immediate_when_queued_and_requested_when_running(registry):
    queued, running = add_run(registry), add_run(registry, state="running", pid=os.getpid())

    registry.request_cancel(queued)
    registry.request_cancel(running)

    assert registry.get(queued).state == "cancelled"
    assert registry.get(queued).finished_at is not None
    assert not registry.is_cancel_requested(queued)
    assert registry.get(running).state == "running"
    assert registry.is_cancel_requested(running)


def test_cancel_leaves_finished_runs_alone(registry):
    done = add_run(registry, state="done")

    registry.request_cancel(done)

    assert registry.get(done).state == "done" and not registry.is_cancel_requested(done)


def test_mark_interrupted_only_touches_running_runs_with_dead_processes(registry):
    alive = add_run(registry, state="running", pid=111)
    dead = add_run(registry, state="running", pid=222)
    queued = add_run(registry)

    assert registry.mark_interrupted(lambda pid: pid == 111) == [dead]

    assert registry.get(dead).state == "interrupted"
    assert "stopped" in registry.get(dead).error
    assert registry.get(alive).state == "running"
    assert registry.get(queued).state == "queued"


def test_two_registries_share_one_home(lab_home):
    first, second = Registry(), Registry(lab_home)
    run_id = add_run(first)

    second.update(run_id, state="done")

    assert first.get(run_id).state == "done"
