"""mnist_core.store.archive: a workspace out as a zip and back in, whole or not at all."""

import json
import os
import shutil
import stat
import struct
import zipfile

import numpy as np
import pytest

from mnist_core import sweep
from mnist_core.evaluate import inference
from mnist_core.models import config
from mnist_core.store import Registry, RunError, archive
from mnist_core.store.archive import ArchiveRejected
from mnist_core.training import runner

TINY_SPEC = sweep.SweepSpec(hidden_units=(8,), factors=(0.0, 1e-4), replicates=1, epochs=1,
                            train_size=200, save_models=True)
DIGITS_COMPARED = 20


def train_tiny(registry: Registry, workspace: str, hidden: int, data) -> str:
    run_config = config.RunConfig(model=config.MlpConfig(hidden_units=(hidden,)),
                                  training=config.TrainConfig(epochs=1, train_size=200))
    run_id = registry.create(config=run_config.to_dict(), model="mlp", workspace=workspace,
                             seed=0, command="python -m mnist_core train mlp", state="running",
                             pid=os.getpid())
    assert runner.execute(registry, run_id, data).state == "done"
    return run_id


@pytest.fixture(scope="module")
def trained(tmp_path_factory, tiny_mnist):
    """A home with three tiny runs and a tiny sweep in 'alice', a run in 'bob', and alice's
    zip; trained once for the module, copied into each test's home."""
    home = tmp_path_factory.mktemp("trained") / "home"
    registry = Registry(home)
    alice = [train_tiny(registry, "alice", hidden, tiny_mnist) for hidden in (4, 8, 16)]
    bob = train_tiny(registry, "bob", 8, tiny_mnist)
    sweep_id = sweep.start(registry, TINY_SPEC, "alice")
    assert sweep.run(registry, sweep_id, tiny_mnist).state == "done"
    digits = tiny_mnist.x_test[:DIGITS_COMPARED]
    zip_path = home.parent / "alice.zip"
    exported = archive.export_workspace(registry, "alice", zip_path)
    return {"home": home, "zip": zip_path, "exported": exported, "alice": alice, "bob": bob,
            "sweep_id": sweep_id, "runs": {run_id: registry.get(run_id) for run_id in alice},
            "summary": sweep.summary(registry, sweep_id), "digits": digits,
            "probabilities": {run_id: inference.predict(registry.load_model(run_id), digits)
                              for run_id in alice}}


@pytest.fixture
def trained_home(trained, lab_home) -> Registry:
    """This test's own copy of the trained home."""
    shutil.copytree(trained["home"], lab_home)
    return Registry()


def test_export_holds_the_workspace_and_only_it(trained):
    assert trained["exported"] == {"path": str(trained["zip"]), "runs": 3, "sweeps": 1}
    names = zipfile.ZipFile(trained["zip"]).namelist()
    registry = Registry(trained["home"])
    members = [run.run_id for run in registry.sweep_members(trained["sweep_id"])]
    assert len(members) == 2
    assert sorted(names) == sorted(
        [f"sweeps/{trained['sweep_id']}/sweep.json"]
        + [f"runs/{run_id}/{name}" for run_id in [*trained["alice"], *members]
           for name in ("run.json", "model.keras")]
        # single runs keep a replay of their training; the sweep's stacked networks do not
        + [f"runs/{run_id}/snapshots.npz" for run_id in trained["alice"]])
    assert not any(trained["bob"] in name for name in names)
    assert sorted(path.name for path in trained["zip"].parent.iterdir()) == ["alice.zip", "home"]


def test_deleted_runs_come_back_with_their_curves_metrics_and_models(trained, trained_home):
    registry = trained_home
    for run_id in trained["alice"]:
        registry.delete(run_id)
    registry.delete_sweep(trained["sweep_id"])
    assert [run.run_id for run in registry.runs()] == [trained["bob"]]

    assert archive.import_workspace(registry, trained["zip"]) == {"imported": 4,
                                                                  "workspace": "alice"}

    for run_id in trained["alice"]:
        run = registry.get(run_id)
        assert run == trained["runs"][run_id]  # history, metrics, config, times: all of it
        assert run.history and run.test_accuracy is not None
        np.testing.assert_allclose(
            inference.predict(registry.load_model(run_id), trained["digits"]),
            trained["probabilities"][run_id], rtol=0, atol=1e-7)
    assert sweep.summary(registry, trained["sweep_id"]) == trained["summary"]
    assert registry.get(trained["bob"]).workspace == "bob"
    assert not [path for path in registry.home.iterdir() if path.name.startswith(".importing")]


