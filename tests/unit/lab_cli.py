"""`python -m mnist_core` as a real subprocess, with the test's environment (its own
MNIST_LAB_HOME and KERAS_HOME, from tests/conftest.py). `module` runs another entry point
from the repository instead, such as a test's wrapper around the CLI."""

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]  # `python -m mnist_core` runs from here


def lab(*arguments, timeout=180, module="mnist_core") -> subprocess.CompletedProcess:
    """Run the CLI to its end."""
    return subprocess.run([sys.executable, "-m", module, *arguments], cwd=ROOT,
                          capture_output=True, text=True, timeout=timeout)


def start_lab(*arguments, log: Path, module="mnist_core") -> subprocess.Popen:
    """Start the CLI and return at once; its stdout and stderr go to the file `log` (a pipe
    nobody reads could fill up and stall it)."""
    with log.open("w") as output:
        return subprocess.Popen([sys.executable, "-m", module, *arguments], cwd=ROOT,
                                stdout=output, stderr=subprocess.STDOUT)


def last_json(result: subprocess.CompletedProcess) -> dict:
    assert result.stdout.strip(), f"no stdout; stderr:\n{result.stderr}"
    return json.loads(result.stdout.strip().splitlines()[-1])
