"""AppTest of the data page: every section renders, and each control changes what it shows."""

import math

import numpy as np
import pytest
from pages_helpers import open_page
from streamlit.testing.v1 import AppTest

from mnist_core import data

PAGE = "pages/1_Data_and_preprocessing.py"


@pytest.fixture(scope="module")
def mnist() -> data.Mnist:
    """The same data the page loads, read independently of its cache."""
    return data.load_mnist()


@pytest.fixture
def data_page() -> AppTest:
    app = open_page(PAGE).run()
    assert not app.exception
    return app


def grid_captions(app: AppTest) -> list[str]:
    return app.image[0].captions


def page_text(app: AppTest) -> str:
    """All prose on the page, with line breaks and indents folded into single spaces."""
    blocks = [*app.markdown, *app.caption, *app.subheader]
    return " ".join(" ".join(block.value for block in blocks).split())


def test_every_section_renders_from_the_live_data(data_page, mnist):
    headers = [header.value for header in data_page.header]
    assert headers == ["The digits", "One digit, up close", "How many of each digit",
                       "Step 1: pixels to float32 in [0, 1]", "The average digit",
                       "Step 2: labels to one-hot vectors"]
    assert len(data_page.get("vega_lite_chart")) == 5  # heatmap, classes, 2 histograms, one-hot
    text = page_text(data_page)
    counts = np.bincount(mnist.y_train, minlength=10)
    assert f"{counts.argmax()} ({counts.max():,} images)" in text
    never_inked = int(sum((mnist.x_train[:, row, column] == 0).all()
                          for row in range(28) for column in range(28)))
    assert f"{never_inked} of the 784 pixels" in text
    megabytes = mnist.x_train.size / 1e6  # one byte per uint8 pixel, four per float32
    assert f"{megabytes:,.1f} MB to {4 * megabytes:,.1f} MB" in text


def test_start_index_moves_the_grid(data_page, mnist):
    assert grid_captions(data_page)[0] == f"#0: label {mnist.y_train[0]}"

    data_page.number_input(key="start").set_value(100).run()

    captions = grid_captions(data_page)
    last = 100 + len(captions) - 1
    assert captions[0] == f"#100: label {mnist.y_train[100]}"
    assert captions[-1] == f"#{last}: label {mnist.y_train[last]}"


def test_test_split_shows_test_labels(data_page, mnist):
    data_page.button_group(key="split").set_value("test").run()

    assert grid_captions(data_page)[0] == f"#0: label {mnist.y_test[0]}"


def test_one_digit_shows_only_that_digit(data_page):
    data_page.button_group(key="show").set_value("one digit").run()
    data_page.button_group(key="digit").set_value(7).run()

    assert all(caption.endswith("label 7") for caption in grid_captions(data_page))


def test_one_digit_too_late_in_the_split_explains_instead_of_crashing(data_page, mnist):
    data_page.button_group(key="show").set_value("one digit").run()
    last_start = len(mnist.y_train) - len(grid_captions(data_page))
    data_page.number_input(key="start").set_value(last_start).run()
    data_page.button_group(key="digit").set_value(int(mnist.y_train[-1])).run()

    assert not data_page.exception
    assert "choose an earlier start index" in data_page.error[0].value


def test_random_digits_follow_the_seed(data_page):
    data_page.button_group(key="show").set_value("random").run()
    first_draw = grid_captions(data_page)
    data_page.number_input(key="seed").set_value(1).run()
    second_draw = grid_captions(data_page)
    data_page.number_input(key="seed").set_value(0).run()

    assert second_draw != first_draw
    assert grid_captions(data_page) == first_draw


def test_scaling_toggle_shows_the_float32_values(data_page):
    assert "`uint8`, 0 to" in page_text(data_page)

    data_page.button_group(key="data_stage").set_value("after scaling").run()

    assert "`float32`, 0 to 1" in page_text(data_page)


def test_inspecting_another_digit_changes_the_heatmap(data_page):
    before = data_page.get("vega_lite_chart")[0].proto
    data_page.selectbox(key="data_inspect").set_value(3).run()
    after = data_page.get("vega_lite_chart")[0].proto

    assert (after.spec, after.datasets) != (before.spec, before.datasets)


def test_loss_slider_gives_minus_log_of_the_true_probability(data_page):
    data_page.slider(key="data_true_probability").set_value(0.25).run()

    text = page_text(data_page)
    assert f"L = {-math.log(0.25):.3f}" in text
    assert f"starts near L = {-math.log(0.1):.3f}" in text
