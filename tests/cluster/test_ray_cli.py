"""The CLI on a real Ray cluster: the same numbers as the local executor, every node on
loopback, and a clear message when no cluster is there."""

import ipaddress
import subprocess
import sys

import pytest

from tests.unit.lab_cli import ROOT, lab, last_json

pytestmark = pytest.mark.ray

TINY_RUN = ("train", "mlp", "--epochs", "1", "--train-size", "1000", "--json")
TINY_SWEEP = ("sweep", "--factors", "1e-5,1e-4", "--replicates", "2", "--epochs", "1",
              "--train-size", "1000", "--json")


@pytest.fixture
def on_cluster(ray_head, monkeypatch):
    monkeypatch.setenv("RAY_ADDRESS", ray_head.address)
    return ray_head


def test_every_node_address_is_on_loopback(on_cluster):
    listing = subprocess.run(
        [sys.executable, "-c", "import ray; ray.init(logging_level='ERROR'); "
         "print(*[node['NodeManagerAddress'] for node in ray.nodes()])"],
        capture_output=True, text=True, timeout=120, cwd=ROOT)
    addresses = listing.stdout.split()
    assert addresses, listing.stderr[-2000:]
    assert all(ipaddress.ip_address(address) in ipaddress.ip_network("127.0.0.0/8")
               for address in addresses), addresses


def test_a_run_on_the_cluster_gives_the_local_numbers_bitwise(on_cluster):
    """Same seeds, same machine, same TensorFlow: the task runs exactly training.runner.train,
    so the accuracies are equal, not merely close."""
    on_ray = last_json(lab(*TINY_RUN))
    here = last_json(lab(*TINY_RUN, "--executor", "local"))
    assert (on_ray["executor"], here["executor"]) == ("ray", "local")
    assert on_ray["status"] == here["status"] == "done"
    assert ipaddress.ip_address(on_ray["node"]).is_loopback
    for key in ("test_accuracy", "test_loss", "val_accuracy", "params"):
        assert on_ray[key] == here[key], key


def test_a_sweep_on_the_cluster_gives_the_local_numbers_bitwise(on_cluster):
    on_ray = last_json(lab(*TINY_SWEEP))
    here = last_json(lab(*TINY_SWEEP, "--executor", "local"))
    assert (on_ray["executor"], here["executor"]) == ("ray", "local")
    assert on_ray["status"] == here["status"] == "done"
    for key in ("mean_accuracy", "std_accuracy", "val_mean_accuracy", "finished", "best_factor"):
        assert on_ray[key] == here[key], key


def test_no_cluster_at_the_address_is_a_clear_error_and_records_nothing(monkeypatch):
    from ray_cluster import free_port, skip_unless_loopback_only

    skip_unless_loopback_only()
    monkeypatch.setenv("RAY_ADDRESS", f"127.0.0.1:{free_port()}")
    result = lab(*TINY_RUN, timeout=300)
    assert result.returncode == 2
    assert "cannot be reached" in result.stderr
    assert last_json(lab("runs", "--json")) == {"runs": []}


def test_a_node_with_other_versions_is_named_with_what_differs():
    from ray_cluster import skip_unless_loopback_only

    skip_unless_loopback_only()
    probe = ("from mnist_core.cluster import connection, tasks\n"
             "found = {**tasks.versions_here(), 'node': '10.0.0.9', 'tensorflow': '2.0.0'}\n"
             "connection._checked(found)\n")
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                            timeout=120, cwd=ROOT)
    import importlib.metadata

    here = importlib.metadata.version("tensorflow")
    assert "ClusterMismatch: node 10.0.0.9 cannot train the lab's runs" in result.stderr
    assert f"tensorflow 2.0.0 (here {here})" in result.stderr
    assert "keras" not in result.stderr.split("ClusterMismatch")[-1].split("Install")[0]
