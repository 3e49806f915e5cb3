"""A drawn or photographed digit -> a 28×28 MNIST-style digit, keeping every step to show.

MNIST's recipe: fit the digit's ink into a 20×20 box with antialiasing, keep its aspect ratio,
then place it in a 28×28 field so that its centre of mass is at the field's centre.
"""

import dataclasses

import numpy as np
from PIL import Image

FIELD_SIDE = 28
BOX_SIDE = 20
# In row and column indices. Measured on MNIST's test digits: mean centre of mass 13.99, 14.00.
CENTRE = 14.0
INK_THRESHOLD = 64  # of 255, once the background is 0: fainter pixels are shadow or noise
MIN_CONTRAST = 48  # ink must stand out from the background by this much, or there is none
MIN_INK_PIXELS = 10
MIN_INK_FRACTION = 0.001  # of the image: a few stray pixels are not a digit
BORDER_FRACTION = 0.05  # the frame whose median brightness is taken as the background
# Lone specks are dropped before the bounding box is taken, but not on images this small:
# there a 1-pixel stroke is real ink.
SPECK_FILTER_MIN_SIDE = 2 * FIELD_SIDE
EMPTY_REASON = "no ink found: draw a digit"


class DrawingError(ValueError):
    """An input that is not an image array the pipeline understands."""


@dataclasses.dataclass(frozen=True)
class Pipeline:
    """Every step as (title, image) for a page to show, and the digit a model gets."""

    steps: list[tuple[str, np.ndarray]]
    digit: np.ndarray | None  # (28, 28) uint8, white ink on black; None when nothing was drawn
    ink_pixels: int
    inverted: bool = False  # dark ink on light paper was turned into white on black
    reason: str | None = None  # why digit is None, ready to show

    @property
    def is_empty(self) -> bool:
        return self.digit is None


def prepare(image) -> Pipeline:
    """Run the whole pipeline on an RGBA, RGB or grey array or PIL image (None counts as blank).

    Blank or near-blank input gives `digit=None` and a `reason`; it never raises for that.
    Raises DrawingError for an array of the wrong dtype or shape.
    """
    if image is None:
        return Pipeline(steps=[], digit=None, ink_pixels=0, reason=EMPTY_REASON)
    pixels = as_array(image)
    ink, inverted = to_ink(pixels)
    steps = [("input", pixels),
             ("ink, white on black" + (" (inverted from dark on light)" if inverted else ""), ink)]
    mask = ink_mask(ink)
    ink_pixels = int(mask.sum())
    needed = max(MIN_INK_PIXELS, round(MIN_INK_FRACTION * mask.size))
    if ink_pixels < needed:
        reason = EMPTY_REASON if ink_pixels == 0 else (
            f"only {ink_pixels} pixels of ink (a digit needs at least {needed}): draw a digit")
        return Pipeline(steps, digit=None, ink_pixels=ink_pixels, inverted=inverted,
                        reason=reason)
    cropped = crop_to_ink(ink, mask)
    steps.append((f"cropped to the ink ({cropped.shape[1]}×{cropped.shape[0]})", cropped))
    scaled = scale_into_box(cropped)
    steps.append((f"scaled to {scaled.shape[1]}×{scaled.shape[0]} (longer side {BOX_SIDE})",
                  scaled))
    digit = centre_by_mass(scaled)
    steps.append((f"centred by mass in {FIELD_SIDE}×{FIELD_SIDE}", digit))
    return Pipeline(steps, digit=digit, ink_pixels=ink_pixels, inverted=inverted)


def as_array(image) -> np.ndarray:
    """uint8 (H, W), (H, W, 3) or (H, W, 4); a PIL image keeps its alpha channel if it has one."""
    if isinstance(image, Image.Image):
        has_alpha = "A" in image.getbands() or "transparency" in image.info
        return np.asarray(image.convert("RGBA" if has_alpha else "L"))
    pixels = np.asarray(image)
    if pixels.dtype != np.uint8:
        raise DrawingError(f"expected uint8 pixels 0..255, got dtype {pixels.dtype}")
    if not (pixels.ndim == 2 or (pixels.ndim == 3 and pixels.shape[2] in (3, 4))):
        raise DrawingError(f"expected an image of shape (H, W), (H, W, 3) or (H, W, 4), "
                           f"got {pixels.shape}")
    return pixels


