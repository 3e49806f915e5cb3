"""AppTest fixtures: every test starts with empty Streamlit caches."""

import pytest
import streamlit as st


@pytest.fixture(autouse=True)
def empty_streamlit_caches():
    """st.cache_* outlive an AppTest within one process; a test must not see another's data."""
    st.cache_data.clear()
    st.cache_resource.clear()
    yield
    st.cache_data.clear()
    st.cache_resource.clear()
