"""The draw page in a real browser: a mouse-drawn stroke reads as 1, and a loop as 0."""

import math
import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e

CANVAS_SIDE = 280  # mnist_core/ui/draw_panels.py: CANVAS_SIDE
CENTRE = CANVAS_SIDE / 2
# The canvas component's toolbar lies over the canvas's top-right corner (x above about 139,
# y below about 30): a press there never reaches the canvas, so every stroke starts elsewhere.
ONE = [(CENTRE, 45 + 10 * step) for step in range(20)]  # top to bottom, 190 px tall
LOOP_POINTS = 30
LOOP_HALF_WIDTH, LOOP_HALF_HEIGHT = 70, 105


def tall_loop() -> list[tuple[float, float]]:
    """An ellipse, as a hand draws a 0: from just left of the top, anticlockwise, closed."""
    start = -0.05  # of a turn: left of the toolbar
    turns = [start - step / LOOP_POINTS for step in range(LOOP_POINTS + 1)]
    return [(CENTRE + LOOP_HALF_WIDTH * math.sin(2 * math.pi * turn),
             CENTRE - LOOP_HALF_HEIGHT * math.cos(2 * math.pi * turn)) for turn in turns]


def draw(page, points: list[tuple[float, float]]) -> None:
    """One stroke with the mouse, through `points` in canvas pixels."""
    # Fabric.js stacks two canvases: the upper one takes the mouse, the lower one keeps ink.
    box = page.locator("canvas.upper-canvas").bounding_box()
    page.mouse.move(box["x"] + points[0][0], box["y"] + points[0][1])
    page.mouse.down()
    for x, y in points[1:]:
        page.mouse.move(box["x"] + x, box["y"] + y, steps=4)
    page.mouse.up()


def verdicts(page):
    """Each model's answer box: a success ('7 (98%)') or a warning ('not sure: 4 or 9?')."""
    main = page.get_by_test_id("stMain")
    return main.get_by_test_id("stAlertContentSuccess").or_(
        main.get_by_test_id("stAlertContentWarning"))


def test_a_drawn_stroke_reads_as_1_and_a_loop_as_0(fast_cnn, open_app):
    draw_page = open_app("Draw_a_digit?workspace=draw")  # sees the lecture's fast CNN only
    expect(draw_page.get_by_text("Nothing to classify yet")).to_be_visible()

    draw(draw_page, ONE)
    expect(verdicts(draw_page)).to_have_count(1)
    expect(verdicts(draw_page)).to_have_text(re.compile(r"^1 \(\d+%\)$"))
    expect(draw_page.get_by_test_id("stImageCaption").filter(has_text="centred by mass")) \
        .to_be_visible()

    draw_page.get_by_role("button", name="Reset canvas & history").click()  # the toolbar's bin
    expect(verdicts(draw_page)).to_have_count(0)
    expect(draw_page.get_by_text("Nothing to classify yet")).to_be_visible()

    draw(draw_page, tall_loop())
    expect(verdicts(draw_page)).to_have_text(re.compile(r"^0 \(\d+%\)$"))
    expect(draw_page.get_by_test_id("stException")).to_have_count(0)
