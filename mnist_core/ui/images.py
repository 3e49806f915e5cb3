"""Arrays -> images st.image can show: grey digits, red-blue weights, bright-where-fired maps."""

import matplotlib
import numpy as np


def grey(batch: np.ndarray) -> list[np.ndarray]:
    """uint8 digits (n, 28, 28) -> floats in [0, 1]."""
    return [image.astype(np.float32) / 255 for image in batch]


def diverging(weights: np.ndarray) -> np.ndarray:
    """Symmetric red-blue colouring around zero (red above, blue below), as RGB."""
    limit = float(np.abs(weights).max()) or 1.0
    return matplotlib.colormaps["RdBu_r"]((weights / limit + 1) / 2)[..., :3]


def normalised(feature_map: np.ndarray) -> np.ndarray:
    """Scale a non-negative map so its strongest response is white."""
    top = float(feature_map.max())
    return feature_map / top if top > 0 else feature_map


def square(image: np.ndarray) -> np.ndarray:
    """Pad a (h, w) or (h, w, c) image with black to a square, so thin crops keep their shape."""
    height, width = image.shape[:2]
    side = max(height, width)
    padding = [((side - height) // 2, side - height - (side - height) // 2),
               ((side - width) // 2, side - width - (side - width) // 2)]
    padding += [(0, 0)] * (image.ndim - 2)
    return np.pad(image, padding)


RIGHT, WRONG = (0.18, 0.63, 0.17), (0.84, 0.15, 0.16)  # matplotlib's tab:green and tab:red


def marked(digits: np.ndarray, right: np.ndarray, border: int = 2) -> list[np.ndarray]:
    """uint8 digits as RGB, each framed green when the network got it right, red when not."""
    framed = []
    for digit, is_right in zip(digits, right, strict=True):
        tile = np.empty((digit.shape[0] + 2 * border, digit.shape[1] + 2 * border, 3))
        tile[:] = RIGHT if is_right else WRONG
        tile[border:-border, border:-border] = (digit.astype(np.float32) / 255)[..., None]
        framed.append(tile)
    return framed


def mosaic(tiles: list[np.ndarray], columns: int, scale: int = 1, gap: int = 2) -> np.ndarray:
    """Equal-sized RGB tiles in rows of `columns` on white, each pixel `scale` pixels wide: one
    crisp image the browser need not smooth."""
    height, width = tiles[0].shape[:2]
    rows = -(-len(tiles) // columns)
    sheet = np.ones((rows * (height + gap) - gap, columns * (width + gap) - gap, 3))
    for index, tile in enumerate(tiles):
        row, column = divmod(index, columns)
        top, left = row * (height + gap), column * (width + gap)
        sheet[top:top + height, left:left + width] = tile[..., :3]
    return np.repeat(np.repeat(sheet, scale, axis=0), scale, axis=1)
