"""AppTest of the CNN page: presets and their arithmetic, bad configs, a tiny fast-preset run."""

import pytest
from pages_helpers import open_page, page_path, page_text, train_button, wait_until_finished

from mnist_core import data
from mnist_core.models import config, reproduce
from mnist_core.store import Registry
from mnist_core.training import runner

PAGE = page_path("3_CNN.py")


@pytest.fixture
def cnn_page():
    return open_page(PAGE).run()


def test_assignment_model_1_shows_its_hand_computed_parameters(cnn_page):
    cnn_page.segmented_control(key="net").set_value("assignment1").run()
    by_hand = (5 * 5 * 1 * 20 + 20) + (5 * 5 * 20 * 40 + 40) + (4 * 4 * 40 * 100 + 100) \
        + (100 * 10 + 10)
    assert by_hand == 85_670
    assert f"{by_hand:,}" in page_text(cnn_page)
    assert "60 epochs" in page_text(cnn_page)


def test_a_kernel_larger_than_its_feature_map_is_refused_before_training(cnn_page):
    cnn_page.segmented_control(key="net").set_value("custom").run()
    cnn_page.slider(key="blocks").set_value(3).run()
    cnn_page.number_input(key="kernel3").set_value(9).run()
    assert any("larger than" in error.value for error in cnn_page.error)
    assert train_button(cnn_page).disabled
    cnn_page.number_input(key="kernel3").set_value(3).run()
    cnn_page.number_input(key="filters1").set_value(0).run()
    assert any("filters in conv block 1" in error.value for error in cnn_page.error)
    assert Registry().runs() == []


def train_tiny_mlp(workspace: str) -> None:
    """A finished MLP run in the registry, for the conv-vs-dense comparison."""
    run_config = config.RunConfig(training=config.TrainConfig(epochs=1, train_size=1000))
    registry = Registry()
    run_id = registry.create(config=run_config.to_dict(), model="mlp", workspace=workspace,
                             seed=0, command=reproduce.command_line(run_config),
                             state="running")
    assert runner.execute(registry, run_id, data.load_mnist()).state == "done"


def test_fast_preset_trains_and_shows_filters_maps_and_the_shift_test(cnn_page):
    """In bfloat16, which the run's config, its command and its results all say."""
    app = cnn_page
    train_tiny_mlp("default")
    app.number_input(key="epochs").set_value(1)
    app.radio(key="train").set_value("1,000")
    app.toggle(key="bf16").set_value(True)
    app.run()
    train_button(app).click().run()

    assert wait_until_finished(app, "cnn_run_id") == "done"
    assert not app.exception
    run = Registry().get(app.session_state["cnn_run_id"])
    assert run.precision == "mixed_bfloat16" and "--precision mixed_bfloat16" in run.command
    assert any(caption.value.startswith("Arithmetic: bfloat16 products, float32 weights")
               for caption in app.caption)
    headers = [header.value for header in app.subheader]
    for expected in ("What the first conv layer looks for",
                     "Feature maps: what each conv layer passes on", "Confusion matrix",
                     "Conv vs dense, measured"):
        assert expected in headers
    assert any("conv2d" in text.value for text in app.markdown)  # a feature-map row per layer
    assert any("Shifting" in text.value for text in app.markdown)  # the shift test ran
