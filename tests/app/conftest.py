"""AppTest fixtures: every test starts with empty Streamlit caches and ends with no workers."""

import pytest
import streamlit as st


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