def to_ink(pixels: np.ndarray) -> tuple[np.ndarray, bool]:
    """Ink as white on black, background 0 and the strongest ink 255; and whether inverted."""
    if pixels.size == 0:
        return np.zeros(pixels.shape[:2], np.uint8), False
    # A transparent background (the canvas's default): the alpha channel is the ink, whatever
    # colour the strokes are.
    transparent = pixels.ndim == 3 and pixels.shape[2] == 4 and pixels[..., 3].min() < 255
    if transparent:
        ink = pixels[..., 3]
    else:
        ink = pixels if pixels.ndim == 2 else np.asarray(
            Image.fromarray(pixels[..., :3]).convert("L"))
    background = float(np.median(border(ink)))
    # The ink is whichever extreme lies farther from the paper: dark ink on paper that a dim
    # photo shows grey is still dark on light. Percentiles, so a speck decides nothing.
    darkest, brightest = np.percentile(ink, [0.5, 99.5])
    inverted = not transparent and background - darkest > brightest - background
    if inverted:
        ink, background = 255 - ink, 255 - background
    peak = int(ink.max()) - background
    if peak < MIN_CONTRAST:
        return np.zeros(ink.shape, np.uint8), inverted
    # One lookup table for all 256 grey levels: background -> 0, the strongest ink -> 255.
    levels = np.clip(np.rint((np.arange(256) - background) * (255 / peak)), 0, 255)
    return levels.astype(np.uint8)[ink], inverted


def border(image: np.ndarray) -> np.ndarray:
    """The pixels of a frame around the image, 5% of its shorter side wide (at least 1)."""
    width = max(1, round(min(image.shape[:2]) * BORDER_FRACTION))
    return np.concatenate([image[:width].ravel(), image[-width:].ravel(),
                           image[:, :width].ravel(), image[:, -width:].ravel()])


def ink_mask(ink: np.ndarray) -> np.ndarray:
    """Pixels that count as ink: above the threshold and, on large images, not a lone speck."""
    mask = ink >= INK_THRESHOLD
    if min(mask.shape) < SPECK_FILTER_MIN_SIDE:
        return mask
    # A 3×3 majority vote, i.e. a median filter on the mask: drops specks and hairlines.
    padded = np.pad(mask.astype(np.uint8), 1)
    height, width = mask.shape
    votes = sum(padded[row:row + height, column:column + width]
                for row in range(3) for column in range(3))
    return votes >= 5


def crop_to_ink(ink: np.ndarray, mask: np.ndarray) -> np.ndarray:
    rows = np.flatnonzero(mask.any(axis=1))
    columns = np.flatnonzero(mask.any(axis=0))
    return ink[rows[0]:rows[-1] + 1, columns[0]:columns[-1] + 1]


def scale_into_box(cropped: np.ndarray) -> np.ndarray:
    """Longer side to 20 px, aspect ratio kept, antialiased by Pillow's LANCZOS filter."""
    height, width = cropped.shape
    factor = BOX_SIDE / max(height, width)
    size = (max(1, round(width * factor)), max(1, round(height * factor)))
    return np.asarray(Image.fromarray(cropped).resize(size, Image.Resampling.LANCZOS))


def centre_by_mass(scaled: np.ndarray) -> np.ndarray:
    """Paste into 28×28 with the centre of mass at (14, 14), to the nearest whole pixel.

    The shift is clipped so that no ink leaves the field.
    """
    height, width = scaled.shape
    weights = scaled.astype(np.float64)
    total = weights.sum()
    row = weights.sum(axis=1) @ np.arange(height) / total
    column = weights.sum(axis=0) @ np.arange(width) / total
    top = int(np.clip(round(CENTRE - row), 0, FIELD_SIDE - height))
    left = int(np.clip(round(CENTRE - column), 0, FIELD_SIDE - width))
    field = np.zeros((FIELD_SIDE, FIELD_SIDE), np.uint8)
    field[top:top + height, left:left + width] = scaled
    return field
