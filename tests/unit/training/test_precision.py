"""A run's precision: layers built under mixed_bfloat16 multiply in bfloat16 and keep float32
weights and output; the policy goes back after the build, and is per thread."""

import threading

import keras
import numpy as np

from mnist_core.models import cnn, kinds
from mnist_core.training import precision


def test_a_bfloat16_build_computes_in_bfloat16_with_float32_weights_and_output():
    with precision.layers_compute_in("mixed_bfloat16"):
        model = kinds.build(cnn.FAST.model, seed=0)
    conv, output = model.layers[0], model.layers[-1]
    assert (conv.compute_dtype, conv.variable_dtype) == ("bfloat16", "float32")
    assert output.compute_dtype == "float32"  # the softmax, as Keras advises
    assert all(weight.dtype == "float32" for weight in model.weights)
    probabilities = model(np.zeros((2, 28, 28, 1), np.float32), training=False)
    assert probabilities.dtype == "float32"
    np.testing.assert_allclose(np.sum(probabilities, axis=1), 1.0, rtol=1e-6)
    assert keras.config.dtype_policy().name == "float32"  # back after the build


def test_the_policy_is_per_thread():
    seen = {}
    with precision.layers_compute_in("mixed_bfloat16"):
        thread = threading.Thread(
            target=lambda: seen.update(policy=keras.config.dtype_policy().name))
        thread.start()
        thread.join()
    assert seen["policy"] == "float32"


def test_bfloat16_products_differ_from_float32_by_bfloat16_rounding_only():
    """The same weights, two policies: outputs agree to bfloat16's ~3 digits, not exactly."""
    with precision.layers_compute_in("mixed_bfloat16"):
        low = kinds.build(cnn.FAST.model, seed=0)
    full = kinds.build(cnn.FAST.model, seed=0)
    low.set_weights(full.get_weights())
    images = np.random.default_rng(0).random((8, 28, 28, 1)).astype(np.float32)
    exact, rounded = full(images, training=False).numpy(), low(images, training=False).numpy()
    assert not np.array_equal(exact, rounded)
    np.testing.assert_allclose(rounded, exact, atol=0.05)
