"""Waiting for another process: poll for a state with a generous deadline, never sleep and hope."""

import os
import time

import pytest


def wait_until(condition, seconds: float, what):
    """condition()'s first true value, polled every 0.1 s. At the deadline, fail saying what
    was awaited (`what`: a string, or a function that says it as things then stand)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.1)
    pytest.fail(f"{what() if callable(what) else what}, still, after {seconds} s")


def wait_for(registry, run_id, states, seconds, condition=lambda run: True):
    """The run once it is in one of `states` (and meets `condition`)."""

    def reached():
        run = registry.get(run_id)
        return run if run.state in states and condition(run) else None

    return wait_until(reached, seconds, lambda: f"run {run_id} is "
                      f"{registry.get(run_id).state!r}, not {' or '.join(states)}")


def wait_until_dead(pid, seconds=10):
    """SIGKILL acts asynchronously: wait until the process is a zombie with no thread left."""

    def dead():
        try:
            with open(f"/proc/{pid}/stat") as stat:
                state = stat.read().rsplit(")", 1)[-1].split()[0]
            # TensorFlow's threads can outlive the main one by a moment.
            return state == "Z" and len(os.listdir(f"/proc/{pid}/task")) <= 1
        except FileNotFoundError:
            return True

    wait_until(dead, seconds, f"process {pid} is alive {seconds} s after SIGKILL")
