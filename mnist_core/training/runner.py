"""Carry out one stored run: build, train with hooks that write to the registry, save."""

import os
import time

from mnist_core import data
from mnist_core.models import config, kinds, reproduce
from mnist_core.store import DiskFull, Registry, Run, RunError, check_workspace
from mnist_core.training import loop, precision
from mnist_core.training.failures import recorded_failures
from mnist_core.training.versions import library_versions

# Registry writes and cancel checks are throttled: SQLite is fast, but not free per batch;
# the run file (written with fsync) takes an epoch at most once a second.
PROGRESS_INTERVAL_SECONDS = 0.5
CANCEL_INTERVAL_SECONDS = 0.25
FILE_INTERVAL_SECONDS = 1.0


def start(registry: Registry, run_config: config.RunConfig, workspace: str) -> str:
    """Record the run as running in this process (the CLI): no worker can claim it."""
    config.validate(run_config)
    check_workspace(workspace)
    return registry.create(
        config=run_config.to_dict(), model=run_config.model.kind, workspace=workspace,
        seed=run_config.training.seed, command=reproduce.command_line(run_config),
        state="running", pid=os.getpid(), params=kinds.parameter_count(run_config.model))


def execute(registry: Registry, run_id: str, mnist: data.Mnist, echo=None) -> Run:
    """Train the run `run_id` (already marked running) to a final state, and return it.

    `echo(fraction, metrics_or_None)` lets a terminal show progress too.
    """
    with recorded_failures(finisher(registry, run_id)):
        run_config = stored_config(registry.get(run_id))
        registry.update(run_id, data=mnist.provenance())
        result, model = train(run_config, mnist, registry_hooks(registry, run_id, echo))
        if result.status == "done":
            registry.save_model(run_id, model)
        record(registry, run_id, result, model.count_params(), library_versions())
    return registry.get(run_id)


def stored_config(run: Run) -> config.RunConfig:
    """The run's validated config; a damaged row raises rather than train the defaults."""
    if run.problem:  # its stored config would read as {}: the defaults, not what was asked
        raise RunError(run.problem)
    return config.validate(config.RunConfig.from_dict(run.config))


def train(run_config: config.RunConfig, mnist: data.Mnist, hooks: loop.Hooks):
    """Build and fit the configured model; (FitResult, model). Touches no registry, so a
    Ray task on another machine runs exactly this (mnist_core.cluster)."""
    splits = data.split(mnist, run_config.training.train_size)
    with precision.layers_compute_in(run_config.training.precision):
        model = kinds.build(run_config.model, run_config.training.seed)
    step_seconds = loop.seconds_per_step_estimate(
        kinds.multiply_adds(run_config.model), run_config.training.batch_size)
    return loop.fit(model, splits, run_config.training, hooks, step_seconds), model


def record(registry: Registry, run_id: str, result: loop.FitResult, params: int,
           versions: dict) -> None:
    """Store how the run ended: its state, history, test metrics, time and versions."""
    history = result.history
    # A stopped run keeps the progress its hooks last wrote, not the one read at the start.
    reached = {"progress": 1.0} if result.status == "done" else {}
    registry.update(
        run_id,
        state=result.status,
        finished_at=time.time(),
        **reached,
        history=history,
        params=params,
        test_loss=result.test_loss,
        test_accuracy=result.test_accuracy,
        val_accuracy=history[-1]["val_accuracy"] if history else None,
        seconds=result.seconds,
        versions=versions,
        error=_explain(result.status),
    )


def finisher(registry: Registry, run_id: str):
    """finish(state, error) for training.failures: ends the run, in the index at least."""

    def finish(state, error):
        try:
            registry.update(run_id, state=state, finished_at=time.time(), error=error)
        except DiskFull:  # then at least the index knows how the run ended
            registry.update(run_id, write_file=False, state=state, finished_at=time.time(),
                            error=error)

    return finish


def _explain(status: str) -> str | None:
    if status == "diverged":
        return ("the loss blew up (NaN, infinite or above "
                f"{loop.EXPLODED_LOSS:,.0f}), so training stopped: the learning rate is "
                "probably too high for this network")
    if status == "cancelled":
        return "cancelled on request"
    return None


def registry_hooks(registry: Registry, run_id: str, echo) -> loop.Hooks:
    """Hooks that write epochs and progress to the run's row, the replay's snapshots to its
    folder, and read its cancel flag."""
    history: list[dict] = []
    last_write = {"progress": 0.0, "cancel": 0.0, "file": 0.0}

    def on_epoch_end(epoch, metrics):
        history.append(metrics)
        now = time.monotonic()
        to_file = now - last_write["file"] >= FILE_INTERVAL_SECONDS
        if to_file:
            last_write["file"] = now
        registry.update(run_id, write_file=to_file, history=history,
                        val_accuracy=metrics["val_accuracy"])
        if echo:
            echo(None, metrics)

    def on_progress(fraction):
        now = time.monotonic()
        if now - last_write["progress"] >= PROGRESS_INTERVAL_SECONDS:
            last_write["progress"] = now
            registry.update(run_id, progress=fraction)
            if echo:
                echo(fraction, None)

    def should_cancel():
        now = time.monotonic()
        if now - last_write["cancel"] < CANCEL_INTERVAL_SECONDS:
            return False
        last_write["cancel"] = now
        return registry.is_cancel_requested(run_id)

    def on_snapshot(snapshots):  # at most a couple of dozen times a run, each file small
        registry.save_snapshots(run_id, snapshots)

    return loop.Hooks(on_epoch_end=on_epoch_end, on_progress=on_progress,
                     should_cancel=should_cancel, on_snapshot=on_snapshot)
