"""mnist_core.sweep: factor parsing, statistics by hand, storage, resume, the job queue."""

import json
import math
import os
import sqlite3

import numpy as np
import pytest

from mnist_core import data, jobs, sweep
from mnist_core.store import Registry, RunError
from mnist_core.sweep import recorder, stats
from mnist_core.sweep.spec import NetworkResult, SweepSpec, parse_factors, validate
from tests.unit.dead_process import DEAD_PID
from tests.unit.worker_here import worker_here

TINY = SweepSpec(hidden_units=(16,), factors=(1e-4, 1e-2), replicates=2, epochs=2,
                 train_size=300)


@pytest.fixture
def registry(lab_home) -> Registry:
    return Registry()


# Factor parsing ---------------------------------------------------------------------------

def test_linspace_gives_the_assignments_five_factors():
    step = (1e-3 - 1e-6) / 4
    assert parse_factors("linspace:1e-6:1e-3:5") == pytest.approx(
        [1e-6, 1e-6 + step, 1e-6 + 2 * step, 1e-6 + 3 * step, 1e-3], rel=1e-12)
    assert SweepSpec().factors == parse_factors("linspace:1e-6:1e-3:5")


def test_logspace_spaces_by_powers_and_a_comma_list_is_taken_as_is():
    assert parse_factors("logspace:1e-6:1e-3:4") == pytest.approx(
        [1e-6, 1e-5, 1e-4, 1e-3], rel=1e-12)
    assert parse_factors("0, 1e-4,3e-3") == (0.0, 1e-4, 3e-3)


@pytest.mark.parametrize("text, message", [
    ("", "linspace:MIN:MAX:N"),
    ("linspace:1e-6:1e-3", "write linspace:MIN:MAX:N"),
    ("linspace:1e-3:1e-6:5", "MIN < MAX"),
    ("linspace:0:1e-3:1", "N must be 2 to 12"),
    ("linspace:0:1e-3:five", "'five' is not a whole number"),
    ("logspace:0:1e-3:5", "log spacing needs MIN > 0"),
    ("squarespace:1:2:3", "'squarespace:1:2:3' is not a number"),
    ("1e-4,abc", "'abc' is not a number"),
    ("1e-4,-1e-3", "'-1e-3' must be a finite number >= 0"),
    ("1e-4,nan", "'nan' must be a finite number >= 0"),
    ("1e-4,1e-4", "only once"),
])
def test_bad_factor_strings_say_what_is_wrong(text, message):
    with pytest.raises(ValueError, match=message):
        parse_factors(text)


def test_spec_round_trips_through_json_and_rejects_bad_values():
    spec = SweepSpec(hidden_units=(32, 16), factors=(0.0, 1e-3), train_size=500, seed=7)
    assert SweepSpec.from_dict(json.loads(json.dumps(spec.to_dict()))) == spec
    member = spec.member_config(1e-3, replicate=2)
    assert (member.model.l2, member.training.seed, member.training.batch_size) == (1e-3, 9, 128)
    for bad, message in [({"replicates": 0}, "replicates"), ({"hidden_units": (0,)}, "hidden"),
                         ({"epochs": 0}, "epochs"), ({"factors": ()}, "1 to 12 factors")]:
        with pytest.raises(ValueError, match=message):
            validate(SweepSpec(**bad))
    with pytest.raises(ValueError, match="unknown sweep field"):
        SweepSpec.from_dict({"colour": "red"})


# Statistics -------------------------------------------------------------------------------

def outcome(factor_index, replicate, val, test, train=None, norm=None, status="done"):
    return stats.Outcome(factor_index, replicate, status, val, test, train, norm)


