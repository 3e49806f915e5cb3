"""Lecture view on a 1920×1080 projector, in a real browser: hidden controls, 1.5× text, a QR
code that still decodes from a screenshot scaled to 25 %, and a short link."""

import time
from pathlib import Path

import cv2
import numpy as np
import pytest
from playwright.sync_api import expect

from mnist_core.store import views
from tests.e2e.conftest import open_tab
from tests.e2e.server import FINISHED_RUN

pytestmark = pytest.mark.e2e

PROJECTOR = {"width": 1920, "height": 1080}


@pytest.fixture
def projector(browser):
    context = browser.new_context(viewport=PROJECTOR)
    yield context
    context.close()


def body_font_pixels(tab) -> float:
    """The MLP page's introduction: body text, in either view (an expander's label is not)."""
    main = tab.get_by_test_id("stMain")
    paragraph = main.get_by_test_id("stMarkdownContainer").locator("p").filter(
        has_text="Every pixel connects").first
    return float(paragraph.evaluate("element => getComputedStyle(element).fontSize")[:-2])


def quarter_size_decode(screenshot: bytes) -> str:
    picture = cv2.imdecode(np.frombuffer(screenshot, np.uint8), cv2.IMREAD_GRAYSCALE)
    quarter = cv2.resize(picture, None, fx=0.25, fy=0.25, interpolation=cv2.INTER_AREA)
    return cv2.QRCodeDetector().detectAndDecode(quarter)[0]


def test_hide_shows_only_the_controls_not_listed(projector, app_url):
    tab = open_tab(projector, f"{app_url}/MLP?view=lecture&hide=lr,batch,seed")
    expect(tab.get_by_role("slider", name="Epochs")).to_be_visible()
    expect(tab.get_by_role("combobox", name="Optimizer")).to_be_visible()
    for hidden in ("lr", "batch", "seed"):
        expect(tab.locator(f".st-key-{hidden}")).to_be_hidden()


def test_lecture_text_is_at_least_one_and_a_half_times_the_normal(projector, app_url):
    normal = body_font_pixels(open_tab(projector, f"{app_url}/MLP"))
    tab = open_tab(projector, f"{app_url}/MLP?view=lecture")
    # The view's stylesheet is an element of the page too: under load the paragraph can be
    # drawn a moment before it applies (CI once measured 16 px in both views).
    deadline = time.monotonic() + 20
    while (lecture := body_font_pixels(tab)) < 1.5 * normal and time.monotonic() < deadline:
        time.sleep(0.25)
    assert lecture >= 1.5 * normal, (normal, lecture)
    sidebar = open_tab(projector, f"{app_url}/MLP?view=lecture").get_by_test_id("stSidebar")
    expect(sidebar).to_have_attribute("data-collapsed", "true")  # collapsed for the room


def test_the_projected_qr_code_decodes_from_a_quarter_size_screenshot(projector, app_url,
                                                                        tmp_path):
    url = f"{app_url}/MLP?view=lecture&epochs=7&hide=lr"
    tab = open_tab(projector, url)
    join = tab.get_by_test_id("stExpander").filter(has_text="Follow on your own screen")
    join.get_by_text("Follow on your own screen: scan this").click()
    code = join.get_by_test_id("stImage").locator("img")
    expect(code).to_be_visible()
    # On the screen as the room sees it: scrolled to, and its picture loaded, not only laid out.
    code.scroll_into_view_if_needed()
    tab.wait_for_function("image => image.complete && image.naturalWidth > 0",
                          arg=code.element_handle())
    box = code.bounding_box()
    assert box["width"] >= 400, box
    # What the room sees once the page has settled: the first rerun adds the workspace to the
    # link and redraws the code, and a rerun dims the page while it runs (CI once caught such
    # a frame). A phone keeps looking too, so a frame from the next 20 s that decodes counts.
    deadline = time.monotonic() + 20
    while not (decoded := quarter_size_decode(shot := tab.screenshot())) \
            and time.monotonic() < deadline:
        time.sleep(0.5)
    if not decoded:
        (tmp_path / "projector.png").write_bytes(shot)
    assert decoded, f"no QR code in the screenshot scaled to 25 % ({tmp_path}), code at {box}"
    assert "view=lecture" in decoded and "epochs=7" in decoded and "hide=lr" in decoded
    assert "key=" not in decoded


def test_a_short_link_opens_the_stored_view(projector, app_url, server_environment):
    code = views.save(Path(server_environment["MNIST_LAB_HOME"]), "MLP",
                      {"epochs": ["7"], "view": ["lecture"]}, None)
    tab = open_tab(projector, f"{app_url}/?v={code}")
    tab.wait_for_url(lambda url: "/MLP" in url and "epochs=7" in url)
    tab.wait_for_selector(FINISHED_RUN)
    slider = tab.get_by_test_id("stSlider").filter(has_text="Epochs")
    expect(slider.get_by_test_id("stSliderThumbValue")).to_have_text("7")
    unknown = open_tab(projector, f"{app_url}/?v=zzzzzz")
    expect(unknown.get_by_text("That short link is not known here")).to_be_visible()