def test_a_new_workspace_takes_a_copy_under_new_ids(trained, trained_home):
    registry = trained_home

    assert archive.import_workspace(registry, trained["zip"], workspace="alice2") == {
        "imported": 4, "workspace": "alice2"}

    copies = registry.runs("alice2")
    assert len(copies) == 3 and {run.workspace for run in copies} == {"alice2"}
    assert not {run.run_id for run in copies} & set(trained["alice"])
    originals = sorted(trained["runs"].values(), key=lambda run: run.created_at)
    for original, copy in zip(originals, sorted(copies, key=lambda run: run.created_at),
                              strict=True):
        assert (copy.history, copy.test_accuracy, copy.config, copy.command) == (
            original.history, original.test_accuracy, original.config, original.command)
        assert registry.model_path(copy.run_id).is_file()
    [copied_sweep] = [each for each in registry.sweeps("alice2") if each.workspace == "alice2"]
    assert copied_sweep.sweep_id != trained["sweep_id"] and copied_sweep.problem is None
    members = registry.sweep_members(copied_sweep.sweep_id)
    assert len(members) == 2 and all(member.workspace == "alice2" for member in members)
    sweep_file = json.loads(registry.sweep_file(copied_sweep.sweep_id).read_text())
    assert sweep_file["members"] == [member.run_id for member in members]
    assert sweep.summary(registry, copied_sweep.sweep_id) == trained["summary"]
    assert len(registry.runs("alice")) == 3  # the originals are still there


def test_active_runs_come_back_stopped(lab_home, tmp_path):
    registry = Registry()
    queued = add_run(registry, state="queued")
    running = add_run(registry, state="running", pid=os.getpid())
    archive.export_workspace(registry, "alice", tmp_path / "alice.zip")

    archive.import_workspace(registry, tmp_path / "alice.zip", workspace="elsewhere")

    for copy in registry.runs("elsewhere"):
        assert copy.state == "interrupted" and copy.pid is None
        assert "exported" in copy.error and "never starts training" in copy.error
    assert {registry.get(queued).state, registry.get(running).state} == {"queued", "running"}


def test_an_empty_workspace_is_not_exported(lab_home, tmp_path):
    registry = Registry()
    add_run(registry, workspace="bob")

    with pytest.raises(RunError, match="workspace 'alice' has no runs or sweeps"):
        archive.export_workspace(registry, "alice", tmp_path / "alice.zip")
    assert not list(tmp_path.glob("*.zip"))


def test_a_damaged_run_file_stops_the_export_and_leaves_no_zip(lab_home, tmp_path):
    registry = Registry()
    run_id = add_run(registry)
    registry.run_file(run_id).write_text("{")

    with pytest.raises(RunError, match=f"cannot export workspace 'alice'.*{run_id}"):
        archive.export_workspace(registry, "alice", tmp_path / "alice.zip")
    assert list(tmp_path.iterdir()) == [lab_home]


# Refusals: each zip is built by hand, and the home must be exactly as it was afterwards.

def add_run(registry: Registry, workspace="alice", state="done", **extra) -> str:
    return registry.create(config=config.RunConfig().to_dict(), model="mlp", workspace=workspace,
                           seed=0, command="python -m mnist_core train mlp", state=state, **extra)


def record(record_id: str, **changes) -> bytes:
    """A run's file, as export writes it."""
    return json.dumps({"format": 1, "run_id": record_id, "kind": "single", "model": "mlp",
                       "workspace": "alice", "state": "done", "config": {}, "seed": 0,
                       "command": "python -m mnist_core train mlp", "created_at": 1.0,
                       **changes}).encode()


