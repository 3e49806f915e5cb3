"""Holding Ray's cancel through a block of a task: the one part of a task that needs no Ray,
so tests can import it in a process that must never import Ray."""

import contextlib
import signal


@contextlib.contextmanager
def cancel_held():
    """Hold a cancel until the block ends. Ray cancels a task by raising KeyboardInterrupt
    through SIGINT's handler; one that lands inside TensorFlow's first import leaves it
    half-registered, and every later task in the process (Ray reuses it) fails to import it."""
    asked = []
    previous = signal.signal(signal.SIGINT, lambda *_: asked.append(True))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
    if asked:
        raise KeyboardInterrupt
