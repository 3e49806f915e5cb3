"""Each kind of URL parameter against each kind of hostile value, without a page: which values
it refuses and the reason it gives (the pages' AppTests check the notice and the fallback)."""

import pytest

from mnist_core.ui import url_state
from mnist_core.ui.url_state import _problem

HOSTILE = {"abc": "abc", "nan": "nan", "inf": "inf", "-inf": "-1e999", "huge": "99999999999",
           "script": "<script>alert(1)</script>", "10KB": "x" * 10_240}
PARAMS = {
    "integer": url_state.integer("epochs", 1, 50),
    "number": url_state.number("l2", 0.0, 1.0),
    "choice": url_state.choice("opt", ("sgd", "adam")),
    "formatted choice": url_state.choice("lr", (0.1, 0.01), format_func=lambda rate: f"{rate:g}"),
    "flag": url_state.flag("augment"),
    "text": url_state.text("hidden", 40),
}
# The reason each kind gives for each hostile value; a text parameter takes short free text.
REASONS = {
    "integer": {"abc": "not a whole number", "nan": "not a whole number",
                "inf": "not a whole number", "-inf": "not a whole number",
                "huge": "out of range: 1 to 50", "script": "not a whole number"},
    "number": {"abc": "not a number", "nan": "not a finite number", "inf": "not a finite number",
               "-inf": "not a finite number", "huge": "out of range: 0 to 1",
               "script": "not a number"},
    **{kind: dict.fromkeys(("abc", "nan", "inf", "-inf", "huge", "script"),
                           "not one of the offered options")
       for kind in ("choice", "formatted choice", "flag")},
    "text": dict.fromkeys(("abc", "nan", "inf", "-inf", "huge", "script")),
}


@pytest.mark.parametrize("hostile", HOSTILE)
@pytest.mark.parametrize("kind", PARAMS)
def test_each_kind_refuses_each_hostile_value_with_its_reason(kind, hostile):
    expected = REASONS[kind].get(hostile, "longer than 200 characters")
    assert _problem(PARAMS[kind], HOSTILE[hostile]) == expected


@pytest.mark.parametrize("kind, good", [("integer", "50"), ("number", "1e-4"), ("choice", "adam"),
                                        ("formatted choice", "0.01"), ("flag", "false"),
                                        ("text", "64, 32")])
def test_each_kind_takes_a_value_its_widget_can_hold(kind, good):
    assert _problem(PARAMS[kind], good) is None


def test_the_length_limit_comes_before_parsing():
    assert _problem(PARAMS["integer"], "1" * 201) == "longer than 200 characters"
    assert _problem(PARAMS["integer"], "0" * 199 + "7") is None  # long but within the limit