def write_zip(path, entries: dict) -> str:
    """`entries`: name -> bytes, or a ZipInfo -> bytes for entries with special headers."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as built:
        for name, payload in entries.items():
            built.writestr(name, payload)
    return path


GOOD = {"runs/good/run.json": record("good")}


@pytest.fixture
def home_before(lab_home):
    """A home with one run; returns what must not change: its runs, the folders of runs and
    sweeps, and its hidden files (a staging folder left behind would be one)."""
    registry = Registry()
    add_run(registry)

    def snapshot():
        folders = [lab_home / "runs", lab_home / "sweeps"]
        return ([run.run_id for run in registry.runs()],
                sorted(name for name in os.listdir(lab_home) if name.startswith(".")),
                [sorted(os.listdir(folder)) if folder.exists() else [] for folder in folders])

    return registry, snapshot


def assert_refused(home_before, path, match: str) -> ArchiveRejected:
    registry, snapshot = home_before
    before = snapshot()
    with pytest.raises(ArchiveRejected, match=match) as refusal:
        archive.import_workspace(registry, path)
    assert snapshot() == before
    return refusal.value


@pytest.mark.parametrize("name", ["../evil", "runs/../../evil", "/tmp/evil", "runs\\good\\x",
                                  "C:/evil"])
def test_an_entry_leaving_the_folder_is_refused(home_before, tmp_path, name):
    assert_refused(home_before, write_zip(tmp_path / "evil.zip", {**GOOD, name: b"x"}),
                   "points outside the folder")


def test_a_symbolic_link_is_refused(home_before, tmp_path):
    link = zipfile.ZipInfo("runs/good/model.keras")
    link.external_attr = (stat.S_IFLNK | 0o777) << 16
    assert_refused(home_before, write_zip(tmp_path / "link.zip", {**GOOD, link: b"/etc/passwd"}),
                   "symbolic link")


@pytest.mark.parametrize("name", ["README.txt", "runs/good/notes.txt", "runs/good/x/run.json",
                                  "runs/bad id/run.json", "sweeps/good/run.json",
                                  f"runs/{'x' * 65}/run.json", "models/good.keras"])
def test_an_entry_outside_the_layout_is_refused(home_before, tmp_path, name):
    assert_refused(home_before, write_zip(tmp_path / "odd.zip", {**GOOD, name: b"{}"}),
                   "not part of a workspace zip")


def test_folder_entries_are_skipped(home_before, tmp_path):
    registry, _ = home_before
    path = write_zip(tmp_path / "folders.zip", {"runs/": b"", "runs/good/": b"", **GOOD})
    assert archive.import_workspace(registry, path)["imported"] == 1


def test_too_many_entries_are_refused(home_before, tmp_path):
    entries = {f"runs/r{index}/run.json": b"" for index in range(archive.MAX_ENTRIES + 1)}
    assert_refused(home_before, write_zip(tmp_path / "many.zip", entries), "2,001 entries")


def with_declared_size(path, size: int):
    """The zip with its (one) entry's declared size rewritten in both of its headers."""
    payload = bytearray(path.read_bytes())
    local, central = payload.find(b"PK\x03\x04"), payload.find(b"PK\x01\x02")
    payload[local + 22:local + 26] = payload[central + 24:central + 28] = struct.pack("<I", size)
    path.write_bytes(payload)
    return path


def test_a_member_inflating_past_its_declared_size_is_refused(home_before, tmp_path,
                                                              monkeypatch):
    monkeypatch.setattr(archive, "MAX_BYTES", 1_000)
    padded = record("good", pad="0" * 50_000)
    bomb = write_zip(tmp_path / "bomb.zip", {"runs/good/run.json": padded})
    assert_refused(home_before, with_declared_size(bomb, 10), "damaged|more than")


def test_the_size_limit_counts_the_bytes_that_come_out(home_before, tmp_path, monkeypatch):
    monkeypatch.setattr(archive, "MAX_BYTES", 1_000)
    big = {"runs/good/run.json": record("good"), "runs/good/model.keras": b"0" * 2_000}
    assert_refused(home_before, write_zip(tmp_path / "big.zip", big), "more than 0.001 MB")
    # A declared size above the limit is not believed either: what comes out is small.
    small = write_zip(tmp_path / "small.zip", GOOD)
    registry, _ = home_before
    assert archive.import_workspace(registry, with_declared_size(small, 10**9))["imported"] == 1


