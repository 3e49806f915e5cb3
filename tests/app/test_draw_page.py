"""AppTest of the draw page: no model yet, two models answering a drawn digit, a bad upload."""

import base64
import io
import shutil

import numpy as np
import pytest
from pages_helpers import open_page, page_path, page_text
from PIL import Image

from mnist_core import data
from mnist_core.models import config, reproduce
from mnist_core.models.cnn import CnnConfig, ConvBlock
from mnist_core.store import Registry
from mnist_core.training import runner

PAGE = page_path("4_Draw_a_digit.py")
CANVAS_KEY = "draw_canvas"  # mnist_core/ui/draw_panels.py's canvas
CANVAS_SIDE = 280
DRAWN_LABEL = 1
# Two small networks that name a real MNIST digit with confidence after a second of training.
TINY_MODELS = {
    "default": config.RunConfig(training=config.TrainConfig(
        optimizer="adam", learning_rate=3e-3, epochs=1, train_size=5000)),
    "lecture": config.RunConfig(
        model=CnnConfig(conv_blocks=(ConvBlock(8, 3),), dense_units=(64,)),
        training=config.TrainConfig(optimizer="adam", learning_rate=3e-3, epochs=1,
                                    train_size=5000)),
}


def canvas_value(rgba: np.ndarray) -> dict:
    """What streamlit-drawable-canvas 0.13.0 sends back: Fabric's JSON and a PNG data URL."""
    buffer = io.BytesIO()
    Image.fromarray(rgba, "RGBA").save(buffer, format="PNG")
    encoded = base64.b64encode(buffer.getvalue()).decode("ascii")
    return {"drawing": {"raw": {"objects": []}, "data": f"data:image/png;base64,{encoded}"}}


def drawn_digit(label: int) -> np.ndarray:
    """The first test digit with this label, as the canvas would hold it: (280, 280, 4)."""
    mnist = data.load_mnist()
    digit = mnist.x_test[mnist.y_test == label][0]
    ink = np.asarray(Image.fromarray(digit).resize((CANVAS_SIDE, CANVAS_SIDE),
                                                   Image.Resampling.BILINEAR))
    return np.dstack([ink, ink, ink, np.full_like(ink, 255)])  # white on opaque black


@pytest.fixture(scope="module")
def trained_home(tmp_path_factory):
    """A lab home with one finished MLP (workspace 'default') and one CNN ('lecture')."""
    home = tmp_path_factory.mktemp("two_models")
    registry = Registry(home)
    mnist = data.load_mnist()
    for workspace, run_config in TINY_MODELS.items():
        run_id = registry.create(config=run_config.to_dict(), model=run_config.model.kind,
                                 workspace=workspace, seed=run_config.training.seed,
                                 command=reproduce.command_line(run_config), state="running")
        assert runner.execute(registry, run_id, mnist).state == "done"
    return home


@pytest.fixture
def two_models(trained_home, lab_home):
    """This test's registry holds the two finished models. Request it before `draw_page`."""
    assert not (lab_home / "registry.sqlite").exists(), "copy before the page opens a registry"
    shutil.copytree(trained_home, lab_home, dirs_exist_ok=True)
    return Registry().runs(states=("done",))


@pytest.fixture
def draw_page():
    return open_page(PAGE).run()


def test_without_a_model_the_page_offers_the_fast_cnn(draw_page):
    app = draw_page
    assert not app.exception
    assert "Nothing to classify yet" in page_text(app)
    assert "No trained model" in page_text(app)
    assert any(button.label == "Train the fast CNN" for button in app.button)

    black = np.zeros((CANVAS_SIDE, CANVAS_SIDE, 4), np.uint8)
    black[..., 3] = 255
    app.session_state[CANVAS_KEY] = canvas_value(black)
    app.run()
    assert not app.exception
    assert "Nothing to classify yet: no ink found" in page_text(app)
    assert not app.main.success and not app.main.warning  # no verdict
    assert Registry().runs() == []


def test_two_models_answer_a_drawn_digit_and_score_kept_drawings(two_models, draw_page):
    app = draw_page
    assert len(two_models) == 2
    app.session_state[CANVAS_KEY] = canvas_value(drawn_digit(DRAWN_LABEL))
    app.run()

    assert not app.exception
    assert "Nothing to classify yet" not in page_text(app)
    assert sorted(app.multiselect(key="models").value) == sorted(
        run.run_id for run in two_models)
    verdicts = [box.value for box in [*app.main.success, *app.main.warning]]
    assert len(verdicts) == 2, verdicts
    assert all(verdict.startswith(f"{DRAWN_LABEL} (") for verdict in verdicts), verdicts
    assert len(app.get("vega_lite_chart")) == 2  # one probability chart per model
    assert any(f"first model's answer, **{DRAWN_LABEL}**" in text.value
               for text in app.markdown)

    app.selectbox(key="draw_true_label").set_value(DRAWN_LABEL)
    app.button(key="draw_keep").click().run()
    assert not app.exception
    assert len(app.session_state["draw_examples"]) == 1
    scores = [text.value for text in app.markdown if "of your 1 digits" in text.value]
    assert len(scores) == 2 and all("**100%**" in score for score in scores), scores
    assert app.download_button(key="draw_download").label.startswith("Download your digits")


def test_an_uploaded_non_image_is_refused_with_the_reason(draw_page):
    app = draw_page
    app.segmented_control(key="input").set_value("Upload").run()
    app.file_uploader(key="draw_upload").set_value(
        ("digit.png", b"this is a shopping list, not a picture", "image/png"))
    app.run()
    assert not app.exception
    assert [error.value for error in app.error] == [
        "digit.png: the file is not an image: upload a PNG or JPEG"]
    assert "Nothing to classify yet" in page_text(app)
