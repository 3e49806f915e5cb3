"""The home and data pages in a real browser: they render, link up and react to clicks."""

import pytest
from playwright.sync_api import expect

from mnist_core import data, ui

pytestmark = pytest.mark.e2e

DIGIT_GRID_SIZE = 14  # pages/1_Data_and_preprocessing.py: DIGITS_SHOWN
ZOOMED_DIGIT_PIXELS = 28 * 4  # and DISPLAY_ZOOM


@pytest.fixture(scope="module")
def first_caption():
    """The caption the grid starts with: the first training image's index and label."""
    return f"#0: label {data.load_mnist().y_train[0]}"


def test_home_lists_every_page_and_the_data_source(open_app):
    home = open_app()

    expect(home.get_by_role("heading", name="MNIST Lab")).to_be_visible()
    for lab_page in ui.PAGES:
        expect(home.get_by_role("link", name=lab_page.title).first).to_be_visible()
    expect(home.get_by_test_id("stSidebarUserContent")).to_contain_text("train /")
    expect(home.get_by_test_id("stException")).to_have_count(0)


def test_data_page_shows_the_digit_grid_and_charts(open_app, first_caption):
    data_page = open_app("Data_and_preprocessing")

    grid_captions = data_page.get_by_test_id("stImageCaption").filter(has_text="label")
    expect(grid_captions).to_have_count(DIGIT_GRID_SIZE)
    expect(grid_captions.first).to_have_text(first_caption)
    first_digit = data_page.locator("[data-testid='stImage'] img").first
    first_digit.evaluate("image => image.decode()")  # waits until the media server sent it
    assert first_digit.evaluate("image => image.naturalWidth") == ZOOMED_DIGIT_PIXELS
    expect(data_page.get_by_test_id("stVegaLiteChart")).to_have_count(5)
    expect(data_page.get_by_test_id("stException")).to_have_count(0)


def test_random_button_draws_other_digits(open_app, first_caption):
    data_page = open_app("Data_and_preprocessing")
    caption = data_page.get_by_test_id("stImageCaption").first
    expect(caption).to_have_text(first_caption)

    data_page.get_by_role("radio", name="random").click()

    expect(caption).not_to_have_text(first_caption)
    expect(data_page.get_by_label("Seed (the same seed draws the same digits)")).to_be_visible()
