"""MLP: build a dense network, train it live, and see what it learned."""

import streamlit as st

from mnist_core import ui

st.set_page_config(page_title="MLP · MNIST Lab", page_icon=":material/hub:", layout="wide")
workspace = ui.sidebar()

st.title("A dense network (MLP)")
defaults = ui.MLP_DEFAULTS.training
st.markdown(
    "Every pixel connects to every unit of the first hidden layer, every unit of that layer "
    "to every unit of the next, and so on to one output per digit. The defaults are the "
    f"assignment's network: {ui.mlp_default_shape()}, trained with "
    f"{defaults.optimizer.upper()} at learning rate {defaults.learning_rate:g} in batches of "
    f"{defaults.batch_size} for {defaults.epochs} epochs. Change something and press **Train**."
)

settings, summary = st.columns([2, 3], gap="large")
with settings:
    run_config = ui.mlp_settings()
with summary:
    st.subheader("What this builds")
    buildable = ui.architecture_panel(run_config.model)
    if buildable:
        st.caption(f"Estimated training time: {ui.time_estimate(run_config)}.")

ui.train_button(run_config, workspace, enabled=buildable)

st.divider()
run = ui.run_to_show("mlp", run_config)
if run is not None and run.state == "done":
    ui.results_panel(run)
    ui.compare_panel(run, workspace)
ui.mlp_questions(workspace, run)
ui.room_panel(run_config)
