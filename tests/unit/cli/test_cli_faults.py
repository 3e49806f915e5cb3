"""A damaged or deleted run index: `python -m mnist_core runs` says so in one line (or simply
rebuilds a deleted one), and store.repair brings every run back from its files."""

import os
import sqlite3

import pytest

from mnist_core import jobs
from mnist_core.store import Registry, repair
from tests.unit.lab_cli import lab, last_json
from tests.unit.stored_runs import HISTORY, TEST_ACCURACY, add_finished_run, small_model

RUNS = 12  # ten epochs of history each: the index spans several pages


def overwrite_with_random_bytes(index):
    index.write_bytes(os.urandom(100))


def truncate_to_half(index):
    with open(index, "r+b") as stream:
        stream.truncate(index.stat().st_size // 2)


DAMAGE = {"random bytes": overwrite_with_random_bytes, "half of it": truncate_to_half}


@pytest.fixture
def stored_runs(lab_home) -> list[str]:
    registry = Registry()
    model = small_model()
    run_ids = [add_finished_run(registry, model=model) for _ in range(RUNS)]
    with sqlite3.connect(registry.path) as connection:  # the data into the main file
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        assert connection.execute("PRAGMA page_count").fetchone()[0] >= 4
    return run_ids


def assert_every_run_is_back(run_ids):
    registry = Registry()
    for run_id in run_ids:
        run = registry.get(run_id)
        assert (run.state, run.history, run.test_accuracy, run.problem) == (
            "done", HISTORY, TEST_ACCURACY, None)
        assert registry.load_model(run_id).count_params() == run.params
    listed = last_json(lab("runs", "--json"))["runs"]
    assert sorted(row["run_id"] for row in listed) == sorted(run_ids)


@pytest.mark.parametrize("damage", DAMAGE)
def test_a_damaged_index_is_one_line_naming_it_and_repair_rebuilds_it(lab_home, stored_runs,
                                                                       damage):
    index = lab_home / "registry.sqlite"
    DAMAGE[damage](index)

    listed = lab("runs")

    assert listed.returncode == 2 and listed.stdout == ""
    [line] = listed.stderr.splitlines()
    assert str(index) in line and "repair" in line and "Traceback" not in line

    report = repair(lab_home, jobs.is_process_alive)

    assert report.recovered == RUNS and report.skipped == []
    assert "damaged" in report.moved_aside  # kept beside the new index, never deleted
    assert_every_run_is_back(stored_runs)


def test_a_deleted_index_is_rebuilt_when_next_opened(lab_home, stored_runs):
    (lab_home / "registry.sqlite").unlink()

    listed = lab("runs", "--json")

    assert listed.returncode == 0, listed.stderr
    assert sorted(row["run_id"] for row in last_json(listed)["runs"]) == sorted(stored_runs)
    repair(lab_home, jobs.is_process_alive)  # and asked for anyway, it changes nothing
    assert_every_run_is_back(stored_runs)
