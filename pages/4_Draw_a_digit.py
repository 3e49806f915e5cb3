"""Draw a digit: the 28×28 image the network gets, every trained model's answer, and what the
drawing lights up inside one of them, live."""

import streamlit as st

from mnist_core import ui
from mnist_core.drawing import pipeline

st.set_page_config(page_title="Draw a digit · MNIST Lab", page_icon=":material/draw:",
                   layout="wide")
workspace = ui.sidebar()

st.title("Draw a digit")
st.markdown(
    "Draw with the mouse (or a finger), or upload a photo of a handwritten digit. Every model "
    "you trained answers as you draw. Below the canvas you see exactly what the networks "
    "see: the same preparation MNIST's own digits went through."
)

draw_column, pipeline_column = st.columns([2, 3], gap="large")
with draw_column:
    source, image = ui.drawing_input(workspace)
prepared = pipeline.prepare(image)
with pipeline_column:
    st.subheader("What the network sees")
    if image is None and source == "Upload":
        st.info("Nothing to classify yet: upload a photo or scan of one digit.",
                icon=":material/upload:")
    elif prepared.is_empty:
        st.info(f"Nothing to classify yet: {prepared.reason}.", icon=":material/gesture:")
    else:
        ui.pipeline_view(prepared)

st.subheader("Every model's answer")
answers = []
if not ui.finished_models(workspace):
    ui.offer_training(workspace)
    if "cnn_run_id" in st.session_state:
        ui.job_panel("cnn")
elif not prepared.is_empty:
    answers = ui.predictions_panel(prepared.digit, workspace)
    if answers:
        top = int(answers[0].probabilities.argmax())
        st.markdown(f"Real MNIST digits of the first model's answer, **{top}**, for comparison:")
        ui.same_class_examples(top)
        ui.lights_up_panel(prepared.digit, answers, workspace)
ui.personal_set_panel(None if prepared.is_empty else prepared.digit, answers)