def test_statistics_by_hand_with_a_diverged_replicate():
    outcomes = [
        outcome(0, 0, 0.96, 0.97, train=1.00, norm=10.0),
        outcome(0, 1, 0.97, 0.98, train=0.99, norm=12.0),
        outcome(0, 2, 0.98, 0.99, train=1.00, norm=14.0),
        outcome(1, 0, 0.99, 0.95, train=0.97, norm=5.0),
        outcome(1, 1, None, None, status="diverged"),
        outcome(1, 2, 0.97, 0.97, train=0.99, norm=7.0),
        outcome(2, 0, None, None, status="diverged"),
    ]

    summary = stats.summarize((1e-6, 1e-4, 1e-3), outcomes)

    first, second, third = summary.factors
    assert (first.finished, first.diverged) == (3, 0)
    assert first.test_mean == pytest.approx(0.98)
    # sample standard deviation (ddof=1): sqrt((0.01² + 0 + 0.01²) / 2) = 0.01
    assert first.test_std == pytest.approx(0.01)
    assert first.val_mean == pytest.approx(0.97)
    assert first.gap_mean == pytest.approx((0.03 + 0.01 + 0.01) / 3)
    assert first.kernel_norm_mean == pytest.approx(12.0)
    # The diverged replicate is counted, never averaged: two values are left.
    assert (second.finished, second.diverged) == (2, 1)
    assert second.test_mean == pytest.approx(0.96)
    assert second.test_std == pytest.approx(math.sqrt(0.01**2 + 0.01**2))
    assert second.val_mean == pytest.approx(0.98)
    assert (third.finished, third.diverged, third.test_mean, third.test_std) == (0, 1, None, None)
    # Chosen on validation (0.98 beats 0.97) although its test mean is the lower one.
    assert summary.best_factor == 1e-4
    assert summary.best_mean_accuracy == pytest.approx(0.96)
    assert summary.ddof == 1


def test_one_replicate_has_a_mean_but_no_spread():
    summary = stats.summarize((0.0,), [outcome(0, 0, 0.9, 0.8)])
    assert (summary.factors[0].test_mean, summary.factors[0].test_std) == (0.8, None)


def test_nothing_finished_means_no_best_factor():
    summary = stats.summarize((0.0, 1.0), [])
    assert summary.best_factor is None and summary.best_mean_accuracy is None
    assert [row.finished for row in summary.factors] == [0, 0]


# Storage, cancel and resume ----------------------------------------------------------------

class InstantExecutor:
    """Any Executor will do: this one 'trains' at once and records what it was given."""

    def __init__(self, stop_after: int | None = None):
        self.given = []
        self.stop_after = stop_after

    def execute(self, spec, tasks, events):
        self.given.append([(task.factor_index, task.replicate) for task in tasks])
        for count, task in enumerate(tasks):
            if self.stop_after is not None and count == self.stop_after:
                return False
            events.on_start([task])
            events.on_progress({task: 0.5})
            accuracy = 0.9 + 0.01 * task.factor_index + 0.001 * task.replicate
            history = [{"epoch": 1, "loss": 0.3, "accuracy": accuracy + 0.05,
                        "val_loss": 0.3, "val_accuracy": accuracy, "kernel_norm": 3.0,
                        "train_accuracy": accuracy + 0.02}]
            events.on_finished(task, NetworkResult("done", history, 0.3, accuracy, 0.1))
        return True


def test_members_are_stored_apart_from_runs_with_their_config(registry):
    sweep_id = sweep.start(registry, TINY, "alice")

    finished = sweep.run(registry, sweep_id, mnist=None, executor=InstantExecutor())

    assert finished.state == "done" and finished.progress == 1.0 and finished.error is None
    assert finished.training_now == [] and finished.seconds > 0
    members = registry.sweep_members(sweep_id)
    assert len(members) == 4 and registry.runs() == []  # kept out of the normal run lists
    configs = sorted((run.config["model"]["l2"], run.config["training"]["seed"])
                     for run in members)
    assert configs == [(1e-4, 0), (1e-4, 1), (1e-2, 0), (1e-2, 1)]
    assert all(run.kind == "sweep_member" and run.workspace == "alice" for run in members)
    assert registry.sweeps("bob") == []
    assert [stored.sweep_id for stored in registry.sweeps("alice")] == [sweep_id]
    points = sweep.outcomes(registry, sweep_id)
    assert sorted((point.factor_index, point.replicate) for point in points) == [
        (0, 0), (0, 1), (1, 0), (1, 1)]
    assert {point.test_accuracy for point in points if point.factor_index == 1} == {0.91, 0.911}
    result = sweep.cli_result(registry, sweep_id)
    assert result["mean_accuracy"] == pytest.approx([0.9005, 0.9105])
    assert result["best_factor"] == 1e-2 and result["status"] == "done"
    # The gap takes the final weights' training accuracy, not Keras' running mean (+0.05).
    assert result["train_test_gap"] == pytest.approx([0.02, 0.02])


def test_resume_trains_only_the_missing_networks(registry):
    sweep_id = sweep.start(registry, TINY, "alice")
    first = sweep.run(registry, sweep_id, None, executor=InstantExecutor(stop_after=1))
    assert first.state == "cancelled" and "kept" in first.error
    kept = registry.sweep_members(sweep_id)
    assert len(kept) == 1

    again = InstantExecutor()
    resumed = sweep.run(registry, sweep_id, None, executor=again)

    assert again.given == [[(1, 0), (0, 1), (1, 1)]]  # (factor index, replicate)
    assert resumed.state == "done" and resumed.error is None
    members = registry.sweep_members(sweep_id)
    assert len(members) == 4 and members[0] == kept[0]  # the first one untouched