@pytest.mark.parametrize(("payload", "match"), [
    (b"{not json", "runs/good/run.json is damaged: not readable JSON"),
    (json.dumps({"format": 1, "run_id": "good"}).encode(), "run.json is damaged: it lacks kind"),
    (record("good", format=2), "has format 2"),
    (record("other"), "holds the record of 'other', not of 'good'"),
    (record("good", workspace="bob"), "not one workspace's zip: its runs are in 'alice', 'bob'"),
    (record("good", workspace=["alice"]), "its workspace is not of the right type"),
    (record("good", kind="sweep"), "of kind 'sweep'"),
])
def test_a_damaged_or_misplaced_record_is_refused(home_before, tmp_path, payload, match):
    path = write_zip(tmp_path / "damaged.zip", {"runs/fine/run.json": record("fine"),
                                                "runs/good/run.json": payload})
    assert_refused(home_before, path, match)


def test_a_workspace_that_is_no_name_is_refused(home_before, tmp_path):
    path = write_zip(tmp_path / "named.zip", {"runs/good/run.json": record("good",
                                                                           workspace="a/b")})
    assert_refused(home_before, path, "its workspace 'a/b' is not a workspace name")


def test_a_sweep_must_come_with_all_its_networks(home_before, tmp_path):
    sweep_file = json.dumps({"format": 1, "sweep_id": "s1", "workspace": "alice", "state": "done",
                             "spec": {}, "command": "c", "created_at": 1.0, "tasks_total": 2,
                             "members": ["m1", "m2"]}).encode()
    member = record("m1", kind="sweep_member", sweep_id="s1")
    path = write_zip(tmp_path / "sweep.zip", {"sweeps/s1/sweep.json": sweep_file,
                                              "runs/m1/run.json": member})
    assert_refused(home_before, path, "sweep s1 lists network m2, which the zip does not hold")
    orphan = write_zip(tmp_path / "orphan.zip", {**GOOD, "runs/m1/run.json": member})
    assert_refused(home_before, orphan, "run m1 belongs to sweep s1")


def test_ids_the_lab_has_are_named_with_the_way_out(home_before, tmp_path):
    registry, _ = home_before
    existing = registry.runs()[0].run_id
    path = write_zip(tmp_path / "again.zip", {**GOOD, f"runs/{existing}/run.json":
                                              record(existing)})
    refusal = assert_refused(home_before, path, f"already has {existing};")
    assert "--workspace NEW" in str(refusal) and "good" not in str(refusal)


def test_what_is_not_a_whole_zip_is_refused(home_before, tmp_path):
    not_zip = tmp_path / "notes.zip"
    not_zip.write_text("a shopping list")
    assert_refused(home_before, not_zip, "not a zip this lab can read")

    whole = write_zip(tmp_path / "whole.zip", {**GOOD, "runs/good/model.keras": os.urandom(5000)})
    truncated = tmp_path / "truncated.zip"
    truncated.write_bytes(whole.read_bytes()[:3000])
    assert_refused(home_before, truncated, "not a zip this lab can read")

    stored = tmp_path / "stored.zip"
    with zipfile.ZipFile(stored, "w", zipfile.ZIP_STORED) as built:
        built.writestr("runs/good/run.json", record("good"))
    flipped = bytearray(stored.read_bytes())
    flipped[flipped.find(b'"mlp"') + 1] ^= 1  # a byte of the data: its CRC no longer matches
    stored.write_bytes(flipped)
    assert_refused(home_before, stored, "Bad CRC-32")

    assert_refused(home_before, tmp_path / "missing.zip", "no file")


def test_a_failing_index_puts_every_folder_back(home_before, tmp_path, monkeypatch):
    def broken(connection, record):
        raise OSError("the disk went away")

    monkeypatch.setattr(archive, "insert_sweep_rows", broken)
    sweep_file = json.dumps({"format": 1, "sweep_id": "s1", "workspace": "alice", "state": "done",
                             "spec": {}, "command": "c", "created_at": 1.0, "tasks_total": 1,
                             "members": []}).encode()
    path = write_zip(tmp_path / "fails.zip", {**GOOD, "sweeps/s1/sweep.json": sweep_file})
    registry, snapshot = home_before
    before = snapshot()
    with pytest.raises(OSError, match="went away"):
        archive.import_workspace(registry, path)
    assert snapshot() == before
