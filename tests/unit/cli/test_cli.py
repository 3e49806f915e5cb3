"""`python -m mnist_core`: real subprocesses, reading the last line of stdout as JSON."""

import math
import os
import shlex

import pytest

from mnist_core import cli
from mnist_core.cli import train_command
from mnist_core.models import config, reproduce
from mnist_core.store import Registry
from mnist_core.training import loop
from tests.unit.dead_process import DEAD_PID
from tests.unit.lab_cli import lab, last_json

# Per-class counts of the real MNIST training and test sets (LeCun et al.).
MNIST_TRAIN_COUNTS = [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]
MNIST_TEST_COUNTS = [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]


def test_info_on_the_full_data(full_npz, monkeypatch):
    monkeypatch.setenv("MNIST_NPZ", str(full_npz))

    result = lab("info", "--json")

    assert result.returncode == 0, result.stderr
    summary = last_json(result)
    assert str(full_npz) in summary["source"]
    assert summary["is_subset"] is False
    assert (summary["train_images"], summary["validation_images"], summary["test_images"]) == (
        60_000, 5_000, 10_000)
    assert summary["label_counts"]["train"] == MNIST_TRAIN_COUNTS
    assert summary["label_counts"]["test"] == MNIST_TEST_COUNTS


def test_info_falls_back_to_the_subset(tmp_path, monkeypatch):
    missing = tmp_path / "missing.npz"
    monkeypatch.setenv("MNIST_NPZ", str(missing))  # and conftest's KERAS_HOME is empty

    result = lab("info", "--json")

    assert result.returncode == 0, result.stderr
    summary = last_json(result)
    assert summary["is_subset"] is True
    assert summary["train_images"] + summary["test_images"] == 5000
    assert summary["label_counts"]["all"] == [500] * 10
    assert any(str(missing) in problem for problem in summary["problems"])
    assert "SUBSET" in lab("info").stdout  # the text form says so too


def test_train_list_delete(lab_home):
    trained = lab("train", "mlp", "--epochs", "1", "--train-size", "512", "--json")

    assert trained.returncode == 0, trained.stderr
    result = last_json(trained)
    assert {"run_id", "status", "test_accuracy", "test_loss", "val_accuracy", "params",
            "seconds"} <= set(result)
    assert result["status"] == "done"
    assert result["params"] == 784 * 64 + 64 + 64 * 64 + 64 + 64 * 10 + 10
    assert 0 <= result["test_accuracy"] <= 1 and 0 <= result["val_accuracy"] <= 1
    assert result["test_loss"] > 0 and result["seconds"] > 0
    run_id = result["run_id"]
    assert Registry(lab_home).model_path(run_id).is_file()

    listed = last_json(lab("runs", "--json"))["runs"]
    assert [row["run_id"] for row in listed] == [run_id]
    assert set(listed[0]) == {"run_id", "kind", "model", "status", "test_accuracy",
                              "created_at", "workspace"}
    assert (listed[0]["status"], listed[0]["model"], listed[0]["kind"]) == ("done", "mlp", "single")
    assert listed[0]["test_accuracy"] == result["test_accuracy"]

    deleted = lab("delete", run_id)
    assert deleted.returncode == 0, deleted.stderr
    assert last_json(lab("runs", "--json")) == {"runs": []}
    assert not Registry(lab_home).model_path(run_id).exists()


BAD_FLAGS = {
    "hidden x": ["train", "mlp", "--hidden", "x"],
    "hidden 64,,64": ["train", "mlp", "--hidden", "64,,64"],
    "hidden 0": ["train", "mlp", "--hidden", "0"],
    "epochs 0": ["train", "mlp", "--epochs", "0"],
    "epochs 1.5": ["train", "mlp", "--epochs", "1.5"],
    "learning rate nan": ["train", "mlp", "--learning-rate", "nan"],
    "learning rate -1": ["train", "mlp", "--learning-rate", "-1"],
    "train size lots": ["train", "mlp", "--train-size", "lots"],
    "activation": ["train", "mlp", "--activation", "swoosh"],
    "workspace": ["train", "mlp", "--workspace", "a b"],
    "unknown flag": ["train", "mlp", "--colour", "red"],
    "unknown model": ["train", "rnn"],
    "no command": [],
    "lecture without prepare": ["lecture"],
    "lecture prepare epochs": ["lecture", "prepare", "--epochs", "3"],
    "unknown run": ["delete", "no-such-run"],
}


