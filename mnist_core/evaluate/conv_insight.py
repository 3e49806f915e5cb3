"""What a conv net learned and why convolution helps: filters, feature maps, shift test."""

import numpy as np

from mnist_core.evaluate import inference
from mnist_core.models.first_layer import conv_filters as first_layer_filters  # noqa: F401

SHIFT_DIRECTIONS = ((0, 1), (0, -1), (1, 0), (-1, 0))  # (rows, columns): down, up, right, left


def _convs(model) -> list:
    return [layer for layer in model.layers if layer.__class__.__name__ == "Conv2D"]


def feature_maps(model, image: np.ndarray) -> list[tuple[str, np.ndarray]]:
    """Each Conv2D layer's output for one uint8 (28, 28) digit: (name, (h, w, channels))."""
    import keras  # only when a trained model is at hand: keeps importing this module light

    # Re-trace the layers on a fresh input: a model loaded from disk has no symbolic graph.
    inputs = keras.Input(shape=(28, 28))
    tensor, probes = inputs, []
    for layer in model.layers:
        tensor = layer(tensor)
        if layer.__class__.__name__ == "Conv2D":
            probes.append((layer.name, tensor))
    probe = keras.Model(inputs, [output for _, output in probes])
    outputs = probe(image[np.newaxis].astype(np.float32) / 255, training=False)
    outputs = outputs if isinstance(outputs, list | tuple) else [outputs]
    return [(name, np.asarray(output)[0]) for (name, _), output in zip(probes, outputs,
                                                                        strict=True)]


def augmented_versions(model, image: np.ndarray, count: int) -> np.ndarray:
    """`count` random versions of one digit, as the model's augmentation layers make them."""
    random_layers = [layer for layer in model.layers
                     if layer.__class__.__name__.startswith("Random")]
    batch = np.repeat(image[np.newaxis, ..., np.newaxis].astype(np.float32) / 255, count, axis=0)
    for layer in random_layers:
        batch = np.asarray(layer(batch, training=True))
    return np.clip(batch[..., 0], 0, 1)


def shift(images: np.ndarray, rows: int, columns: int) -> np.ndarray:
    """Move every digit by (rows, columns) pixels, filling the uncovered border with 0."""
    shifted = np.zeros_like(images)
    height, width = images.shape[1:3]
    source_rows = slice(max(0, -rows), height - max(0, rows))
    source_columns = slice(max(0, -columns), width - max(0, columns))
    target_rows = slice(max(0, rows), height - max(0, -rows))
    target_columns = slice(max(0, columns), width - max(0, -columns))
    shifted[:, target_rows, target_columns] = images[:, source_rows, source_columns]
    return shifted


def shift_accuracy(model, images: np.ndarray, labels: np.ndarray,
                   max_shift: int) -> list[float]:
    """Accuracy for shifts 0..max_shift px, averaged over the four directions."""
    accuracies = []
    for distance in range(max_shift + 1):
        directions = SHIFT_DIRECTIONS if distance else ((0, 0),)
        hits = [inference.predict(model, shift(images, rows * distance, columns * distance))
                .argmax(axis=1) == labels for rows, columns in directions]
        accuracies.append(float(np.mean(hits)))
    return accuracies
