"""AppTest of the draw page's look inside a model: the occlusion map for a drawn digit, an
MLP's strongest hidden units (checked by a NumPy forward pass) and a CNN's feature maps."""

import importlib

import numpy as np
import pytest
from pages_helpers import open_page
from test_draw_page import CANVAS_KEY, PAGE, TINY_MODELS, canvas_value, drawn_digit

from mnist_core.drawing import pipeline
from mnist_core.evaluate import inference
from mnist_core.models import kinds, reproduce
from mnist_core.store import Registry

# The module by its path: mnist_core.ui exports its function under the same name.
panel = importlib.import_module("mnist_core.ui.lights_up_panel")
MODEL_CHOICE = panel.MODEL_KEY


@pytest.fixture
def stored_models(lab_home):
    """The draw page's two tiny networks, finished but untrained (the panel only reads them):
    {kind: run id}."""
    registry = Registry(lab_home)
    run_ids = {}
    for workspace, run_config in TINY_MODELS.items():
        run_id = registry.create(config=run_config.to_dict(), model=run_config.model.kind,
                                 workspace=workspace, seed=0, state="done",
                                 command=reproduce.command_line(run_config))
        registry.save_model(run_id, kinds.build(run_config.model, seed=1))
        run_ids[run_config.model.kind] = run_id
    return run_ids


def image_captions(app) -> list[str]:
    """The captions of every st.image on the page, in order."""
    return [image.caption for element in app.get("image") for image in element.proto.imgs]


def numpy_strongest_units(model, digit: np.ndarray, count: int) -> list[int]:
    """The MLP's first layer by NumPy: relu(x·W + b), largest first."""
    dense = next(layer for layer in model.layers if layer.__class__.__name__ == "Dense")
    kernel, bias = dense.get_weights()
    activations = np.maximum(0, digit.reshape(-1).astype(np.float32) / 255 @ kernel + bias)
    return np.argsort(-activations, kind="stable")[:count].tolist()


def test_a_drawing_shows_where_it_matters_and_what_it_excites(stored_models):
    app = open_page(PAGE).run()
    drawing = drawn_digit(1)
    app.session_state[CANVAS_KEY] = canvas_value(drawing)
    app.run()
    assert not app.exception
    assert sorted(app.selectbox(key=MODEL_CHOICE).options) == sorted(
        panel.draw_panels.model_labels("default").values())

    app.selectbox(key=MODEL_CHOICE).set_value(stored_models["mlp"]).run()
    assert not app.exception
    mlp = Registry().load_model(stored_models["mlp"])
    digit = pipeline.prepare(drawing).digit  # as the page prepares the canvas's image
    answer = int(inference.predict(mlp, digit[np.newaxis])[0].argmax())
    headings = [text.value for text in app.markdown]
    assert any(text.startswith(f"**Which strokes made it say {answer}**")
               for text in headings), headings
    assert any("blank 8×8 square, 36 times, 4 pixels apart" in caption.value
               for caption in app.caption)
    shown_units = [int(caption.split()[1].rstrip(":")) for caption in image_captions(app)
                   if caption.startswith("unit ")]
    assert shown_units == numpy_strongest_units(mlp, digit, panel.DESK["units"])

    app.selectbox(key=MODEL_CHOICE).set_value(stored_models["cnn"]).run()
    assert not app.exception
    layer_lines = [text.value for text in app.markdown if "maps of" in text.value]
    assert len(layer_lines) == 1 and "8 maps of 26×26" in layer_lines[0], layer_lines
    assert sum(caption.startswith("map ") for caption in image_captions(app)) == 8
    assert not any(caption.startswith("unit ") for caption in image_captions(app))
