"""AppTest of the MLP page: live arithmetic, one tiny run end to end, bad input, page switch."""

import sqlite3

import pytest
from pages_helpers import open_page, page_path, page_text, train_button, wait_until_finished

from mnist_core.store import Registry

PAGE = page_path("2_MLP.py")


@pytest.fixture
def mlp_page():
    """The MLP page at a tiny setting (1 epoch, 1,000 images), in the workspace alice."""
    app = open_page(PAGE)
    app.query_params["workspace"] = "alice"
    app.run()
    app.slider(key="epochs").set_value(1)
    app.radio(key="train").set_value("1,000")
    app.run()
    return app


def test_default_network_shows_its_parameter_arithmetic():
    app = open_page(PAGE).run()
    assert not app.exception
    hand_count = 784 * 64 + 64 + 64 * 64 + 64 + 64 * 10 + 10
    assert f"{hand_count:,}" in page_text(app)
    assert "784·64 + 64 = 50,240" in app.dataframe[0].value.to_string()


def test_changing_a_layer_updates_the_count_without_training():
    app = open_page(PAGE).run()
    app.number_input(key="units1").set_value(100).run()
    assert f"{784 * 100 + 100 + 100 * 64 + 64 + 64 * 10 + 10:,}" in page_text(app)
    assert Registry().runs() == []


def test_a_bad_layer_size_shows_the_reason_and_starts_nothing():
    app = open_page(PAGE).run()
    app.number_input(key="units2").set_value(0).run()
    assert any("at least 1 unit" in error.value for error in app.error)
    assert train_button(app).disabled
    assert Registry().runs() == []


def test_tiny_run_trains_and_shows_results_and_survives_a_page_switch(mlp_page):
    app = mlp_page
    train_button(app).click().run()
    run_id = app.session_state["mlp_run_id"]

    # A second click while the first is queued or running starts nothing.
    train_button(app).click().run()
    assert len(Registry().runs()) == 1

    # Leave and come back: same run, same workspace.
    app.switch_page(page_path("1_Data_and_preprocessing.py")).run()
    app.switch_page(PAGE).run()
    assert app.session_state["mlp_run_id"] == run_id
    assert app.query_params["workspace"] == "alice"

    assert wait_until_finished(app, "mlp_run_id") == "done"
    assert not app.exception
    assert any(metric.label == "Test accuracy" for metric in app.metric)
    assert "The first six test digits" in [header.value for header in app.subheader]
    assert "Confusion matrix" in [header.value for header in app.subheader]
    assert Registry().get(run_id).workspace == "alice"


def test_a_damaged_run_row_is_reported_and_the_page_keeps_working():
    registry = Registry()
    run_id = registry.create(config={}, model="mlp", workspace="default", seed=0,
                             command="python -m mnist_core train mlp", state="running")
    with sqlite3.connect(registry.path) as connection:
        connection.execute("UPDATE runs SET config = '{broken', state = 'done', seconds = 3, "
                           "history = '[{\"epoch\": 1}]' WHERE run_id = ?", (run_id,))
    app = open_page(PAGE).run()
    assert not app.exception
    assert any("not valid JSON" in warning.value for warning in app.sidebar.warning)
    hand_count = 784 * 64 + 64 + 64 * 64 + 64 + 64 * 10 + 10
    assert f"{hand_count:,}" in page_text(app)
