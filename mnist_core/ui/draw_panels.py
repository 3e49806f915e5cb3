"""The draw page's panels: the pipeline step by step, every model's answer, a personal test set."""

import numpy as np
import streamlit as st

from mnist_core.charts import run_charts
from mnist_core.drawing import personal_set, pipeline, uploads
from mnist_core.evaluate import inference
from mnist_core.models import cnn
from mnist_core.ui import engine, images, keyring, lecture_view, loaders, url_state
from mnist_core.ui.job_panel import submit
from mnist_core.ui.run_list import run_label

MODELS_SHOWN_AT_ONCE = 4
EXAMPLES_KEY = "draw_examples"  # [(digit (28, 28) uint8, label)] kept in this session
CANVAS_SIDE = 280
# On a projector: a canvas the instructor draws on in front of the room, bars the back reads.
LECTURE_CANVAS_SIDE, LECTURE_BARS_HEIGHT = 440, 260
SOURCES = ("Draw", "Upload")
BRUSH_WIDTHS = (6, 40)

# The page's URL parameters (README lists them); the models' ids are checked against the
# workspace's finished runs when the page opens.
SOURCE = url_state.choice("input", SOURCES)
BRUSH = url_state.integer("brush", *BRUSH_WIDTHS)


def drawing_input(workspace: str):
    """The input choice and its canvas or uploader; returns (source, image or None)."""
    models = url_state.choice("models", [model_label(run) for run in finished_models(workspace)],
                              repeated=True)
    url_state.check("draw", (SOURCE, BRUSH, models))
    source = st.segmented_control("Input", SOURCES, default="Draw", **SOURCE.widget) or "Draw"
    return source, canvas_image() if source == "Draw" else uploaded_image()


def canvas_image():
    """The drawing as an RGBA array (white ink on black), or None; with a brush slider."""
    from streamlit_drawable_canvas import st_canvas  # a component: only inside a running app

    brush = st.slider("Brush width", *BRUSH_WIDTHS, 22,
                      help="MNIST strokes are about a tenth of the digit's height.",
                      **BRUSH.widget)
    side = LECTURE_CANVAS_SIDE if lecture_view.is_lecture() else CANVAS_SIDE
    # One key for good: the canvas's own bin clears it in place. A new key would mount a new
    # canvas, and a stroke drawn while it mounts can be lost.
    # The brush scales with the canvas, so a stroke is the same share of the digit.
    result = st_canvas(stroke_width=brush * side // CANVAS_SIDE, stroke_color="#FFFFFF",
                       background_color="#000000",
                       height=side, width=side, drawing_mode="freedraw",
                       return_image_data=True, key="draw_canvas")
    st.caption("Undo, redo and clear (the bin) are in the canvas's toolbar, at its top right.")
    return result.image_data


