"""The dispatcher: the process (started by jobs.WorkerPool in place of local workers) that
connects to the cluster, claims jobs from the fair queue as the cluster has CPUs for them and
trains each there, writing epochs and ends to the registry as a local worker does.

A process of its own because Ray ends a driver whose cluster went away: the server must
not go with it. The pool then marks its runs interrupted and starts a new dispatcher, which
says the cluster is unreachable (store.cluster_status) and claims nothing until it is back.
"""

import os
import threading
import time
import traceback

from mnist_core import data, jobs, sweep
from mnist_core.cluster.connection import ClusterMismatch, connect
from mnist_core.cluster.jobs import CPUS_PER_RUN, Mailroom, RayExecutor, train_run
from mnist_core.store import IndexDamaged, Registry, cluster_status
from mnist_core.store.cluster_status import CONNECTED, MISMATCH, UNREACHABLE, ClusterStatus

POLL_SECONDS = 0.25
RECONNECT_SECONDS = 5.0
STATUS_SECONDS = 5.0  # how often a connected dispatcher says so again (nodes come and go)


def dispatcher_main(home: str, parent_pid: int, address: str) -> None:
    """Connect (again and again while the cluster is not there), then dispatch. Anything
    that goes wrong while connected ends this process: the pool marks its runs interrupted
    and starts a new dispatcher, which connects afresh."""
    registry = Registry(home)
    mnist = data.load_mnist()
    while os.getppid() == parent_pid:
        try:
            cluster = connect(address)
        except ConnectionError as error:  # ClusterMismatch too
            state = MISMATCH if isinstance(error, ClusterMismatch) else UNREACHABLE
            cluster_status.write(registry.home, ClusterStatus(state, address, str(error)))
            time.sleep(RECONNECT_SECONDS)
            continue
        try:
            _dispatch(registry, cluster, mnist, parent_pid)
        except Exception as error:  # a node with other versions joined, the cluster stopped
            traceback.print_exc()  # answering, the report queue was lost...
            state = MISMATCH if isinstance(error, ClusterMismatch) else UNREACHABLE
            cluster_status.write(registry.home, ClusterStatus(state, address, str(error)))
        return  # Ray ends this driver's tasks with it


def _dispatch(registry: Registry, cluster, mnist: data.Mnist, parent_pid: int) -> None:
    """Claim and train while connected; return when the parent is gone. Each job trains in
    a thread of its own, so one dispatcher follows as many jobs as the cluster has CPUs: a
    run takes one, a sweep a node's worth (each of its stacks asks for a whole node)."""
    mailroom = Mailroom(cluster)
    cluster.mnist(mnist)  # once, before the jobs' threads share it
    training: dict[threading.Thread, int] = {}  # each job's thread and the CPUs it takes
    said = 0.0
    while os.getppid() == parent_pid:
        if mailroom.lost:
            raise ConnectionError(mailroom.lost)
        cluster.check_nodes()
        cpus = cluster.cpus
        if time.monotonic() - said >= STATUS_SECONDS:
            said = time.monotonic()
            cluster_status.write(registry.home, ClusterStatus(
                CONNECTED, cluster.address, nodes=cluster.node_addresses(), cpus=cpus))
        training = {thread: taken for thread, taken in training.items() if thread.is_alive()}
        while sum(training.values()) + CPUS_PER_RUN <= cpus:
            try:
                run = jobs.claim_next(registry, os.getpid())
            except IndexDamaged:  # the server repairs it: wait, do not die
                run = None
            if run is None:
                break
            thread = threading.Thread(target=_train, daemon=True,
                                      args=(registry, run, cluster, mailroom, mnist))
            thread.start()
            training[thread] = cluster.cpus_per_node if run.kind == "sweep" else CPUS_PER_RUN
        time.sleep(POLL_SECONDS)


def _train(registry, run, cluster, mailroom, mnist) -> None:
    try:
        if run.kind == "sweep":  # one job, as with local workers; its stacks spread out
            sweep.run(registry, run.run_id, mnist,
                      executor=RayExecutor(cluster, mailroom, mnist, run.run_id))
        else:
            train_run(registry, run.run_id, cluster, mailroom, mnist)
    except Exception:  # e.g. its row was deleted mid-run: the other jobs go on
        traceback.print_exc()
