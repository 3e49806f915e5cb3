"""The data page's browsing controls: which split, which digits, from where (all in the URL)."""

import numpy as np
import streamlit as st

from mnist_core import data
from mnist_core.data import explore
from mnist_core.ui import url_state

DIGITS_SHOWN = 14
SPLITS = ("train", "test")
MODES = ("in order", "one digit", "random")

SPLIT = url_state.choice("split", SPLITS)
MODE = url_state.choice("show", MODES)
SEED = url_state.integer("seed", 0, 2**31 - 1)
DIGIT = url_state.choice("digit", range(10))


def _start(length: int) -> url_state.Param:
    return url_state.integer("start", 0, length - DIGITS_SHOWN)


def digit_browser(mnist: data.Mnist) -> tuple[np.ndarray, np.ndarray, list[int]]:
    """Draw the controls; return the split's images and labels and the indices shown."""
    # The start index's range is the chosen split's: read the split the link asks for first.
    asked = st.query_params.get("split")
    length = len(mnist.y_test if asked == "test" else mnist.y_train)
    url_state.check("data", (SPLIT, MODE, SEED, _start(length), DIGIT))
    split = st.segmented_control("Split", SPLITS, default="train", required=True,
                                 **SPLIT.widget)
    images, labels = (mnist.x_train, mnist.y_train) if split == "train" else (mnist.x_test,
                                                                               mnist.y_test)
    how = st.segmented_control("Show", MODES, default="in order", required=True, **MODE.widget)
    if how == "random":
        seed = st.number_input("Seed (the same seed draws the same digits)", 0, 2**31 - 1, 0,
                               **SEED.widget)
        return images, labels, explore.random_indices(len(labels), DIGITS_SHOWN, seed).tolist()
    last = len(labels) - DIGITS_SHOWN
    start = st.number_input(f"Start at index (0 to {last:,})", 0, last, 0,
                            **_start(len(labels)).widget)
    if how == "in order":
        return images, labels, explore.first_indices(len(labels), start, DIGITS_SHOWN).tolist()
    digit = st.segmented_control("Digit", range(10), default=0, required=True, **DIGIT.widget)
    try:
        return images, labels, explore.class_indices(labels, digit, DIGITS_SHOWN, start).tolist()
    except ValueError as error:
        st.error(f"{error}: choose an earlier start index.")
        st.stop()
