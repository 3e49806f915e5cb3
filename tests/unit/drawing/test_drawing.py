"""Synthetic drawings through the pipeline, checked with plain NumPy."""

import numpy as np
import pytest
from PIL import Image, ImageDraw

from mnist_core.drawing import pipeline


def ink_image(size: int, draw) -> np.ndarray:
    """White strokes on black, (size, size) uint8; `draw(ImageDraw)` makes the strokes."""
    image = Image.new("L", (size, size))
    draw(ImageDraw.Draw(image))
    return np.asarray(image)


def on_canvas(ink: np.ndarray) -> np.ndarray:
    """As the drawing canvas returns it: RGBA, white strokes on a transparent background."""
    rgba = np.zeros((*ink.shape, 4), np.uint8)
    rgba[..., :3] = 255
    rgba[..., 3] = ink
    return rgba


def nine(left: int, top: int, height: int):
    """A '9' about height×(0.6·height) px at (left, top), its stroke a tenth of its height."""
    width, stroke = round(0.6 * height), max(1, height // 10)

    def draw(canvas: ImageDraw.ImageDraw):
        canvas.ellipse((left, top, left + width, top + height // 2), outline=255, width=stroke)
        canvas.line((left + width - stroke // 2, top + height // 4, left + width // 3,
                     top + height), fill=255, width=stroke)
    return draw


def centre_of_mass(image: np.ndarray) -> tuple[float, float]:
    rows, columns = np.indices(image.shape)
    total = image.sum(dtype=np.float64)
    return (rows * image).sum() / total, (columns * image).sum() / total


def ink_box(image: np.ndarray) -> tuple[int, int]:
    rows, columns = np.nonzero(image)
    return rows.max() - rows.min() + 1, columns.max() - columns.min() + 1


@pytest.mark.parametrize("box, expected_size", [
    ((30, 40, 90, 190), (20, 8)),  # 60 wide, 150 tall: 20 tall, 60·20/150 = 8 wide
    ((100, 200, 260, 240), (5, 20)),  # 160 wide, 40 tall: 20 wide, 5 tall
])
def test_a_rectangle_fits_20_px_and_is_centred_by_mass(box, expected_size):
    rectangle = ink_image(280, lambda canvas: canvas.rectangle(box, fill=255))

    prepared = pipeline.prepare(on_canvas(rectangle))

    assert prepared.digit.shape == (28, 28) and prepared.digit.dtype == np.uint8
    assert ink_box(prepared.digit) == expected_size
    row, column = centre_of_mass(prepared.digit)
    assert abs(row - 14) <= 0.5 and abs(column - 14) <= 0.5, (row, column)
    left, top, right, bottom = box
    area = (right - left + 1) * (bottom - top + 1)
    assert area - 4 <= prepared.ink_pixels <= area  # the speck filter may round off corners


def test_digits_of_any_size_and_place_are_centred_by_mass_within_half_a_pixel():
    for height in range(40, 260, 13):
        for left, top in ((5, 5), (280 - height, 0), (100, 280 - height)):
            digit = pipeline.prepare(ink_image(280, nine(left, top, height))).digit

            row, column = centre_of_mass(digit)
            assert abs(row - 14) <= 0.5 and abs(column - 14) <= 0.5, (height, row, column)


def test_every_step_is_an_image_with_a_title():
    prepared = pipeline.prepare(on_canvas(ink_image(280, nine(60, 30, 220))))

    titles = [title for title, _ in prepared.steps]
    assert titles[0] == "input" and titles[-1] == "centred by mass in 28×28"
    assert len(titles) == 5 and not prepared.is_empty and prepared.reason is None
    assert all(image.dtype == np.uint8 and image.ndim in (2, 3) for _, image in prepared.steps)
    assert prepared.steps[-1][1] is prepared.digit


def test_small_in_a_corner_and_large_in_the_middle_give_nearly_the_same_digit():
    large = pipeline.prepare(on_canvas(ink_image(280, nine(70, 20, 240))))
    small = pipeline.prepare(on_canvas(ink_image(280, nine(4, 6, 60))))

    difference = np.abs(large.digit.astype(int) - small.digit.astype(int))
    assert difference.mean() < 8, difference.mean()  # of 255; a 1-px shift gives about 17
    assert np.corrcoef(large.digit.ravel(), small.digit.ravel())[0, 1] > 0.9


# (100, 15): a dim photo, where the paper comes out darker than mid-grey.
@pytest.mark.parametrize("paper, ink_level", [(255, 0), (215, 40), (100, 15)])
def test_dark_ink_on_light_paper_gives_the_same_digit_as_white_on_black(paper, ink_level):
    white_on_black = ink_image(280, nine(60, 30, 220))
    coverage = white_on_black / 255
    paper_grey = np.rint(paper - coverage * (paper - ink_level)).astype(np.uint8)
    photo = np.repeat(paper_grey[..., np.newaxis], 3, axis=2)  # an RGB scan

    reference = pipeline.prepare(white_on_black)
    scanned = pipeline.prepare(photo)

    assert scanned.inverted and not reference.inverted
    assert "inverted" in scanned.steps[1][0]
    assert np.abs(scanned.digit.astype(int) - reference.digit.astype(int)).max() <= 2


def test_chalk_on_a_grey_board_is_not_inverted():
    white_on_black = ink_image(280, nine(60, 30, 220))
    board = np.rint(110 + white_on_black / 255 * (235 - 110)).astype(np.uint8)

    chalk = pipeline.prepare(board)

    assert not chalk.inverted
    reference = pipeline.prepare(white_on_black)
    assert np.abs(chalk.digit.astype(int) - reference.digit.astype(int)).max() <= 2


def test_an_opaque_black_canvas_a_pil_image_and_an_array_agree():
    ink = ink_image(280, nine(60, 30, 220))
    opaque = on_canvas(ink)
    opaque[..., :3] = ink[..., np.newaxis]
    opaque[..., 3] = 255

    from_canvas = pipeline.prepare(on_canvas(ink)).digit
    np.testing.assert_array_equal(pipeline.prepare(opaque).digit, from_canvas)
    np.testing.assert_array_equal(pipeline.prepare(Image.fromarray(on_canvas(ink))).digit,
                                  from_canvas)
    np.testing.assert_array_equal(pipeline.prepare(Image.fromarray(ink)).digit, from_canvas)


def stray_pixels(count: int) -> np.ndarray:
    canvas = np.zeros((280, 280, 4), np.uint8)
    rows, columns = np.random.default_rng(0).integers(0, 280, size=(2, count))
    canvas[rows, columns] = 255
    return canvas


@pytest.mark.parametrize("image", [
    None,
    np.zeros((280, 280, 4), np.uint8),  # a cleared canvas
    np.full((280, 280, 4), [0, 0, 0, 255], np.uint8),  # an opaque black one
    np.full((300, 400, 3), 230, np.uint8),  # blank paper
    np.zeros((0, 0), np.uint8),
    stray_pixels(40),
    np.pad(np.full((2, 2), 255, np.uint8), 13),  # 4 pixels on a 28×28 image
], ids=["none", "cleared", "opaque-black", "paper", "zero-size", "stray-pixels", "tiny-dot"])
def test_blank_input_and_stray_pixels_give_an_empty_result(image):
    prepared = pipeline.prepare(image)

    assert prepared.is_empty and prepared.digit is None
    assert "draw a digit" in prepared.reason
    assert isinstance(prepared.ink_pixels, int) and prepared.ink_pixels < 10


def test_stray_pixels_beside_a_digit_do_not_move_it():
    ink = ink_image(280, nine(60, 30, 220))
    speckled = on_canvas(ink) | stray_pixels(40)
    clean = pipeline.prepare(on_canvas(ink)).digit
    with_specks = pipeline.prepare(speckled).digit

    # Specks inside the digit's box stay, but after shrinking 11× they are a grey level or two.
    assert np.abs(with_specks.astype(int) - clean.astype(int)).max() <= 3
    assert ink_box(with_specks) == ink_box(clean)


def test_faint_pencil_is_stretched_to_full_ink():
    faint = (ink_image(280, nine(60, 30, 220)) // 3).astype(np.uint8)  # at most 85

    prepared = pipeline.prepare(faint)

    assert prepared.digit.max() == 255


@pytest.mark.parametrize("image, named", [
    (np.zeros((28, 28), np.float32), "float32"),
    (np.zeros((28, 28, 2), np.uint8), "(28, 28, 2)"),
])
def test_an_array_that_is_not_an_image_is_rejected_by_name(image, named):
    with pytest.raises(pipeline.DrawingError, match=named.replace("(", r"\(").replace(")", r"\)")):
        pipeline.prepare(image)
