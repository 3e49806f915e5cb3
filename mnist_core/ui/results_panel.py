"""What a finished run learned and where it fails; shared by the MLP and CNN pages."""

import numpy as np
import streamlit as st

from mnist_core.charts import run_charts
from mnist_core.evaluate import results
from mnist_core.models import kinds
from mnist_core.store import Run, RunError
from mnist_core.ui import engine, images, loaders
from mnist_core.ui.downloads import download_buttons
from mnist_core.ui.notebook_download import notebook_download
from mnist_core.ui.replay_panel import replay_panel

SAMPLES_SHOWN = 6  # the assignment shows the first six test digits
MISTAKES_SHOWN = 12
CELL_DIGITS_SHOWN = 24
UNITS_SHOWN = 16
PRECISION_LABELS = {"float32": "float32",
                    "mixed_bfloat16": "bfloat16 products, float32 weights (mixed precision)"}


def results_panel(run: Run) -> None:
    """Test metrics, sample predictions, mistakes, confusion matrix, weights, comparison."""
    try:
        version = engine.model_version(run.run_id)
        model = engine.trained_model(run.run_id)
        outcome = engine.test_results(run.run_id, version)
    except RunError as error:
        st.error(str(error))
        return
    x_test = loaders.mnist().x_test
    _headline(run, outcome)
    replay_panel(run)
    st.subheader("The first six test digits")
    _predictions(x_test, outcome, np.arange(SAMPLES_SHOWN))
    st.subheader("Most confident mistakes")
    st.caption("Wrong answers the network was surest of: often badly written digits, sometimes "
               "a wrong label, sometimes a real weakness of the model.")
    mistakes = results.confident_mistakes(outcome, MISTAKES_SHOWN)
    st.image(images.grey(x_test[mistakes]), width=72, caption=[
        f"true {outcome.labels[index]}, said {outcome.predicted[index]} "
        f"({outcome.probabilities[index].max():.0%})" for index in mistakes])
    _confusion(x_test, outcome, run.run_id)
    if kinds.get(run.model).shows_first_layer_weights:
        _first_layer(model)
    _downloads(run)


def _headline(run: Run, outcome: results.TestResults) -> None:
    columns = st.columns(4)
    columns[0].metric("Test accuracy", f"{outcome.accuracy:.2%}")
    columns[1].metric("Test loss", f"{run.test_loss:.4f}" if run.test_loss is not None else "–")
    columns[2].metric("Validation accuracy",
                      f"{run.val_accuracy:.2%}" if run.val_accuracy is not None else "–")
    columns[3].metric("Parameters", f"{run.params:,}" if run.params else "–")
    st.caption(f"Arithmetic: {PRECISION_LABELS.get(run.precision, run.precision)}. "
               "Settings were chosen by watching the validation split; the test set is "
               "looked at once, here, so its accuracy is an honest estimate for new digits. "
               "(The assignment validated on the test set, which lets test digits leak into "
               "the choices.)")


def _predictions(digits, outcome: results.TestResults, indices) -> None:
    for column, index in zip(st.columns(len(indices)), indices, strict=True):
        predicted, true = int(outcome.predicted[index]), int(outcome.labels[index])
        column.image(images.grey(digits[index:index + 1])[0], width=84)
        verdict = ":material/check:" if predicted == true else ":material/close:"
        column.markdown(f"{verdict} said **{predicted}**, true {true}")
        column.altair_chart(run_charts.probabilities(outcome.probabilities[index], true),
                            width="stretch")


def _confusion(digits, outcome: results.TestResults, run_id: str) -> None:
    st.subheader("Confusion matrix")
    chart, detail = st.columns([3, 2])
    with chart:
        event = st.altair_chart(run_charts.confusion(outcome.confusion), on_select="rerun",
                                key=f"confusion_{run_id}")
    picked = event.selection.get(run_charts.CONFUSION_SELECTION) if event else None
    with detail:
        st.markdown("Rows are the true digits, columns the network's answers: the diagonal is "
                    "right, everything else is a confusion. **Click a cell** to see its digits.")
        if picked:
            true, predicted = int(picked[0]["true"]), int(picked[0]["predicted"])
            members = results.cell_members(outcome, true, predicted)
            st.markdown(f"{len(members)} test images of a **{true}** called **{predicted}**:")
            if len(members):
                st.image(images.grey(digits[members[:CELL_DIGITS_SHOWN]]), width=56)


def _first_layer(model) -> None:
    st.subheader("What the first hidden layer looks for")
    weights = results.first_layer_images(model)[:UNITS_SHOWN]
    st.caption("Each image is one unit's 784 incoming weights laid out as 28×28: red pixels "
               "push the unit up when ink is there, blue pixels push it down.")
    st.image([images.diverging(unit) for unit in weights], width=72,
             caption=[f"unit {number}" for number in range(1, len(weights) + 1)])


def _downloads(run: Run) -> None:
    st.subheader("Take it with you")
    download_buttons(run, "results", ("Download the model (.keras)",
                                      "Download the curves (CSV)"))
    notebook_download(run)
    st.markdown("Train the same run again from a terminal:")
    st.code(run.command, language="bash", wrap_lines=True)
