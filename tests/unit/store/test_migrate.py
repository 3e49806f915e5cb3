"""A lab home written before run files existed opens without loss on first use."""

import json
import sqlite3
from pathlib import Path

import numpy as np

from mnist_core import sweep
from mnist_core.models import kinds, mlp
from mnist_core.store import Registry

OLD_INDEX = Path(__file__).with_name("old_home.sql")
OLD_RUN = "20261201-090148-4ae4ab"  # the finished run in old_home.sql


def old_home(home: Path):
    """The index of old_home.sql, and the old run's model where the old store kept it."""
    home.mkdir(parents=True)
    with sqlite3.connect(home / "registry.sqlite") as connection:
        connection.executescript(OLD_INDEX.read_text())
    model = kinds.build(mlp.MlpConfig(hidden_units=(8,)), seed=0)
    (home / "models").mkdir()
    model.save(home / "models" / f"{OLD_RUN}.keras")
    return model


def test_an_old_home_gets_its_run_files_and_loses_nothing(lab_home):
    model = old_home(lab_home)
    with sqlite3.connect(lab_home / "registry.sqlite") as connection:
        rows_before = connection.execute("SELECT COUNT(*) FROM runs").fetchone()[0]

    registry = Registry()

    (run,) = registry.runs()
    assert run.run_id == OLD_RUN and run.state == "done" and run.problem is None
    assert run.test_accuracy == 0.69 and [entry["epoch"] for entry in run.history] == [1, 2]
    record = json.loads(registry.run_file(OLD_RUN).read_text())
    assert record["format"] == 1 and record["history"] == run.history
    digits = np.zeros((1, 28, 28), np.float32)
    np.testing.assert_array_equal(registry.load_model(OLD_RUN).predict_on_batch(digits),
                                  model.predict_on_batch(digits))
    assert not (lab_home / "models").exists()  # moved into the run folder, nothing left
    (stored_sweep,) = registry.sweeps()
    assert stored_sweep.state == "done" and stored_sweep.problem is None
    assert [row.test_mean for row in sweep.summary(registry, stored_sweep.sweep_id).factors] \
        == [0.6, 0.6001]
    members = json.loads(registry.sweep_file(stored_sweep.sweep_id).read_text())["members"]
    assert len(members) == 2 and all(registry.run_file(member).is_file() for member in members)
    with sqlite3.connect(lab_home / "registry.sqlite") as connection:
        assert connection.execute("SELECT COUNT(*) FROM runs").fetchone()[0] == rows_before


def test_a_migrated_home_survives_losing_its_index(lab_home):
    old_home(lab_home)
    before = [(run.run_id, run.test_accuracy) for run in Registry().runs()]
    (lab_home / "registry.sqlite").unlink()

    assert [(run.run_id, run.test_accuracy) for run in Registry().runs()] == before
