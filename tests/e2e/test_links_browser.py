"""Every view is a link, in a real browser: the address bar after a change opens the same
settings elsewhere, a link with several settings opens them all, the workspace survives page
switches, and the copy-link button copies the view."""

import urllib.parse

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import open_tab
from tests.e2e.server import FINISHED_RUN

pytestmark = pytest.mark.e2e


def query(url: str) -> dict[str, str]:
    return {name: values[0] for name, values in
            urllib.parse.parse_qs(urllib.parse.urlsplit(url).query).items()}


def slider_value(tab, label: str) -> str:
    slider = tab.get_by_test_id("stSlider").filter(has_text=label)
    return slider.get_by_test_id("stSliderThumbValue").inner_text()


def test_a_copied_address_bar_opens_the_same_epochs_in_a_fresh_browser(browser, app_url):
    student = browser.new_context()
    mlp = open_tab(student, f"{app_url}/MLP?workspace=links")
    epochs = mlp.get_by_role("slider", name="Epochs")
    for value in ("11", "12", "13"):  # one step at a time, each in the address bar before the
        for _ in range(3):  # next; a key the slider missed (it was redrawn) is pressed again
            epochs.focus()
            epochs.press("ArrowRight")
            if slider_value(mlp, "Epochs") == value:
                break
            mlp.wait_for_timeout(1000)
            if slider_value(mlp, "Epochs") == value:
                break
        mlp.wait_for_url(lambda url, value=value: query(url).get("epochs") == value)
    friend = browser.new_context()
    theirs = open_tab(friend, mlp.url)
    assert slider_value(theirs, "Epochs") == "13"
    student.close()
    friend.close()


def test_a_link_with_several_settings_opens_them_all(browser, app_url):
    context = browser.new_context()
    link = (f"{app_url}/MLP?workspace=links&layers=3&units3=128&act=tanh&opt=adam"
            "&lr=0.003&batch=256&epochs=7&train=1%2C000&seed=5")
    tab = open_tab(context, link)
    assert slider_value(tab, "Hidden layers") == "3"
    assert slider_value(tab, "Epochs") == "7"
    expect(tab.get_by_role("spinbutton", name="Layer 3 units")).to_have_value("128")
    expect(tab.get_by_role("spinbutton", name="Seed")).to_have_value("5")
    expect(tab.get_by_role("combobox", name="Activation of the hidden layers")).to_have_value(
        "tanh")
    expect(tab.get_by_role("combobox", name="Optimizer")).to_have_value("adam")
    expect(tab.get_by_role("radio", name="1,000")).to_be_checked()
    expect(tab.get_by_test_id("stException")).to_have_count(0)
    context.close()


def test_a_hostile_link_gives_a_notice_and_the_defaults(browser, app_url):
    context = browser.new_context()
    tab = open_tab(context, f"{app_url}/MLP?workspace=links&epochs=abc&lr=%3Cscript%3E&layers=inf")
    expect(tab.get_by_text("Some settings in this link were ignored")).to_be_visible()
    assert slider_value(tab, "Epochs") == "10"
    assert slider_value(tab, "Hidden layers") == "2"
    expect(tab.get_by_test_id("stException")).to_have_count(0)
    context.close()


def test_switching_pages_keeps_the_workspace_and_copy_link_copies_the_view(browser, app_url):
    context = browser.new_context(permissions=["clipboard-read", "clipboard-write"])
    tab = open_tab(context, f"{app_url}/MLP?workspace=travels&epochs=12")
    sidebar = tab.get_by_test_id("stSidebar")
    sidebar.get_by_role("link", name="CNN").click()
    tab.wait_for_url(lambda url: "/CNN" in url)
    tab.wait_for_selector(FINISHED_RUN)
    assert query(tab.url).get("workspace") == "travels"
    assert "epochs" not in query(tab.url)  # the MLP's epochs stay the MLP's
    sidebar.get_by_role("link", name="MLP").click()
    tab.wait_for_url(lambda url: "/MLP" in url)
    tab.wait_for_selector(FINISHED_RUN)
    assert query(tab.url).get("workspace") == "travels"
    epochs = tab.get_by_role("slider", name="Epochs")
    epochs.focus()
    epochs.press("ArrowLeft")
    tab.wait_for_url(lambda url: query(url).get("epochs") == "9")
    tab.get_by_role("button", name="Copy link to this view").click()
    expect(tab.get_by_role("button", name="Copied: paste it anywhere")).to_be_visible()
    copied = tab.evaluate("navigator.clipboard.readText()")
    assert query(copied) == {"workspace": "travels", "epochs": "9"}
    assert "/MLP" in copied and "key=" not in copied
    context.close()
