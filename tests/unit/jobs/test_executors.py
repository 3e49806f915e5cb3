"""Choosing where jobs train, and the pool's process for each choice, without Ray."""

import subprocess
import sys

import pytest

from mnist_core import jobs
from mnist_core.jobs.executors import LOCAL, RAY, Executor, choose
from mnist_core.store import Registry
from tests.unit.lab_cli import ROOT


@pytest.mark.parametrize("flag, environ, expected", [
    (None, {}, Executor(LOCAL)),
    (None, {"RAY_ADDRESS": "10.0.0.1:6379"}, Executor(RAY, "10.0.0.1:6379")),
    (None, {"RAY_ADDRESS": "10.0.0.1:6379", "MNIST_LAB_EXECUTOR": "local"}, Executor(LOCAL)),
    ("local", {"RAY_ADDRESS": "10.0.0.1:6379"}, Executor(LOCAL)),
    ("ray", {}, Executor(RAY, "auto")),  # the head on this machine, as Ray finds it
    (None, {"MNIST_LAB_EXECUTOR": "Ray", "RAY_ADDRESS": " h:1 "}, Executor(RAY, "h:1")),
    (None, {"RAY_ADDRESS": "  "}, Executor(LOCAL)),
])
def test_the_choice(flag, environ, expected):
    assert choose(flag, environ) == expected


def test_an_unknown_executor_is_refused():
    with pytest.raises(ValueError, match="unknown executor 'spark'"):
        choose(None, {"MNIST_LAB_EXECUTOR": "spark"})


def test_with_ray_the_pool_runs_one_dispatcher_with_usage_statistics_off(monkeypatch):
    started = []

    class Started:
        def __init__(self, command, **options):
            self.command, self.options = command, options
            started.append(self)

        def poll(self):
            return None  # still running

    monkeypatch.setattr(jobs.pool.subprocess, "Popen", Started)
    pool = jobs.WorkerPool(Registry(), size=4, executor=Executor(RAY, "10.0.0.1:6379"))
    pool.ensure_running()
    pool.ensure_running()  # a live dispatcher is not started twice
    assert len(started) == 1
    assert started[0].command[1:3] == ["-m", "mnist_core.cluster"]
    assert started[0].command[-1] == "10.0.0.1:6379"
    assert started[0].options["env"]["RAY_USAGE_STATS_ENABLED"] == "0"


def test_choosing_and_the_pages_never_import_ray():
    probe = ("import sys; from mnist_core.jobs import executors; import mnist_core.ui; "
             "executors.choose(None, {'RAY_ADDRESS': 'h:1'}); "
             "print('ray' in sys.modules)")
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                            cwd=ROOT, timeout=120)
    assert result.stdout.strip() == "False", result.stderr[-2000:]
