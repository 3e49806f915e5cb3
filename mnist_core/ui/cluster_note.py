"""Where queued jobs train, when that is a Ray cluster: the dispatcher's last word on it
(store.cluster_status), so a student whose run waits knows why. Reads a file, never Ray."""

import time

import streamlit as st

from mnist_core.jobs import executors
from mnist_core.store import cluster_status
from mnist_core.store.processes import is_process_alive
from mnist_core.ui import engine


def cluster_note() -> None:
    """Nothing on a server that trains its own jobs; else whether the cluster is there."""
    executor = engine.worker_pool().executor
    if executor.name != executors.RAY:
        return
    status = cluster_status.read(engine.registry().home)
    if status is None or status.address != executor.address or (
            status.connected and not is_process_alive(status.pid)):  # its writer is gone
        st.caption(f":material/hub: Connecting to the Ray cluster at {executor.address}…")
    elif status.connected:
        st.caption(f":material/hub: Trains on the Ray cluster at {status.address}: "
                   f"{len(status.nodes)} node(s), {status.cpus} CPUs.")
    else:
        since = time.strftime("%H:%M", time.localtime(status.since))
        until = ("until the machines' versions match (the instructor installs the lab's "
                 "versions there)" if status.state == cluster_status.MISMATCH
                 else "and start when it is back")
        st.warning(f"Training waits for the Ray cluster, since {since}: {status.message}. "
                   f"Queued jobs stay queued {until}; nothing is lost.",
                   icon=":material/cloud_off:")


def trained_on(versions: dict) -> str:
    """' on node ADDRESS' for a run a cluster node trained, else nothing."""
    node = versions.get("node")
    return f" on node {node}" if node else ""
