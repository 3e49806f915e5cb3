"""Shared fixtures: no network, a private MNIST_LAB_HOME, the data set when present."""

import os
from pathlib import Path

import pytest

SHARED_NPZ = Path(__file__).resolve().parents[2] / "shared" / "data" / "mnist.npz"

# Set before anything imports mnist_core, so worker processes inherit them too.
os.environ["MNIST_LAB_OFFLINE"] = "1"
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
if "MNIST_NPZ" not in os.environ and SHARED_NPZ.is_file():
    os.environ["MNIST_NPZ"] = str(SHARED_NPZ)


@pytest.fixture(autouse=True)
def lab_home(tmp_path, monkeypatch):
    """Every test gets an empty run registry and keras cache of its own."""
    home = tmp_path / "lab_home"
    monkeypatch.setenv("MNIST_LAB_HOME", str(home))
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras_home"))
    return home


@pytest.fixture(scope="session")
def full_npz() -> Path:
    """The full 60k/10k data set; tests that need it skip with the reason when it is absent."""
    path = Path(os.environ.get("MNIST_NPZ", SHARED_NPZ))
    if not path.is_file():
        pytest.skip(f"full MNIST not found at {path}: set MNIST_NPZ or add ../shared/data/mnist.npz")
    return path
