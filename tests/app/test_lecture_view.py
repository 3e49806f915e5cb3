"""Lecture view in AppTest: each page shows the lecture's matching result at once (with its
receipt), or says no lecture run matches; hiding, sharing and trying it in one's workspace."""

import time

import pytest

from mnist_core import sweep
from mnist_core.models import cnn, config, kinds, reproduce
from mnist_core.store import Registry, access, keys, views
from tests.app.pages_helpers import open_page, page_path, page_text
from tests.unit.stored_runs import HISTORY

INSTRUCTOR_KEY = "lecture-view-instructor-key"


def lecture_run(run_config: config.RunConfig, workspace: str = "lecture") -> str:
    """A done run with these settings and an (untrained) model, as the pack stores one."""
    registry = Registry()
    run_id = registry.create(
        config=run_config.to_dict(), model=run_config.model.kind, workspace=workspace,
        seed=run_config.training.seed, command=reproduce.command_line(run_config),
        params=kinds.parameter_count(run_config.model), state="running")
    registry.update(run_id, state="done", finished_at=time.time(), progress=1.0,
                    history=HISTORY, test_loss=0.4, test_accuracy=0.9765, val_accuracy=0.98,
                    seconds=42.0)
    registry.save_model(run_id, kinds.build(run_config.model, seed=0))
    return run_id


def opened(page: str, **query):
    app = open_page(page_path(page))
    app.query_params.update(query)
    return app.run()


@pytest.mark.parametrize("page, run_config", [("2_MLP.py", config.RunConfig()),
                                              ("3_CNN.py", cnn.FAST)])
def test_the_lecture_run_with_the_pages_settings_shows_at_once(page, run_config):
    lecture_run(run_config)
    app = opened(page, view="lecture")
    assert not app.exception
    assert any("The lecture's result, trained" in box.value and "42 s" in box.value
               for box in app.success)
    assert any(code.value == reproduce.command_line(run_config) for code in app.code)
    assert "No lecture run has exactly these settings" not in page_text(app)


@pytest.mark.parametrize("page", ["2_MLP.py", "3_CNN.py"])
def test_settings_no_lecture_run_has_say_so_and_offer_train(page):
    lecture_run(config.RunConfig(training=config.TrainConfig(epochs=3)))  # another MLP
    app = opened(page, view="lecture", epochs="4")
    assert not app.exception
    assert "No lecture run has exactly these settings" in page_text(app)
    assert "Train" in [button.label for button in app.button]  # a student's own machine


def test_a_student_of_another_workspace_sees_the_lecture_run_too():
    lecture_run(config.RunConfig())
    lecture_run(config.RunConfig(), workspace="alice")  # not the lecture's: not shown
    app = opened("2_MLP.py", view="lecture", workspace="bob")
    assert any("The lecture's result" in box.value for box in app.success)


def test_the_lecture_sweep_with_the_forms_settings_shows_at_once():
    spec = sweep.SweepSpec()  # the form's defaults: the assignment's sweep
    registry = Registry()
    sweep_id = sweep.start(registry, spec, "lecture")
    registry.update(sweep_id, state="done", finished_at=time.time(), progress=1.0, seconds=300)
    app = opened("5_Regularization_sweep.py", view="lecture")
    assert not app.exception
    assert any("The lecture's result" in box.value and "5.0 min" in box.value
               for box in app.success)
    quick = opened("5_Regularization_sweep.py", view="lecture", quick="true")
    assert "No lecture sweep has exactly these settings" in page_text(quick)


def test_hidden_controls_are_styled_away_and_only_names_are_taken():
    app = opened("2_MLP.py", view="lecture", hide="epochs,lr,}body{display:none")
    styles = "\n".join(str(element.proto) for element in app.get("html"))
    assert ".st-key-epochs" in styles and ".st-key-lr" in styles
    assert "body{" not in styles.replace(" ", "")
    assert app.slider(key="epochs").value == 10  # hidden, not changed


def test_the_share_panel_builds_the_link_and_a_short_link_opens_it():
    app = opened("2_MLP.py", epochs="7")
    assert "Share this view" in [expander.label for expander in app.sidebar.expander]
    app.sidebar.checkbox(key="share_epochs").check().run()
    link = next(code.value for code in app.sidebar.code if "view=lecture" in code.value)
    assert "epochs=7" in link and "hide=epochs" in link and "key=" not in link
    app.sidebar.button(key="share_short").click().run()
    code = app.session_state["share_code"]
    assert views.load(Registry().home, code)["parameters"]["epochs"] == ["7"]


def test_on_a_class_server_a_student_cannot_share_and_can_try_it_in_their_workspace(
        monkeypatch):
    monkeypatch.setenv("MNIST_LAB_INSTRUCTOR_KEY", INSTRUCTOR_KEY)
    lecture_run(config.RunConfig())
    app = opened("2_MLP.py", view="lecture", epochs="7")
    assert "Share this view" not in [expander.label for expander in app.sidebar.expander]
    assert next(field.value for field in app.sidebar.text_input
                if field.label == "Workspace") == "lecture"  # read-only on the lecture
    assert "Train" not in [button.label for button in app.button]
    app.button(key="lecture_try_it").click().run()
    assert not app.exception
    own = next(field.value for field in app.sidebar.text_input if field.label == "Workspace")
    assert own not in access.RESERVED
    assert keys.has_key(Registry().home, own)
    assert app.slider(key="epochs").value == 7  # the settings came along
    assert "view" not in app.query_params
