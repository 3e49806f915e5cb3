"""CNN: the assignment's two convolutional nets and a fast one; what they learn, and why."""

import streamlit as st

from mnist_core import ui

st.set_page_config(page_title="CNN · MNIST Lab", page_icon=":material/filter_center_focus:",
                   layout="wide")
workspace = ui.sidebar()

st.title("A convolutional network (CNN)")
st.markdown(
    "A convolutional layer slides small filters over the image instead of wiring every pixel "
    "to every unit, and pooling keeps the strongest response in each 2×2 patch. Pick one of "
    "the assignment's two models, our **Fast** preset (built to pass 99 % test accuracy in a "
    "few epochs on this machine), or design your own."
)
st.caption(
    "Method: the assignment watched the test set while training (and let ReduceLROnPlateau "
    "react to it), so its test accuracy was also its tuning signal. Here the learning-rate "
    "schedule and any choice between models use a separate validation split, and the test "
    "set is scored once at the end."
)

choice, run_config = ui.cnn_settings()
settings_column, summary_column = st.columns([2, 3], gap="large")
with summary_column:
    st.subheader("What this builds")
    buildable = ui.architecture_panel(run_config.model)
with settings_column:
    if buildable:
        st.markdown(f"Estimated training time: {ui.time_estimate(run_config)}.")
        ui.assignment_length_note(choice, run_config)
    ui.train_button(run_config, workspace, enabled=buildable)

st.divider()
run = ui.run_to_show("cnn", run_config)
if run is not None and run.state == "done":
    ui.results_panel(run)
    ui.learned_panel(run)
    ui.conv_vs_dense_panel(run, workspace)
    ui.compare_panel(run, workspace)
ui.cnn_questions(workspace, run)
ui.room_panel(run_config)
