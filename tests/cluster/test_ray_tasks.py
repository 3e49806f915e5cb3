"""What cancel_held assumes of Ray: its cancel reaches a task through SIGINT's
handler, so a held cancel ends the task only after the block, in a process that Ray then
reuses for the next task (as a sweep's next stack). The driver is a process of its own:
this one must never import Ray (the page tests check that of the server)."""

import subprocess
import sys

import pytest

from tests.unit.lab_cli import ROOT, last_json

pytestmark = pytest.mark.ray

HELD_SECONDS = 4
DRIVER = """
import json, os, sys, time
import ray
from mnist_core.cluster import connection
from mnist_core.cluster.cancel_hold import cancel_held

def held_then_idle():
    with cancel_held():  # stands in for TensorFlow's first import: Python code runs
        deadline = time.monotonic() + HELD_SECONDS  # (a sleep would not see the cancel)
        while time.monotonic() < deadline:
            pass
    time.sleep(60)

def worker_pid():
    return os.getpid()

cluster = connection.connect(sys.argv[1])
whole_node = {"num_cpus": 2, "max_retries": 0}  # one task at a time: one worker process
before = ray.get(ray.remote(**whole_node)(worker_pid).remote(), timeout=120)
ref = ray.remote(**whole_node)(held_then_idle).remote()
time.sleep(1)  # inside the held block
asked = time.monotonic()
ray.cancel(ref)
try:
    ray.get(ref, timeout=30)
    ended = "returned"
except ray.exceptions.TaskCancelledError:
    ended = "cancelled"
waited = time.monotonic() - asked
after = ray.get(ray.remote(**whole_node)(worker_pid).remote(), timeout=120)
cluster.close()
print(json.dumps({"ended": ended, "waited": waited, "same_process": before == after}))
""".replace("HELD_SECONDS", str(HELD_SECONDS))


def test_a_cancel_inside_the_held_block_ends_the_task_after_it_in_a_reused_process(ray_head):
    driver = subprocess.run([sys.executable, "-c", DRIVER, ray_head.address], cwd=ROOT,
                            capture_output=True, text=True, timeout=300)
    assert driver.returncode == 0, driver.stderr[-3000:]
    found = last_json(driver)
    assert found["ended"] == "cancelled"
    assert HELD_SECONDS - 1 - 0.5 < found["waited"] < HELD_SECONDS + 5, found
    assert found["same_process"], "the cancelled task's process was not reused"
