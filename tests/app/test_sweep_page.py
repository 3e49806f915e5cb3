"""AppTest of the sweep page: a tiny sweep runs to its chart; a stored sweep shows at once."""

import pytest
from pages_helpers import RUN_TIMEOUT_SECONDS, open_page, page_path, page_text
from streamlit.testing.v1 import AppTest

from mnist_core import data, sweep
from mnist_core.store import Registry

PAGE = page_path("5_Regularization_sweep.py")


@pytest.fixture
def sweep_page():
    return open_page(PAGE).run()


def start_button(app: AppTest):
    return next(button for button in app.button if button.label == "Start the sweep")


def test_the_form_defaults_to_the_assignment_and_estimates_its_time(sweep_page):
    text = page_text(sweep_page)
    assert "15 networks × 40 epochs" in text
    assert not sweep_page.exception


def test_a_bad_factor_range_is_refused_before_anything_trains(sweep_page):
    sweep_page.number_input(key="lmin").set_value(0.0).run()
    sweep_page.radio(key="spacing").set_value("logspace").run()
    assert sweep_page.error and start_button(sweep_page).disabled
    assert Registry().sweeps() == []


def test_a_tiny_sweep_runs_to_its_chart(sweep_page):
    import time

    app = sweep_page
    app.number_input(key="factors").set_value(2)
    app.number_input(key="replicates").set_value(2)
    app.number_input(key="epochs").set_value(1)
    app.radio(key="train").set_value("1,000")
    app.run()
    assert "4 networks × 1 epochs" in page_text(app)
    start_button(app).click().run()
    sweep_id = app.session_state["sweep_id"]
    deadline = time.monotonic() + RUN_TIMEOUT_SECONDS
    while Registry().get_sweep(sweep_id).is_active and time.monotonic() < deadline:
        time.sleep(1)
        app.run()
    app.run()
    assert Registry().get_sweep(sweep_id).state == "done"
    assert not app.exception
    assert "Best factor on the **validation** split" in page_text(app)
    assert len(Registry().sweep_members(sweep_id)) == 4


def test_a_stored_sweep_is_shown_without_training():
    registry = Registry()
    spec = sweep.SweepSpec(hidden_units=(16,), factors=(1e-5, 1e-3), replicates=2, epochs=1,
                           train_size=1000)
    sweep_id = sweep.start(registry, spec, "lecture")
    assert sweep.run(registry, sweep_id, data.load_mnist()).state == "done"

    app = open_page(PAGE).run()

    assert not app.exception
    assert "Best factor on the **validation** split" in page_text(app)
    assert any(sweep_id[:8] in str(option) or "lecture" in str(option)
               for option in app.selectbox(key="sweep_pick").options)
