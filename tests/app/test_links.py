"""Every view is a link: each page's settings come from its URL and stay there, and stale or
hostile values fall back to the defaults with a notice naming them, never an exception."""

import math

import pytest

from mnist_core.store import Registry
from tests.app.pages_helpers import open_page, page_path
from tests.unit.stored_runs import add_finished_run, small_model

# page -> links, each {parameter: (URL value, the widget's value it must give)}. Together
# they cover every bound setting (a conditional widget needs the setting that shows it).
LINKS = {
    "2_MLP.py": [{
        "layers": ("6", 6), **{f"units{index}": (str(10 * index + 5), 10 * index + 5)
                               for index in range(1, 7)},
        "act": ("tanh", "tanh"), "l2": ("0.0001", 0.0001), "dropout": ("0.25", 0.25),
        "opt": ("adam", "adam"), "lr": ("0.003", 0.003), "batch": ("256", 256),
        "epochs": ("7", 7), "train": ("1,000", "1,000"), "seed": ("5", 5)}],
    "3_CNN.py": [
        {"net": ("Assignment model 2", "assignment2"), "augment": ("true", True),
         "epochs": ("4", 4), "train": ("10,000", "10,000"), "seed": ("9", 9)},
        {"net": ("Custom", "custom"), "blocks": ("4", 4),
         **{f"filters{index}": (str(8 * index), 8 * index) for index in range(1, 5)},
         **{f"kernel{index}": ("5", 5) for index in range(1, 5)},
         "bn": ("false", False), "padding": ("same", "same"), "dense": ("64", 64),
         "dropout": ("0.5", 0.5), "opt": ("sgd", "sgd"), "lr": ("0.01", 0.01),
         "schedule": ("constant", "constant"), "batch": ("64", 64)}],
    "5_Regularization_sweep.py": [
        {"hidden": ("64, 32", "64, 32"), "spacing": ("logspace", "logspace"),
         "lmin": ("1e-05", 1e-05), "lmax": ("0.01", 0.01), "factors": ("3", 3),
         "replicates": ("2", 2), "epochs": ("12", 12), "train": ("1,000", "1,000"),
         "lr": ("0.05", 0.05), "batch": ("64", 64)},
        {"quick": ("true", True)}],
    "1_Data_and_preprocessing.py": [
        {"split": ("test", "test"), "show": ("one digit", "one digit"), "start": ("20", 20),
         "digit": ("7", 7)},
        {"show": ("random", "random"), "seed": ("3", 3)}],
    "4_Draw_a_digit.py": [{"input": ("Upload", "Upload")}, {"brush": ("30", 30)}],
}
HOSTILE = ["abc", "nan", "inf", "-1e999", "99999999999", "<script>alert(1)</script>",
           "x" * 10_240]
# A value a parameter may legitimately hold: 'hidden' is free text (checked by the sweep form).
ACCEPTED = {("hidden", "abc"), ("hidden", "nan"), ("hidden", "inf"), ("hidden", "-1e999"),
            ("hidden", "99999999999"), ("hidden", "<script>alert(1)</script>")}


def widget_values(app) -> dict:
    """Every keyed widget's value on the page, by key (its URL parameter's name)."""
    found = {}
    for kind in ("slider", "number_input", "selectbox", "radio", "select_slider", "toggle",
                 "checkbox", "text_input", "multiselect", "button_group"):
        for widget in app.get(kind):
            if getattr(widget, "key", None):
                found[widget.key] = widget.value
    return found


def opened(page: str, query: dict):
    app = open_page(page_path(page))
    app.query_params.update(query)
    return app.run()


def link_notices(app) -> str:
    return "\n".join(warning.value for warning in app.warning
                     if warning.value.startswith("Some settings in this link"))


@pytest.mark.parametrize("page, link", [(page, link) for page, links in LINKS.items()
                                        for link in links])
def test_a_link_opens_its_settings_and_keeps_them_in_the_url(page, link):
    app = opened(page, {name: raw for name, (raw, _) in link.items()})
    assert not app.exception
    values = widget_values(app)
    for name, (raw, expected) in link.items():
        assert values.get(name) == pytest.approx(expected) if isinstance(expected, float) \
            else values.get(name) == expected, (name, values.get(name))
        assert app.query_params.get(name) == raw, name  # still in the URL, as given
    assert not link_notices(app)


