"""`python -m mnist_core` as a real subprocess, with the test's environment (its own
MNIST_LAB_HOME and KERAS_HOME, from tests/conftest.py)."""

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]  # `python -m mnist_core` runs from here


def lab(*arguments, timeout=180) -> subprocess.CompletedProcess:
    """Run the CLI to its end."""
    return subprocess.run([sys.executable, "-m", "mnist_core", *arguments], cwd=ROOT,
                          capture_output=True, text=True, timeout=timeout)


def start_lab(*arguments, log: Path) -> subprocess.Popen:
    """Start the CLI and return at once; its stdout and stderr go to the file `log` (a pipe
    nobody reads could fill up and stall it)."""
    with log.open("w") as output:
        return subprocess.Popen([sys.executable, "-m", "mnist_core", *arguments], cwd=ROOT,
                                stdout=output, stderr=subprocess.STDOUT)


def last_json(result: subprocess.CompletedProcess) -> dict:
    assert result.stdout.strip(), f"no stdout; stderr:\n{result.stderr}"
    return json.loads(result.stdout.strip().splitlines()[-1])
