"""`lecture prepare` as a real subprocess: killed after its first part, run again, it trains
only the missing parts (resuming the sweep) and its JSON holds every part; on the full data
(slow), the real quick pack."""

import json

import pytest

from mnist_core import cli, lecture
from mnist_core.store import Registry
from tests.unit.lab_cli import lab, last_json, start_lab
from tests.unit.lecture.tiny_pack import CNN, MLP, SWEEP
from tests.unit.waiting import wait_until

TINY_PACK = "tests.unit.lecture.tiny_pack"  # the CLI with the tiny parts
START_SECONDS = 240  # a fresh interpreter imports TensorFlow, loads MNIST, trains the MLP


def killed_after_its_first_part(registry, tmp_path) -> tuple[str, str]:
    """The tiny MLP's run id and the sweep that was training when the pack was killed."""
    process = start_lab("--json", log=tmp_path / "pack.log", module=TINY_PACK)
    try:
        first = wait_until(lambda: lecture.lecture_run(registry, MLP.config), START_SECONDS,
                           "the first part of the pack stored")
        [started] = wait_until(registry.sweeps, 60, "the pack's sweep started")
    finally:
        process.kill()
        process.wait()
    return first.run_id, started.sweep_id


def test_a_killed_pack_trains_only_its_missing_parts_when_run_again(lab_home, tmp_path):
    registry = Registry()
    first, sweep_id = killed_after_its_first_part(registry, tmp_path)
    assert lecture.lecture_run(registry, CNN.config) is None, "killed after the pack finished"

    again = lab("--json", timeout=START_SECONDS, module=TINY_PACK)

    assert again.returncode == 0, again.stderr
    result = last_json(again)
    assert set(result) == {"runs", "sweep_id", "seconds"} and result["seconds"] > 0
    listed = {row["run_id"]: row for row in last_json(lab("runs", "--json"))["runs"]}
    assert result["runs"] == [listed[row["run_id"]] for row in result["runs"]]
    mlp, cnn = result["runs"]
    assert mlp["run_id"] == first and cnn["run_id"] == lecture.lecture_run(
        registry, CNN.config).run_id
    assert [row["status"] for row in result["runs"]] == ["done", "done"]
    assert sorted(listed) == sorted([first, cnn["run_id"]])  # the MLP did not train again
    assert result["sweep_id"] == sweep_id == lecture.lecture_sweep(registry, SWEEP.spec).sweep_id
    assert [item.sweep_id for item in registry.sweeps()] == [sweep_id]
    assert f"already trained: run {first}" in again.stderr
    assert f"resuming interrupted sweep {sweep_id}" in again.stderr
    assert "3/3 tiny CNN  [" in again.stderr  # each part's bar names it


def test_a_part_that_fails_does_not_stop_the_others_and_the_exit_status_is_1(
        lab_home, monkeypatch, capsys):
    def disk_full(self, run_id, model):
        raise OSError("disk full (test)")

    monkeypatch.setattr(lecture, "parts", lambda quick=False: (MLP, CNN))
    monkeypatch.setattr(Registry, "save_model", disk_full)

    status = cli.main(["lecture", "prepare", "--json"])

    result = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert status == 1
    assert [row["status"] for row in result["runs"]] == ["failed", "failed"]
    assert result["sweep_id"] is None


@pytest.mark.slow
@pytest.mark.timeout(3600)  # about 7 minutes on 2 busy cores: well past the suite's 300 s
def test_the_quick_pack_on_the_full_data(full_npz, lab_home, monkeypatch):
    monkeypatch.setenv("MNIST_NPZ", str(full_npz))

    prepared = lab("lecture", "prepare", "--quick", "--json", timeout=3000)

    assert prepared.returncode == 0, prepared.stderr
    result = last_json(prepared)
    registry = Registry()
    quick = lecture.parts(quick=True)
    runs = [lecture.lecture_run(registry, part.config) for part in quick
            if isinstance(part, lecture.RunPart)]
    assert [row["run_id"] for row in result["runs"]] == [run.run_id for run in runs]
    assert [run.model for run in runs] == ["mlp", "cnn", "cnn", "cnn"]
    assert [len(run.history) for run in runs] == [10, 3, 1, 1]
    assert runs[0].test_accuracy > 0.95 and runs[1].test_accuracy > 0.985
    sweep = registry.get_sweep(result["sweep_id"])
    assert (sweep.state, sweep.spec["epochs"], sweep.spec["train_size"]) == ("done", 10, 10_000)
    assert len(registry.sweep_members(sweep.sweep_id)) == 15

    again = lab("lecture", "prepare", "--quick", "--json", timeout=300)

    assert again.returncode == 0, again.stderr
    assert {key: last_json(again)[key] for key in ("runs", "sweep_id")} == {
        "runs": result["runs"], "sweep_id": result["sweep_id"]}
    assert again.stderr.count("already trained") == 5