def hostile_links(targets: list[str]) -> list[dict[str, str]]:
    """Links that give each target a hostile value, rotating through HOSTILE so that every
    kind of hostile value reaches the page at least once, in as few page runs as that takes
    (each parameter's checks, kind by kind, are unit-tested in tests/unit/ui)."""
    runs = math.ceil(len(HOSTILE) / len(targets))
    return [{name: HOSTILE[(run * len(targets) + index) % len(HOSTILE)]
             for index, name in enumerate(targets)} for run in range(runs)]


@pytest.mark.parametrize("page, link", [(page, link) for page, links in LINKS.items()
                                        for link in links])
def test_hostile_values_fall_back_to_the_defaults_with_a_notice(page, link):
    # The settings that make the others' widgets appear stay valid, unless they are the test.
    shows = {name: raw for name, (raw, _) in link.items()
             if name in ("net", "show", "input", "quick")}
    targets = [name for name in link if name not in shows] or list(link)
    shows = {name: raw for name, raw in shows.items() if name not in targets}
    defaults = widget_values(opened(page, shows))
    for hostile in hostile_links(targets):
        app = opened(page, {**shows, **hostile})
        assert not app.exception, hostile
        notice = link_notices(app)
        values = widget_values(app)
        for name, raw in hostile.items():
            if (name, raw) in ACCEPTED:
                continue
            assert f"`{name}` (" in notice, (name, raw[:20], notice)
            assert name not in app.query_params, name  # out of the URL too
            if name in defaults:
                assert values.get(name) == defaults[name], (name, raw[:20], values.get(name))
        assert "<script>" not in notice and "x" * 300 not in notice  # values are never echoed


def test_an_unknown_parameter_is_named_and_removed_and_an_unreadable_one_is_not_echoed():
    app = opened("2_MLP.py", {"filters1": "8", "<b>bold</b>": "1", "workspace": "w1"})
    notice = link_notices(app)
    assert "`filters1` (not a setting of this page)" in notice
    assert "<b>" not in notice and "a parameter (not a setting of this page)" in notice
    assert "filters1" not in app.query_params
    assert app.query_params["workspace"] == "w1"


def test_a_setting_changed_on_one_page_does_not_reach_another_pages_widget_of_that_name():
    app = opened("2_MLP.py", {"epochs": "7", "train": "1,000"})
    app.slider(key="epochs").set_value(9).run()
    app.switch_page(page_path("3_CNN.py")).run()
    assert not app.exception
    assert app.number_input(key="epochs").value == 3  # the fast CNN's own default
    assert app.radio(key="train").value == "all"


def test_the_draw_pages_model_choice_is_in_its_link():
    from tests.app.test_draw_page import CANVAS_KEY, canvas_value, drawn_digit

    registry = Registry()
    older = add_finished_run(registry, "default", model=small_model())
    add_finished_run(registry, "default", model=small_model(1))
    probe = opened("4_Draw_a_digit.py", {})
    probe.session_state[CANVAS_KEY] = canvas_value(drawn_digit(1))
    probe.run()
    label = next(option for option in probe.multiselect(key="models").options
                 if option.endswith(older[-6:]))
    app = open_page(page_path("4_Draw_a_digit.py"))
    app.query_params["models"] = [label]
    app.run()
    app.session_state[CANVAS_KEY] = canvas_value(drawn_digit(1))
    app.run()
    assert not app.exception
    assert app.multiselect(key="models").value == [older]
    stale = opened("4_Draw_a_digit.py", {"models": "MLP 8 · 87.65% · 10:00 · gone00"})
    assert "`models` (not one of the offered options)" in link_notices(stale)


def test_a_sweep_link_with_bad_hidden_layers_says_so_without_echoing_it():
    app = opened("5_Regularization_sweep.py", {"hidden": "[click](http://example.com)"})
    assert not app.exception
    errors = "\n".join(error.value for error in app.error)
    assert "Hidden layers" in errors and "example.com" not in errors