def test_a_killed_sweep_is_resumed_but_a_live_one_is_not_taken_over(registry):
    sweep_id = sweep.start(registry, TINY, "alice")
    registry.update_sweep(sweep_id, pid=DEAD_PID)  # its process died without a word

    assert sweep.run(registry, sweep_id, None, executor=InstantExecutor()).state == "done"

    other = sweep.start(registry, TINY, "alice")
    registry.update_sweep(other, pid=1)  # a live process that is not this one
    with pytest.raises(RunError, match="already running in process 1"):
        sweep.run(registry, other, None, executor=InstantExecutor())


def test_a_diverged_network_is_stored_at_once_and_counted_once(registry, monkeypatch):
    monkeypatch.setattr(recorder, "PROGRESS_INTERVAL_SECONDS", 0.0)
    sweep_id = sweep.start(registry, TINY, "alice")
    seen = []

    class Diverging:
        def execute(self, spec, tasks, events):
            first, second = tasks[:2]
            events.on_start([first, second])
            events.on_finished(first, NetworkResult("diverged", [], seconds=0.1))
            seen.append(registry.get_sweep(sweep_id).training_now)
            events.on_progress({first: 0.5, second: 0.5})  # a stack reports all its tasks
            seen.append(registry.get_sweep(sweep_id).progress)
            return False

    sweep.run(registry, sweep_id, None, executor=Diverging())

    assert seen == [[[1e-2, 0]], pytest.approx((1 + 0.5) / 4)]
    [member] = registry.sweep_members(sweep_id)
    assert member.state == "diverged" and "diverged" in member.error
    assert member.test_accuracy is None
    assert [row.diverged for row in sweep.summary(registry, sweep_id).factors] == [1, 0]


def test_a_killed_worker_leaves_its_sweep_interrupted_and_resumable(registry):
    sweep_id = sweep.submit(registry, TINY, "alice")
    jobs.claim_next(registry, DEAD_PID)
    registry.update_sweep(sweep_id, training_now=[[1e-4, 0]], eta_seconds=12.0)

    assert registry.mark_interrupted(jobs.is_process_alive) == [sweep_id]

    stopped = registry.get_sweep(sweep_id)
    assert stopped.state == "interrupted" and "stopped" in stopped.error
    assert (stopped.training_now, stopped.eta_seconds) == ([], None)  # nothing trains now
    sweep.resume(registry, sweep_id)
    assert jobs.claim_next(registry, DEAD_PID).run_id == sweep_id


def test_a_damaged_spec_fails_the_sweep_with_the_reason(registry, capsys):
    sweep_id = sweep.start(registry, TINY, "alice")
    with sqlite3.connect(registry.path) as connection:
        connection.execute("UPDATE sweeps SET spec = '{\"factors\": [' WHERE sweep_id = ?",
                           (sweep_id,))

    failed = sweep.run(registry, sweep_id, None, executor=InstantExecutor())

    assert failed.state == "failed" and "spec is not valid JSON" in failed.error
    assert registry.sweep_members(sweep_id) == []
    with pytest.raises(RunError, match="spec is not valid JSON"):
        sweep.summary(registry, sweep_id)


def test_deleting_a_sweep_takes_its_networks_and_files(registry):
    kept = sweep.start(registry, TINY, "alice")
    doomed = sweep.start(registry, TINY, "alice")
    for sweep_id in (kept, doomed):
        sweep.run(registry, sweep_id, None, executor=InstantExecutor())
    files = [registry.model_path(run.run_id) for run in registry.sweep_members(doomed)]
    for path in files:
        path.write_bytes(b"a model")

    registry.delete_sweep(doomed)

    assert not any(path.exists() for path in files)
    assert registry.sweep_members(doomed) == [] and len(registry.sweep_members(kept)) == 4
    assert [stored.sweep_id for stored in registry.sweeps()] == [kept]
    with pytest.raises(RunError, match="no sweep"):
        registry.get_sweep(doomed)
    with pytest.raises(RunError):
        registry.get(doomed)  # its job row went too


