"""Home page of MNIST Lab: what the lab is, its pages, and the data it runs on."""

import streamlit as st

from mnist_core import ui
from mnist_core.data import explore

st.set_page_config(page_title="MNIST Lab", page_icon=":material/draw:")
ui.sidebar()
mnist = ui.mnist()
height, width = mnist.x_train.shape[1:]

st.title("MNIST Lab")
st.write(
    "A hands-on companion to the Keras MNIST assignment: classify handwritten digits with "
    "neural networks, one step per page, always on the real data. Each page explains its step "
    "in a few sentences, right next to the digits, numbers or network it is about."
)

st.header("Pages")
for page in ui.PAGES:
    st.page_link(page.path, label=page.title, icon=page.icon, query_params=ui.view_params())
    st.caption(page.teaches)

st.header("The data")
st.write(
    f"{explore.source_summary(mnist)}. Each image is {height}×{width} grey levels, and each "
    f"label is the digit the writer meant, {mnist.y_train.min()} to {mnist.y_train.max()}. "
    f"Loaded from {mnist.source}."
)
