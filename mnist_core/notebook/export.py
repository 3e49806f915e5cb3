"""Write a stored run's notebook to a file, or as text for a download."""

import os
import tempfile
from pathlib import Path

import nbformat

from mnist_core.notebook import builder
from mnist_core.store import Registry


def notebook_text(registry: Registry, run_id: str) -> str:
    """The run's notebook as .ipynb JSON; RunError or ValueError when it cannot be made."""
    return nbformat.writes(builder.build(registry.get(run_id)))


def export(registry: Registry, run_id: str, path) -> dict:
    """Write the run's notebook to `path`, whole or not at all: {"path", "run_id", "cells"}.
    RunError or ValueError when the run cannot be exported; ValueError naming an unwritable
    path."""
    notebook = builder.build(registry.get(run_id))
    text = nbformat.writes(notebook)
    target = Path(path)
    temporary = None
    try:  # beside the target, so the rename is atomic and a failure leaves no half notebook
        descriptor, name = tempfile.mkstemp(dir=target.parent, prefix=".notebook-",
                                            suffix=".ipynb")
        temporary = Path(name)
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(temporary, target)
    except OSError as error:
        if temporary is not None:
            temporary.unlink(missing_ok=True)
        raise ValueError(f"cannot write the notebook to {target}: "
                         f"{error.strerror or error}") from None
    return {"path": str(target.resolve()), "run_id": run_id, "cells": len(notebook.cells)}