@pytest.mark.parametrize("arguments", BAD_FLAGS.values(), ids=BAD_FLAGS)
def test_bad_flags_exit_2_with_one_line(arguments):
    result = lab(*arguments, timeout=60)

    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert "error" in result.stderr
    assert result.stdout == ""


def test_a_failed_run_is_reported_not_a_crash(monkeypatch, capsys):
    def disk_full(self, run_id, model):
        raise OSError("disk full (test)")

    monkeypatch.setattr(Registry, "save_model", disk_full)

    status = cli.main(["train", "mlp", "--epochs", "1", "--train-size", "512"])

    output = capsys.readouterr().out
    assert status == 1
    assert "failed" in output and "disk full" in output


def test_ctrl_c_records_the_run_as_cancelled(lab_home, monkeypatch, capsys):
    def pressed_ctrl_c(*arguments, **keywords):
        raise KeyboardInterrupt

    monkeypatch.setattr(loop, "fit", pressed_ctrl_c)

    status = cli.main(["train", "mlp", "--epochs", "1", "--train-size", "512"])

    assert status == 130 and "stopped from the keyboard" in capsys.readouterr().err
    [run] = Registry(lab_home).runs()
    assert run.state == "cancelled" and run.finished_at is not None


def test_delete_refuses_a_live_run_and_frees_a_dead_one(lab_home, capsys):
    registry = Registry(lab_home)
    rows = {state: registry.create(config=config.RunConfig().to_dict(), model="mlp",
                                   workspace="lecture", seed=0, command="", state=state, pid=pid)
            for state, pid in (("queued", None), ("running", os.getpid()))}
    dead = registry.create(config=config.RunConfig().to_dict(), model="mlp", workspace="lecture",
                           seed=0, command="", state="running", pid=DEAD_PID)

    for run_id in rows.values():
        assert cli.main(["delete", run_id]) == 2
        assert "cancel it" in capsys.readouterr().err
    assert cli.main(["delete", dead]) == 0  # its process is gone: interrupted, deletable

    assert sorted(run.run_id for run in registry.runs()) == sorted(rows.values())


@pytest.mark.parametrize("learning_rate, l2, precision", [
    (0.1, 0.0, "float32"), (0.0012345678, 1 / 3, "mixed_bfloat16"), (1e-7, 2e-5, "float32")])
def test_the_recorded_command_reproduces_the_config(learning_rate, l2, precision):
    run = config.RunConfig(
        model=config.MlpConfig(hidden_units=(100, 30), activation="elu", l2=l2, dropout=0.1),
        training=config.TrainConfig(optimizer="rmsprop", learning_rate=learning_rate,
                                    batch_size=32, epochs=4, train_size=777, seed=12,
                                    precision=precision))

    words = shlex.split(reproduce.command_line(run))
    assert words[:3] == ["python", "-m", "mnist_core"]
    parsed = cli.build_parser().parse_args(words[3:])

    assert parsed.hidden == (100, 30) and parsed.activation == "elu"
    assert parsed.l2 == l2 and parsed.dropout == 0.1
    assert parsed.optimizer == "rmsprop" and parsed.learning_rate == learning_rate
    assert (parsed.batch_size, parsed.epochs, parsed.train_size, parsed.seed) == (32, 4, 777, 12)
    assert not math.isnan(parsed.learning_rate)
    assert train_command.run_config_from(parsed) == run
