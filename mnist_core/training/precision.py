"""The arithmetic a run's layers compute in (config.PRECISIONS), set while they are built."""

import contextlib

import keras


@contextlib.contextmanager
def layers_compute_in(precision: str):
    """Layers built inside compute in `precision` for good: each keeps the policy it was
    built under. Keras holds the policy per thread, so other threads' builds are untouched."""
    previous = keras.config.dtype_policy()
    keras.config.set_dtype_policy(precision)
    try:
        yield
    finally:
        keras.config.set_dtype_policy(previous)
