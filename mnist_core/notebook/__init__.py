"""A stored run as a plain Keras notebook that reproduces it outside the lab.

`recipe` restates the engine's steps as notebook code, `builder` puts them between short
explanations, `export` writes the result. Building imports TensorFlow (for the engine's own
optimizer and callback objects), so callers that need not should import this lazily.
"""

from mnist_core.notebook.builder import build
from mnist_core.notebook.export import export, notebook_text

__all__ = ["build", "export", "notebook_text"]
