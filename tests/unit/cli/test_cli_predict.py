"""`python -m mnist_core predict`: image files of either polarity, one JSON row per file and run."""

import json

import numpy as np
import pytest
from PIL import Image

from mnist_core import cli, data
from mnist_core.models import config, reproduce
from mnist_core.store import Registry
from mnist_core.training import runner


@pytest.fixture
def finished_run_id():
    run_config = config.RunConfig(training=config.TrainConfig(epochs=2, train_size=2000))
    registry = Registry()
    run_id = registry.create(config=run_config.to_dict(), model="mlp", workspace="lecture",
                             seed=0, command=reproduce.command_line(run_config), state="running")
    assert runner.execute(registry, run_id, data.load_mnist()).state == "done"
    return run_id


def test_predict_reads_both_ink_polarities_the_same(tmp_path, capsys, finished_run_id):
    digit = data.load_mnist().x_test[0]
    white_on_black = tmp_path / "white.png"
    black_on_white = tmp_path / "black.png"
    Image.fromarray(digit).resize((280, 280)).save(white_on_black)
    Image.fromarray(255 - digit).resize((280, 280)).convert("RGB").save(black_on_white)

    status = cli.main(["predict", str(white_on_black), str(black_on_white), "--all", "--json"])

    result = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert status == 0
    rows = result["results"]
    assert [row["image"] for row in rows] == [str(white_on_black), str(black_on_white)]
    assert {row["run_id"] for row in rows} == {finished_run_id}
    assert rows[0]["label"] == rows[1]["label"]
    assert len(rows[0]["probabilities"]) == 10
    assert sum(rows[0]["probabilities"]) == pytest.approx(1, abs=1e-4)
    assert np.argmax(rows[0]["probabilities"]) == rows[0]["label"]


def test_predict_refuses_a_file_that_is_not_an_image(tmp_path, capsys, finished_run_id):
    text_file = tmp_path / "notes.png"
    text_file.write_text("not a picture")
    assert cli.main(["predict", str(text_file), "--json"]) == 2
    error = capsys.readouterr().err
    assert "notes.png" in error and "Traceback" not in error


def test_predict_without_any_model_says_what_to_do(tmp_path, capsys):
    image = tmp_path / "digit.png"
    Image.fromarray(np.zeros((28, 28), np.uint8)).save(image)
    assert cli.main(["predict", str(image)]) == 2
    assert "train one first" in capsys.readouterr().err


def test_predict_all_reports_a_damaged_model_and_the_others_still_answer(
        tmp_path, capsys, finished_run_id):
    image = tmp_path / "digit.png"
    Image.fromarray(data.load_mnist().x_test[0]).resize((280, 280)).save(image)
    registry = Registry()
    damaged = registry.create(config={}, model="mlp", workspace="lecture", seed=0,
                              command="test", state="running")
    registry.update(damaged, state="done")
    registry.model_path(damaged).write_bytes(b"not a keras file")

    status = cli.main(["predict", str(image), "--all", "--json"])

    rows = json.loads(capsys.readouterr().out.strip().splitlines()[-1])["results"]
    assert status == 0
    assert {row["run_id"] for row in rows} == {finished_run_id, damaged}
    answered = next(row for row in rows if row["run_id"] == finished_run_id)
    failed = next(row for row in rows if row["run_id"] == damaged)
    assert answered["error"] is None and answered["label"] in range(10)
    assert failed["label"] is None and failed["probabilities"] is None
    assert "damaged" in failed["error"] and damaged in failed["error"]


def test_predict_exits_2_when_no_model_answers(tmp_path, capsys, finished_run_id):
    image = tmp_path / "digit.png"
    Image.fromarray(data.load_mnist().x_test[0]).resize((280, 280)).save(image)
    Registry().model_path(finished_run_id).unlink()

    assert cli.main(["predict", str(image), "--all", "--json"]) == 2
    (row,) = json.loads(capsys.readouterr().out.strip().splitlines()[-1])["results"]
    assert "missing" in row["error"]
