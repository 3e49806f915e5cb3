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
