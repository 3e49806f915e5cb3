"""What one drawing lights up in a trained model: where covering it costs the answer (any
model) and which first-layer units fire (a dense network). A conv net's feature maps for the
drawing are conv_insight.feature_maps; strongest_channels picks the ones it excites most."""

import dataclasses

import numpy as np

from mnist_core.evaluate import inference, results

SIDE = 28
PATCH = 8  # pixels: about one stroke's width and a bit, so covering it removes a piece of ink
STRIDE = 4
POSITIONS = tuple(range(0, SIDE - PATCH + 1, STRIDE))  # 0, 4, …, 20: the last patch ends at 28
BLANK = 0  # MNIST's background: a covered patch holds no ink


@dataclasses.dataclass(frozen=True)
class Occlusion:
    """How much the answer depends on each part of a digit.

    drops[i, j] is the answer's probability on the untouched digit minus its probability with
    a blank PATCH×PATCH square whose top-left corner is at (POSITIONS[i], POSITIONS[j]):
    above zero where covering the digit cost the answer, below zero where it helped it.
    """

    answer: int  # the model's digit for the untouched drawing
    probability: float  # of that digit, untouched
    drops: np.ndarray  # (len(POSITIONS), len(POSITIONS))

    def per_pixel(self) -> np.ndarray:
        """(28, 28): each pixel's mean drop over the patches that covered it."""
        total = np.zeros((SIDE, SIDE), np.float64)
        covered = np.zeros((SIDE, SIDE), np.int64)
        for i, top in enumerate(POSITIONS):
            for j, left in enumerate(POSITIONS):
                total[top:top + PATCH, left:left + PATCH] += self.drops[i, j]
                covered[top:top + PATCH, left:left + PATCH] += 1
        return (total / covered).astype(np.float32)  # every pixel is under at least one patch


def occluded(digit: np.ndarray) -> np.ndarray:
    """(len(POSITIONS)², 28, 28): the digit with each patch blanked, rows of patches first."""
    copies = np.repeat(digit[np.newaxis], len(POSITIONS) ** 2, axis=0)
    for index, (top, left) in enumerate((top, left) for top in POSITIONS for left in POSITIONS):
        copies[index, top:top + PATCH, left:left + PATCH] = BLANK
    return copies


def occlusion_map(model, digit: np.ndarray) -> Occlusion:
    """The occlusion map of one uint8 (28, 28) digit: one prediction call for all 37 images."""
    _check_digit(digit)
    probabilities = inference.predict(model, np.concatenate([digit[np.newaxis],
                                                             occluded(digit)]))
    answer = int(probabilities[0].argmax())
    base = float(probabilities[0, answer])
    drops = base - probabilities[1:, answer].reshape(len(POSITIONS), len(POSITIONS))
    return Occlusion(answer=answer, probability=base, drops=drops.astype(np.float32))


@dataclasses.dataclass(frozen=True)
class Units:
    """The first Dense layer's strongest units for one digit, strongest first."""

    indices: np.ndarray  # (count,) unit numbers in the layer
    activations: np.ndarray  # (count,) their outputs, after the layer's activation function
    weights: np.ndarray  # (count, 28, 28) each unit's incoming weights, one per pixel


def first_dense_activations(model, digit: np.ndarray) -> np.ndarray:
    """(units,) the first Dense layer's output for one uint8 digit, in inference mode.

    The model's own layers run in order up to that layer (a flatten, say), with
    training=False so dropout or batch norm before it behave as they do in predict.
    """
    _check_digit(digit)
    tensor = digit[np.newaxis].astype(np.float32) / 255  # as inference.predict scales
    for layer in model.layers:
        tensor = layer(tensor, training=False)
        if layer.__class__.__name__ == "Dense":
            return np.asarray(tensor, dtype=np.float32)[0]  # float32 also under mixed precision
    raise ValueError("this model has no Dense layer")


def strongest_units(model, digit: np.ndarray, count: int) -> Units:
    """The `count` first-layer units that respond most to the digit, for a dense network."""
    if is_convolutional(model):
        raise ValueError("a conv net's first Dense layer does not read pixels: "
                         "look at its feature maps")
    if count < 1:
        raise ValueError(f"count must be at least 1, got {count}")
    activations = first_dense_activations(model, digit)
    strongest = np.argsort(-activations, kind="stable")[:count]
    return Units(indices=strongest, activations=activations[strongest],
                 weights=results.first_layer_images(model)[strongest])


def strongest_channels(maps: np.ndarray, count: int) -> np.ndarray:
    """The `count` channels of (h, w, channels) feature maps with the largest total response,
    strongest first: the filters this drawing excites most."""
    return np.argsort(-maps.sum(axis=(0, 1)), kind="stable")[:count]


def is_convolutional(model) -> bool:
    return any(layer.__class__.__name__ == "Conv2D" for layer in model.layers)


def _check_digit(digit: np.ndarray) -> None:
    if digit.shape != (SIDE, SIDE) or digit.dtype != np.uint8:
        raise ValueError(f"expected a uint8 (28, 28) digit, got {digit.dtype} {digit.shape}")
