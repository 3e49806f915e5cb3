"""The draw page's occlusion map in a real browser, in lecture view on a projector: a 7 drawn
with the mouse gets its map, red where covering the strokes costs the answer, and the fast
CNN's feature maps beside it.

With MNIST_LAB_SCREENSHOTS=DIR the panel's screenshot is kept as DIR/draw_occlusion.png
(docs/screenshots holds the README's).
"""

import io
import os
import re
import shutil
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from playwright.sync_api import expect

from tests.e2e.conftest import open_tab
from tests.e2e.test_draw_browser import draw

pytestmark = pytest.mark.e2e

PROJECTOR = {"width": 1920, "height": 1080}
LECTURE_CANVAS_SIDE = 440  # mnist_core/ui/draw_panels.py: LECTURE_CANVAS_SIDE
# A 7 in one stroke, in canvas pixels: along the top, then down to the left. It starts left
# of the canvas toolbar, which covers the top-right corner.
SEVEN = ([(110 + 12 * step, 90) for step in range(18)]
         + [(314 - 7 * step, 90 + 14 * step) for step in range(1, 20)])
RED_PIXELS = 50  # at least this many clearly red screen pixels: the map shows a drop


@pytest.fixture
def projector(browser):
    context = browser.new_context(viewport=PROJECTOR)
    yield context
    context.close()


def keep_screenshot(tab, panel, path: Path) -> None:
    """The panel from its heading down, whole, without Streamlit's header over its top."""
    tab.add_style_tag(content="[data-testid='stHeader'] { display: none; }")
    tab.set_viewport_size({"width": PROJECTOR["width"], "height": 1600})  # the panel fits
    tab.wait_for_function("() => [...document.images].every("
                          "image => image.complete && image.naturalWidth > 0)")
    heading = tab.get_by_role("heading", name="What your drawing lights up")
    heading.evaluate("element => element.scrollIntoView()")
    top, bottom = heading.bounding_box(), panel.bounding_box()
    tab.screenshot(path=path, clip={"x": 0, "y": max(0, top["y"] - 16),
                                    "width": PROJECTOR["width"],
                                    "height": bottom["y"] + bottom["height"] - top["y"] + 32})
    tab.set_viewport_size(PROJECTOR)
    if kept := os.environ.get("MNIST_LAB_SCREENSHOTS"):
        shutil.copy(path, Path(kept) / path.name)


def test_a_drawn_seven_gets_its_occlusion_map_at_projector_size(fast_cnn, projector, app_url,
                                                                 tmp_path):
    tab = open_tab(projector, f"{app_url}/Draw_a_digit?workspace=insight&view=lecture")
    expect(tab.get_by_text("Nothing to classify yet")).to_be_visible()
    expect(tab.locator("canvas.upper-canvas")).to_have_attribute(
        "width", str(LECTURE_CANVAS_SIDE))

    draw(tab, SEVEN)
    heading = tab.get_by_text(re.compile(r"^Which strokes made it say \d")).first
    expect(heading).to_be_visible()
    panel = tab.get_by_test_id("stHorizontalBlock").filter(has=heading).last
    # The fast CNN's two conv layers, each named as code above its maps.
    expect(panel.locator("code").filter(has_text=re.compile(r"^conv2d"))).to_have_count(2)
    expect(panel.get_by_test_id("stImageCaption").filter(has_text="map ")).to_have_count(8)
    expect(tab.get_by_test_id("stException")).to_have_count(0)

    keep_screenshot(tab, panel, tmp_path / "draw_occlusion.png")  # first: a failure's too
    occlusion_image = panel.get_by_test_id("stImage").first
    shot = np.asarray(Image.open(io.BytesIO(occlusion_image.screenshot())).convert("RGB"),
                      dtype=np.int16)
    assert shot.shape[1] >= 28 * 18  # the projector's size: 18 screen pixels a digit pixel
    red = (shot[..., 0] - shot[..., 2] > 80).sum()
    assert red >= RED_PIXELS, f"the map shows no drop: {red} red pixels"