def test_a_failing_executor_fails_the_sweep_with_the_reason(registry, capsys):
    class Broken:
        def execute(self, spec, tasks, events):
            raise OSError("disk full (test)")

    sweep_id = sweep.start(registry, TINY, "alice")

    failed = sweep.run(registry, sweep_id, None, executor=Broken())

    assert failed.state == "failed" and "disk full" in failed.error
    assert "Traceback" in capsys.readouterr().err


# The real trainer, end to end ----------------------------------------------------------------

def test_cancel_keeps_finished_networks_and_resume_completes_the_sweep(registry, tiny_mnist,
                                                                       monkeypatch):
    monkeypatch.setattr(recorder, "CANCEL_INTERVAL_SECONDS", 0.0)
    spec = SweepSpec(hidden_units=(16,), factors=(1e-4, 1e-2), replicates=1, epochs=3,
                     train_size=300, save_models=True)
    sweep_id = sweep.start(registry, spec, "alice")
    lines = []

    def cancel_after_the_first_network(fraction, line):
        if line:
            lines.append(line)
            registry.request_cancel(sweep_id)

    executor = sweep.LocalExecutor(tiny_mnist, stack_size=1)
    stopped = sweep.run(registry, sweep_id, tiny_mnist, cancel_after_the_first_network,
                        executor)

    assert stopped.state == "cancelled" and len(lines) == 1
    assert 0 < stopped.progress < 1
    [member] = registry.sweep_members(sweep_id)
    assert member.state == "done" and len(member.history) == 3
    assert set(member.history[0]) == {"epoch", "loss", "accuracy", "val_loss", "val_accuracy",
                                      "kernel_norm"}
    assert member.val_accuracy == member.history[-1]["val_accuracy"]
    # The saved model is the trained network: it scores the stored test accuracy.
    model = registry.load_model(member.run_id)
    splits = data.split(tiny_mnist, spec.train_size)
    predictions = model.predict(splits.x_test.astype(np.float32) / 255, verbose=0)
    assert np.mean(predictions.argmax(axis=1) == splits.y_test) == pytest.approx(
        member.test_accuracy, abs=1e-6)

    resumed = sweep.run(registry, sweep_id, tiny_mnist, executor=executor)

    assert resumed.state == "done"
    assert [run.config["model"]["l2"] for run in registry.sweep_members(sweep_id)] == [
        1e-4, 1e-2]


# The job queue ---------------------------------------------------------------------------------

SMALL_RUN = sweep.SweepSpec().member_config(0.0, 0)


def test_a_sweep_is_one_job_in_the_round_robin(registry):
    alice_sweep = sweep.submit(registry, TINY, "alice")
    alice_run = jobs.submit(registry, SMALL_RUN, "alice")
    bob_run = jobs.submit(registry, SMALL_RUN, "bob")

    assert [jobs.position(registry, job) for job in (alice_sweep, bob_run, alice_run)] == [
        1, 2, 3]
    assert jobs.claim_next(registry, DEAD_PID).run_id == alice_sweep
    assert jobs.claim_next(registry, DEAD_PID).run_id == bob_run
    assert jobs.claim_next(registry, DEAD_PID) is None  # alice's sweep holds her slot
    assert registry.get_sweep(alice_sweep).state == "running"


def test_sweeps_count_against_the_queue_limit_and_can_be_resumed(registry):
    for _ in range(jobs.MAX_QUEUED_PER_WORKSPACE):
        sweep.submit(registry, TINY, "alice")
    with pytest.raises(jobs.QueueFull):
        sweep.submit(registry, TINY, "alice")
    with pytest.raises(jobs.QueueFull):
        jobs.submit(registry, SMALL_RUN, "alice")

    queued = registry.sweeps("alice")[0].sweep_id
    sweep.cancel(registry, queued)  # queued: cancelled at once
    assert registry.get_sweep(queued).state == "cancelled"
    sweep.resume(registry, queued)
    assert registry.get_sweep(queued).state == "queued"
    with pytest.raises(RunError, match="nothing to resume"):
        sweep.resume(registry, queued)


def test_a_worker_runs_a_submitted_sweep(registry):
    spec = SweepSpec(hidden_units=(8,), factors=(1e-4, 1e-3), replicates=1, epochs=1,
                     train_size=200)
    sweep_id = sweep.submit(registry, spec, "alice")

    worker_here(registry, max_jobs=1)

    finished = registry.get_sweep(sweep_id)
    assert finished.state == "done", finished.error
    assert finished.pid == os.getpid() and finished.finished_at > finished.started_at
    assert len(registry.sweep_members(sweep_id)) == 2
