"""A connection to a Ray cluster, as the lab needs it: its own code shipped to the nodes,
usage statistics off, every node's versions checked, MNIST in the object store once, and
one queue that every task reports through."""

import dataclasses
import os
import socket
from pathlib import Path

import ray
from ray.util.queue import Queue
from ray.util.scheduling_strategies import NodeAffinitySchedulingStrategy

import mnist_core
from mnist_core import data
from mnist_core.cluster import tasks

PROBE_SECONDS = 5  # to see whether anything answers at the head's address
VERSIONS_TIMEOUT_SECONDS = 120  # a node's first task unpacks the lab's code and starts Python
# Left out of what the nodes get: caches and compiled files are rebuilt there.
SHIPPED_EXCLUDES = ["__pycache__", "*.pyc"]


class ClusterMismatch(ConnectionError):  # noqa: N818  (callers catch it as one)
    """A node cannot train the lab's runs as this machine would (other versions): the
    cluster is there, but not usable, which callers treat as not reachable."""


def turn_off_usage_statistics() -> None:
    """Ray reports usage to its makers by default; the lab never does (README says so)."""
    os.environ["RAY_USAGE_STATS_ENABLED"] = "0"


@dataclasses.dataclass
class Cluster:
    address: str
    nodes: dict[str, dict]  # node id -> its address and versions
    reports: Queue  # (key, kind, payload) from every task
    _mnist: dict = dataclasses.field(default_factory=dict)

    @property
    def cpus(self) -> int:
        return int(ray.cluster_resources().get("CPU", 0))

    @property
    def cpus_per_node(self) -> int:
        """The smallest node's CPUs (of those with any: a head may train nothing): a sweep's
        stack asks for a whole node of that size."""
        sizes = [int(node["Resources"].get("CPU", 0)) for node in ray.nodes() if node["Alive"]]
        return max(1, min((size for size in sizes if size > 0), default=1))

    def node_addresses(self) -> tuple[str, ...]:
        return tuple(sorted(node["node"] for node in self.nodes.values()))

    def mnist(self, mnist: data.Mnist):
        """MNIST in the object store, put once per connection: nodes need no copy of it."""
        key = mnist.provenance().get("sha256") or id(mnist)
        if key not in self._mnist:
            self._mnist[key] = ray.put(mnist)
        return self._mnist[key]

    def check_nodes(self) -> None:
        """Check nodes that joined since the last look. Raises ClusterMismatch, or
        ConnectionError when the cluster does not answer (a node gone meanwhile, say)."""
        try:
            alive = {node["NodeID"] for node in ray.nodes() if node["Alive"]}
            for node_id in alive - self.nodes.keys():
                self.nodes[node_id] = _checked(_versions(node_id))
        except (ray.exceptions.RayError, TimeoutError) as error:
            raise ConnectionError(f"the cluster at {self.address} stopped answering while its "
                                  f"nodes were checked ({type(error).__name__})") from error
        for node_id in self.nodes.keys() - alive:
            del self.nodes[node_id]

    def close(self) -> None:
        ray.shutdown()


def connect(address: str) -> Cluster:
    """Join the cluster at `address` as a driver. Raises ConnectionError when it cannot be
    reached, ClusterMismatch when a node has other versions than this machine."""
    turn_off_usage_statistics()
    _check_listening(address)
    try:
        ray.init(address=address, log_to_driver=False, logging_level="WARNING",
                 runtime_env={"py_modules": [str(Path(mnist_core.__file__).parent)],
                              "excludes": SHIPPED_EXCLUDES,
                              "env_vars": {"TF_CPP_MIN_LOG_LEVEL": "2",
                                           "RAY_USAGE_STATS_ENABLED": "0"}})
    except ray.exceptions.AuthenticationError as error:
        raise ConnectionError(
            f"the Ray cluster at {address} wants its token (RAY_AUTH_MODE=token): give this "
            "machine the cluster's token in ~/.ray/auth_token or RAY_AUTH_TOKEN") from error
    except (ConnectionError, TimeoutError, RuntimeError, ray.exceptions.RayError) as error:
        if "version" in str(error).lower():  # Ray's own check of this machine against the head
            raise ClusterMismatch(f"this machine and the Ray cluster at {address} differ: "
                                  f"{error}") from error
        raise ConnectionError(f"the Ray cluster at {address} cannot be reached: {error}") \
            from error
    try:
        # On the driver's own node: a lab PC switched off must not take every report with it.
        here = NodeAffinitySchedulingStrategy(ray.get_runtime_context().get_node_id(),
                                              soft=False)
        cluster = Cluster(address, {}, Queue(actor_options={"num_cpus": 0,
                                                            "scheduling_strategy": here}))
        cluster.check_nodes()
    except BaseException:
        ray.shutdown()
        raise
    return cluster


def _check_listening(address: str) -> None:
    """ray.init waits for a head that is not there without end: look first. ("auto", the
    head on this machine, Ray finds or refuses at once.)"""
    if address == "auto":
        return
    host, _, port = address.rpartition(":")
    try:
        socket.create_connection((host, int(port)), timeout=PROBE_SECONDS).close()
    except ValueError:
        raise ConnectionError(f"{address!r} is not a Ray address: give HOST:PORT, "
                              "as ray start --head prints it") from None
    except OSError as error:
        raise ConnectionError(f"the Ray cluster at {address} cannot be reached: nothing "
                              f"answers there ({error.strerror or error})") from None


def _versions(node_id: str) -> dict:
    return ray.get(tasks.node_versions.options(
        scheduling_strategy=NodeAffinitySchedulingStrategy(node_id, soft=False)).remote(),
        timeout=VERSIONS_TIMEOUT_SECONDS)


def _checked(found: dict) -> dict:
    here = tasks.versions_here()
    different = [f"{name} {found.get(name)} (here {version})" for name, version in here.items()
                 if name != "node" and _release(name, found.get(name)) != _release(name, version)]
    if different:
        raise ClusterMismatch(
            f"node {found.get('node')} cannot train the lab's runs as this machine would: it "
            f"has {', '.join(different)}. Install the lab's versions there: "
            "pip install -r requirements.txt -r requirements-ray.txt")
    return found


def _release(name: str, version: str | None):
    """Python must match in major.minor (Ray requires it; the patch level does not change a
    run's numbers); every library exactly."""
    if name == "python" and version:
        return tuple(version.split(".")[:2])
    return version
