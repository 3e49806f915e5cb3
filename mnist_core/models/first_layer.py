"""What a built model's first layer looks for, as small images: no Keras import needed.

The results panel, the CNN page, the drawing insight and the training replay all read these.
"""

import numpy as np

UNITS_KEPT = 16  # the first hidden units the results panel and the replay show


def _layers_of(model, class_name: str) -> list:
    return [layer for layer in model.layers if layer.__class__.__name__ == class_name]


def dense_unit_images(model) -> np.ndarray:
    """(units, 28, 28): each unit of the first Dense layer's 784 incoming weights."""
    dense = _layers_of(model, "Dense")
    if not dense:
        raise ValueError("this model has no Dense layer")
    kernel = np.asarray(dense[0].kernel)  # (784, units)
    return kernel.T.reshape(-1, 28, 28)


def conv_filters(model) -> np.ndarray:
    """(filters, k, k): the first Conv2D's kernels, one small image per filter."""
    kernel = np.asarray(_layers_of(model, "Conv2D")[0].kernel)  # (k, k, 1, filters)
    return np.moveaxis(kernel[:, :, 0, :], -1, 0)


def first_layer_images(model) -> np.ndarray:
    """A conv net's first filters, or the first UNITS_KEPT hidden units of a dense one."""
    if _layers_of(model, "Conv2D"):
        return conv_filters(model)
    return dense_unit_images(model)[:UNITS_KEPT]
