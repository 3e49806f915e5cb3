"""AppTest fixtures: every test starts with empty Streamlit caches and ends with no workers."""

import functools

import pytest
import streamlit as st
from streamlit.components.v2 import manifest_scanner
from streamlit.runtime.media_file_manager import MediaFileManager

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


@pytest.fixture
def deferred_downloads(monkeypatch) -> dict:
    """File name -> the callable a download button defers to its click: AppTest serves no
    downloads, so the test calls it as Streamlit would."""
    deferred = {}
    register = MediaFileManager.add_deferred

    def remember(self, data_callable, mimetype, coordinates, file_name=None, **options):
        deferred[file_name] = data_callable
        return register(self, data_callable, mimetype, coordinates, file_name, **options)

    monkeypatch.setattr(MediaFileManager, "add_deferred", remember)
    return deferred
