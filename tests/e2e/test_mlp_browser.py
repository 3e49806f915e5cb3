"""The MLP page in a real browser: a tiny run starts, its curves appear, and it finishes."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e

RUN_FINISHES_MILLISECONDS = 180_000  # a worker process imports TensorFlow before training


def test_tiny_mlp_run_shows_curves_and_results(open_app):
    mlp = open_app("MLP?workspace=browser")
    expect(mlp.get_by_text("55,050").first).to_be_visible()

    mlp.get_by_test_id("stRadio").get_by_text("1,000", exact=True).click()
    epochs = mlp.get_by_role("slider", name="Epochs")
    epochs.focus()
    epochs.press("Home")  # the slider's minimum: one epoch
    expect(mlp.get_by_test_id("stSlider").filter(has_text="Epochs")).to_contain_text("1")
    mlp.get_by_role("button", name="Train").click()

    expect(mlp.get_by_text("finished 1 epochs")).to_be_visible(timeout=RUN_FINISHES_MILLISECONDS)
    expect(mlp.get_by_text("Test accuracy")).to_be_visible()
    expect(mlp.get_by_role("heading", name="Confusion matrix")).to_be_visible()
    assert mlp.get_by_test_id("stVegaLiteChart").count() >= 3  # curves, bars, confusion
    expect(mlp.get_by_test_id("stException")).to_have_count(0)

    # The replay: Play at the last epoch starts over, the timer steps to the end and stops.
    expect(mlp.get_by_role("heading", name="Replay: how it learned")).to_be_visible()
    epoch = mlp.get_by_test_id("stMetric").filter(
        has=mlp.get_by_test_id("stMetricLabel").get_by_text("Epoch", exact=True)).get_by_test_id(
        "stMetricValue")
    expect(epoch).to_have_text("1")
    mlp.get_by_test_id("stCheckbox").filter(has_text="Play").click()  # the switch's label
    expect(epoch).to_have_text("0")
    expect(epoch).to_have_text("1", timeout=10_000)
    expect(mlp.get_by_role("switch", name="Play")).not_to_be_checked(timeout=10_000)
    expect(mlp.get_by_test_id("stException")).to_have_count(0)
