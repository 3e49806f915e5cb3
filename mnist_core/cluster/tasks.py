"""What runs on a cluster node: one run, one stack of sweep networks, or a version report.

Tasks touch no registry (the node may be another machine): they report each epoch and their
progress through the dispatcher's queue, tagged with their job's key, and return the result.
"""

import importlib.metadata
import os
import platform
import tempfile
import time
from pathlib import Path

import ray

from mnist_core.cluster.cancel_hold import cancel_held

PACKAGES = ("ray", "tensorflow", "keras", "numpy")
PROGRESS_INTERVAL_SECONDS = 0.5  # as the local runner's progress writes


def versions_here() -> dict:
    """This machine's address and the versions a run's numbers depend on (no TensorFlow
    import); a package that is missing reads "not installed"."""
    return {"node": ray.util.get_node_ip_address(), "python": platform.python_version(),
            **{name: _version(name) for name in PACKAGES}}


def _version(name: str) -> str:
    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return "not installed"


node_versions = ray.remote(num_cpus=0, max_retries=0)(versions_here)


class Reporter:
    """A task's reports: (key, "started", node), (key, "epoch", metrics), (key, "progress",
    fraction), (key, "snapshot", the replay so far: well under 1 MB), (key, "diverged",
    (index, result)); progress at most twice a second."""

    def __init__(self, reports, key: str):
        self._reports = reports
        self._key = key
        self._last_progress = 0.0

    def send(self, kind: str, payload) -> None:
        self._reports.put_nowait((self._key, kind, payload))

    def progress(self, fraction: float) -> None:
        now = time.monotonic()
        if now - self._last_progress >= PROGRESS_INTERVAL_SECONDS:
            self._last_progress = now
            self.send("progress", fraction)


def _below_the_server() -> None:
    """A node may also serve the pages (one machine): training waits for them, as local
    workers do. Absolute, because Ray reuses a worker process for many tasks."""
    os.setpriority(os.PRIO_PROCESS, 0, 10)


@ray.remote(max_retries=0)  # a lost task ends its run interrupted, never half-trained twice
def train_run(key: str, run_config: dict, mnist, reports) -> dict:
    """One stored run's training (training.runner.train); the model comes back as bytes."""
    with cancel_held():
        from mnist_core.models import config
        from mnist_core.training import loop, runner, versions

    _below_the_server()
    reporter = Reporter(reports, key)
    reporter.send("started", ray.util.get_node_ip_address())
    hooks = loop.Hooks(on_epoch_end=lambda epoch, metrics: reporter.send("epoch", metrics),
                       on_progress=reporter.progress,
                       on_snapshot=lambda snapshots: reporter.send("snapshot", snapshots))
    result, model = runner.train(config.validate(config.RunConfig.from_dict(run_config)),
                                 mnist, hooks)
    return {"result": result, "params": model.count_params(),
            "versions": {**versions.library_versions(), "node": ray.util.get_node_ip_address()},
            "model": _model_bytes(model) if result.status == "done" else None}


def _model_bytes(model) -> bytes:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "model.keras"
        model.save(path)
        return path.read_bytes()


# Per Ray worker process, which Ray reuses for a sweep's next stack: as the local executor
# does once per sweep, the images become tensors once and each stack size compiles once.
_last_inputs: dict = {}  # (data sha256, train size) -> trainer.Inputs; one data set kept
_compiled_stacks: dict = {}  # (hidden units, stack size) -> stack.StackedMlps
KEPT_STACKS = 4  # a sweep needs one or two sizes (its full stacks and the last one)


def _inputs(mnist, train_size):
    from mnist_core import data
    from mnist_core.sweep import trainer

    key = (mnist.sha256, train_size)
    if mnist.sha256 is None or key not in _last_inputs:  # data of unknown origin: no reuse
        _last_inputs.clear()
        _last_inputs[key] = trainer.Inputs.from_splits(data.split(mnist, train_size))
    return _last_inputs[key]


def _compiled(hidden_units, size):
    from mnist_core.sweep import stack

    key = (tuple(hidden_units), size)
    if key not in _compiled_stacks:
        if len(_compiled_stacks) >= KEPT_STACKS:  # a long-lived worker: keep a few, not all
            _compiled_stacks.clear()
        _compiled_stacks[key] = stack.StackedMlps(hidden_units, size)
    return _compiled_stacks[key]


@ray.remote(max_retries=0)
def train_stack(key: str, spec: dict, group: list, mnist, reports) -> list:
    """One stack of a sweep's networks (sweep.trainer), side by side on this node's cores."""
    with cancel_held():  # trainer brings in TensorFlow, and all that _inputs and _compiled use
        from mnist_core.sweep import trainer
        from mnist_core.sweep.spec import SweepSpec

    _below_the_server()
    reporter = Reporter(reports, key)
    reporter.send("started", ray.util.get_node_ip_address())
    sweep_spec = SweepSpec.from_dict(spec)
    hooks = trainer.StackHooks(
        on_progress=reporter.progress,
        on_diverged=lambda index, result: reporter.send("diverged", (index, result)))
    results = trainer.train_stack(
        [trainer.Network(task.factor, task.seed) for task in group],
        _inputs(mnist, sweep_spec.train_size), sweep_spec.hidden_units,
        sweep_spec.member_config(0.0, 0).training, hooks,
        stack=_compiled(sweep_spec.hidden_units, len(group)))
    if not sweep_spec.save_models:  # 2 MB a network that nobody keeps need not travel back
        for result in results:
            result.weights = None
    return results
