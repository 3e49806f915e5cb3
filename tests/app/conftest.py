"""AppTest fixtures: every test starts with empty Streamlit caches and ends with no workers."""

import functools

import pytest
import streamlit as st
from streamlit.components.v2 import manifest_scanner

# Every AppTest starts a runtime that scans all installed distributions for custom components
# (about 1 s of each page run here). The installed packages do not change during a test run,
# so one scan serves them all.
manifest_scanner.scan_component_manifests = functools.cache(
    manifest_scanner.scan_component_manifests)


@pytest.fixture(autouse=True)
def empty_streamlit_caches():
    """st.cache_* outlive an AppTest within one process; a test must not see another's data."""
    st.cache_data.clear()
    st.cache_resource.clear()
    yield
    from mnist_core.ui import engine

    engine.worker_pool().shutdown()  # worker processes a test started must not outlive it
    st.cache_data.clear()
    st.cache_resource.clear()
