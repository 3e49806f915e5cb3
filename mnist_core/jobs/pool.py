"""The worker pool: fresh interpreters that train queued jobs, started lazily, replaced
when they die or retire (`python -m mnist_core.worker`, see mnist_core.worker); with the Ray
executor, one dispatcher process instead (`python -m mnist_core.cluster`), watched the same
way, that trains the queue on the cluster."""

import os
import subprocess
import sys
from pathlib import Path

from mnist_core.jobs import executors
from mnist_core.jobs.queue import submit
from mnist_core.models import config
from mnist_core.store import Registry, access
from mnist_core.store.processes import is_process_alive

PROJECT_ROOT = Path(__file__).resolve().parents[2]


class WorkerPool:
    """Worker processes that train queued runs. Started lazily, restarted when they die."""

    def __init__(self, registry: Registry, size: int | None = None,
                 executor: executors.Executor | None = None):
        self.registry = registry
        self.executor = executor or executors.choose()
        # One dispatcher follows every job on the cluster (as many as it has CPUs).
        self.size = 1 if self.executor.name == executors.RAY else (
            size or int(os.environ.get("MNIST_LAB_WORKERS", 0)) or min(2, os.cpu_count() or 1))
        self._workers: list[subprocess.Popen] = []
        registry.mark_interrupted(is_process_alive)  # runs left over from a dead server

    def ensure_running(self) -> None:
        """Replace dead or retired workers; mark the runs they held as interrupted."""
        alive = [worker for worker in self._workers if worker.poll() is None]
        if len(alive) < len(self._workers):
            self.registry.mark_interrupted(is_process_alive)
        self._workers = alive
        while len(self._workers) < self.size:
            # A fresh interpreter, not multiprocessing: its spawn re-runs the parent's __main__,
            # which under Streamlit (and AppTest) is the page script itself.
            self._workers.append(subprocess.Popen(
                self._command(), cwd=PROJECT_ROOT,
                env=_worker_environment(self.executor.name == executors.RAY)))

    def _command(self) -> list[str]:
        own = [str(self.registry.home), str(os.getpid())]
        if self.executor.name == executors.RAY:
            return [sys.executable, "-m", "mnist_core.cluster", *own, self.executor.address]
        return [sys.executable, "-m", "mnist_core.worker", *own]

    def submit(self, run_config: config.RunConfig, workspace: str,
               credential: access.Credential | None = None) -> str:
        run_id = submit(self.registry, run_config, workspace, credential)
        self.ensure_running()
        return run_id

    def shutdown(self) -> None:
        for worker in self._workers:
            worker.terminate()
        for worker in self._workers:
            try:
                worker.wait(timeout=5)
            except subprocess.TimeoutExpired:
                worker.kill()
                worker.wait()
        self._workers = []
        self.registry.mark_interrupted(is_process_alive)


def _worker_environment(ray_driver: bool) -> dict:
    """This environment, with the project importable from the worker whatever its cwd, and
    TensorFlow's start-up chatter kept out of the worker's log unless asked for."""
    paths = [str(PROJECT_ROOT), *filter(None, [os.environ.get("PYTHONPATH")])]
    return {"TF_CPP_MIN_LOG_LEVEL": "2", **(RAY_DRIVER_DEFAULTS if ray_driver else {}),
            **os.environ, "PYTHONPATH": os.pathsep.join(paths),
            **(RAY_DRIVER_ENVIRONMENT if ray_driver else {})}


# For the dispatcher: no usage statistics sent to Ray's makers (always), no silent reconnect
# once its connection is shut (a new dispatcher connects instead), and a cluster that went
# away ends it within seconds rather than Ray's default minute (unless set otherwise).
RAY_DRIVER_ENVIRONMENT = {"RAY_USAGE_STATS_ENABLED": "0", "RAY_ENABLE_AUTO_CONNECT": "0"}
RAY_DRIVER_DEFAULTS = {"RAY_gcs_rpc_server_reconnect_timeout_s": "10"}
