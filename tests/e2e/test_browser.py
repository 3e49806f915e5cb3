"""The home and data pages in a real browser: they render, link up and react to clicks."""

import re

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


def test_the_sidebar_menu_names_home_and_switches_pages_in_the_workspace(open_app):
    tab = open_app("Data_and_preprocessing?workspace=menu")
    sidebar = tab.get_by_test_id("stSidebar")
    for label in ["Home", *(lab_page.title for lab_page in ui.PAGES)]:
        expect(sidebar.get_by_role("link", name=label, exact=True)).to_be_visible()
    expect(sidebar.get_by_test_id("stSidebarNav")).to_have_count(0)  # Streamlit's own menu
    expect(sidebar).not_to_contain_text("streamlit app")
    mlp_link = sidebar.get_by_role("link", name="MLP", exact=True)
    expect(mlp_link).to_have_attribute("href", "MLP?workspace=menu")  # a new tab keeps it too

    mlp_link.click()
    expect(tab).to_have_title("MLP · MNIST Lab")
    expect(tab.get_by_role("heading", name="A dense network (MLP)")).to_be_visible()
    expect(tab).to_have_url(re.compile(r"/MLP\?workspace=menu$"))

    sidebar.get_by_role("link", name="Home", exact=True).click()
    expect(tab.get_by_role("heading", name="MNIST Lab")).to_be_visible()
    expect(tab).to_have_url(re.compile(r"/\?workspace=menu$"))


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
