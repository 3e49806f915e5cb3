"""The engine as the server holds it: one registry, one lazy worker pool, a few loaded models,
and whether it serves a class."""

import os

import streamlit as st

from mnist_core import jobs, store
from mnist_core.evaluate import inference, results
from mnist_core.store import Registry, access, keys
from mnist_core.ui import loaders, server_tuning

REPAIR_NOTICE = "lab_repair_notice"  # what this session was told about a repaired index

RESULTS_KEPT = 8  # test-set answers of this many models stay in server memory


@st.cache_resource
def registry() -> Registry:
    """Opened once per server; runs whose process died with a previous server (a power loss,
    say) are marked interrupted at once, before any page lists them as running."""
    opened = Registry()
    opened.mark_interrupted(jobs.is_process_alive)
    return opened


INSTRUCTOR_KEY_VARIABLE = "MNIST_LAB_INSTRUCTOR_KEY"
MIN_INSTRUCTOR_KEY = 8  # characters: scrypt slows guessing, it cannot save a short key


def instructor_key() -> str | None:
    """The configured instructor key: the environment first, then .streamlit/secrets.toml."""
    if key := os.environ.get(INSTRUCTOR_KEY_VARIABLE):
        return key
    try:
        return st.secrets.get("instructor_key") or None
    except FileNotFoundError:  # no secrets file at all
        return None


@st.cache_resource
def _class_home_prepared() -> bool:
    """Once per server: a configured instructor key becomes the lecture workspace's key,
    which makes the lab home a class home (store.access)."""
    key = instructor_key()
    if key is None:
        return False
    if len(key) < MIN_INSTRUCTOR_KEY:
        raise ValueError(f"the instructor key must be at least {MIN_INSTRUCTOR_KEY} characters")
    keys.set_instructor_key(registry().home, key)
    return True


def is_class_server() -> bool:
    """A class server: an instructor key is configured, or this home already is a class's
    (removing the key from the configuration does not open every workspace)."""
    serves_a_class = _class_home_prepared() or access.is_class_home(registry().home)
    if serves_a_class:
        server_tuning.tuned_for_a_class()
    return serves_a_class


def ensure_index() -> None:
    """Before a page reads runs: a damaged or lost index is rebuilt from the run files, and
    this session is told what happened. Stops the page when a live run forbids the repair."""
    try:
        registry().check_index()
        return
    except store.IndexDamaged as damage:
        what = "missing" if damage.reason == store.MISSING_INDEX else f"damaged ({damage.reason})"
    except store.RepairRefused:  # opening rebuilt a missing index, and could not
        what = "missing"
    try:
        report = store.repair(store.lab_home(), jobs.is_process_alive, only_if_damaged=True)
    except store.RepairRefused as refusal:
        st.error(f"The run index is {what} and cannot be rebuilt yet: {refusal}",
                 icon=":material/build:")
        st.stop()
    registry.clear()  # opened afresh on the rebuilt index
    if report is None:  # another session repaired it a moment ago
        return
    kept = f" The old file was kept as `{report.moved_aside}`." if report.moved_aside else ""
    skipped = f" {len(report.skipped)} damaged run files were skipped." if report.skipped else ""
    st.session_state[REPAIR_NOTICE] = (
        f"The run index was {what} and has been rebuilt from the run files (runs and sweeps "
        f"recovered: {report.recovered}).{kept}{skipped}")


@st.cache_resource
def worker_pool() -> jobs.WorkerPool:
    """Created on first use; its worker processes start only when a job is submitted."""
    return jobs.WorkerPool(registry())


@st.cache_resource
def model_cache() -> inference.ModelCache:
    """Loaded models shared by every session. The server predicts while workers train, so
    its own TensorFlow keeps to one thread (benchmarks/predict.py)."""
    inference.limit_threads()
    return inference.ModelCache(registry())


def model_version(run_id: str) -> float:
    """The model file's modification time: a cache key that changes when the file does."""
    path = registry().model_path(run_id)
    return path.stat().st_mtime if path.exists() else 0.0


def trained_model(run_id: str):
    """Raises registry.RunError for a missing or damaged file, for this run only."""
    return model_cache().get(run_id)


@st.cache_resource(max_entries=RESULTS_KEPT, show_spinner="Running the model on the test set…")
def test_results(run_id: str, version: float) -> results.TestResults:
    mnist = loaders.mnist()
    return results.evaluate(trained_model(run_id), mnist.x_test, mnist.y_test)