def uploaded_image():
    """A checked PNG or JPEG from the uploader, or None (with the reason shown)."""
    upload = st.file_uploader("A photo or scan of one digit (PNG or JPEG)", type=["png", "jpg",
                                                                                  "jpeg"],
                              key="draw_upload",
                              max_upload_size=uploads.MAX_UPLOAD_BYTES // 2**20)
    if upload is None:
        return None
    try:
        return uploads.read_upload(upload.getvalue())
    except uploads.UploadError as error:
        st.error(f"{upload.name}: {error}", icon=":material/block:")
        return None


def pipeline_view(prepared: pipeline.Pipeline) -> None:
    """Each step the drawing goes through on its way to the network's 28×28 input."""
    st.image([images.square(_displayable(image)) for _, image in prepared.steps], width=96,
             caption=[title for title, _ in prepared.steps])
    st.caption(
        "Why these steps: MNIST's digits were cropped, scaled to fit a 20×20 box with "
        "smoothing, and centred by their centre of mass in 28×28. Shrinking a thin, "
        "off-centre stroke straight from 280 to 28 pixels gives a faint smudge in the wrong "
        "place, the usual reason demos misread drawn digits.")


def _displayable(image: np.ndarray) -> np.ndarray:
    return image if image.dtype != np.uint8 or image.ndim == 3 else image.astype(np.float32) / 255


def finished_models(workspace: str) -> list:
    """Done runs this workspace sees (its own and the lecture's; never sweep members)."""
    return engine.registry().runs(workspace=workspace, states=("done",))


def model_label(run) -> str:
    """A model as the chooser shows it, and as the link names it: unique by its id's end."""
    return f"{run_label(run)} · {run.run_id[-6:]}"


def model_labels(workspace: str) -> dict[str, str]:
    """Each finished model's label by its run id, newest first."""
    return {run.run_id: model_label(run) for run in finished_models(workspace)}


def predictions_panel(digit: np.ndarray, workspace: str) -> list:
    """Every chosen model's answer, side by side, newest first. Returns their Answers."""
    labels = model_labels(workspace)
    shown = len(labels) if lecture_view.is_lecture() else MODELS_SHOWN_AT_ONCE  # the room: all
    chosen = st.multiselect("Models", list(labels), default=list(labels)[:shown],
                            format_func=labels.get, key="models", bind="query-params")
    answers = inference.predict_each(engine.model_cache(), chosen, digit)
    columns = st.columns(max(1, len(answers)))
    for column, answer in zip(columns, answers, strict=False):
        with column:
            st.markdown(f"**{labels[answer.run_id]}**")
            if answer.error:
                st.error(answer.error)
                continue
            verdict = personal_set.verdict(answer.probabilities)
            (st.warning if verdict.startswith("not sure") else st.success)(verdict)
            st.altair_chart(run_charts.probabilities(
                answer.probabilities, height=LECTURE_BARS_HEIGHT if lecture_view.is_lecture()
                else 110), width="stretch")
    return [answer for answer in answers if answer.error is None]


def same_class_examples(label: int) -> None:
    mnist = loaders.mnist()
    examples = mnist.x_train[mnist.y_train == label][:6]
    st.image(images.grey(examples), width=56,
             caption=[f"MNIST {label}"] * len(examples))


def offer_training(workspace: str) -> None:
    if not keyring.holds(workspace):
        st.info("No trained model in this workspace, or the lecture's, yet.")
        return
    st.info("No trained model in this workspace yet. Train one on the MLP or CNN page, or "
            "start the fast CNN here: it trains in the background in about a minute.")
    if st.button("Train the fast CNN", type="primary", key="draw_train_fast"):
        submit(cnn.FAST, workspace)


def personal_set_panel(digit: np.ndarray | None, answers: list) -> None:
    """Keep drawings with their true label; each model's accuracy on them; download as npz."""
    examples = st.session_state.setdefault(EXAMPLES_KEY, [])
    st.subheader("Your own test set")
    st.caption("The best test of whether a model generalises to *your* handwriting: label "
               "what you draw and watch each model's accuracy on it.")
    label_column, keep_column = st.columns([1, 2])
    label = label_column.selectbox("This drawing is a", range(10), key="draw_true_label")
    if keep_column.button("Keep this drawing as a labelled example", disabled=digit is None,
                          key="draw_keep"):
        examples.append((digit.copy(), int(label)))
    if not examples:
        return
    digits = [example for example, _ in examples]
    truths = [truth for _, truth in examples]
    st.image(images.grey(np.stack(digits)), width=42, caption=[str(truth) for truth in truths])
    registry = engine.registry()
    for answer in answers:
        model = engine.trained_model(answer.run_id)
        predicted = inference.predict(model, np.stack(digits)).argmax(axis=1)
        score = personal_set.accuracy(predicted.tolist(), truths)
        st.markdown(f"- {run_label(registry.get(answer.run_id))}: **{score:.0%}** of your "
                    f"{len(truths)} digits")
    st.download_button("Download your digits (npz, MNIST layout)",
                       data=personal_set.to_npz(digits, truths),
                       file_name="my_digits.npz", key="draw_download")
