"""Cached loaders: MNIST once per process, and the data page's costly summaries of it."""

import numpy as np
import streamlit as st

from mnist_core import data
from mnist_core.data import explore


@st.cache_resource(show_spinner="Loading MNIST…")
def mnist() -> data.Mnist:
    """MNIST from the first source that works, shared by every session: read-only."""
    loaded = data.load_mnist()
    for array in (loaded.x_train, loaded.y_train, loaded.x_test, loaded.y_test):
        array.flags.writeable = False  # shared by all users: a write would be a bug
    return loaded


@st.cache_data(show_spinner="Scaling the training images…")
def scaling_comparison() -> dict:
    """explore.scaling_comparison of the training images (scaling 47M pixels takes a second)."""
    return explore.scaling_comparison(mnist().x_train)


@st.cache_data(show_spinner=False)
def class_means() -> np.ndarray:
    """(10, 28, 28) mean training image of each digit, in grey levels 0..255."""
    return explore.class_means(mnist().x_train, mnist().y_train)
