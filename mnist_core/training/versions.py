"""The library versions a run trained with, stored with it."""

import importlib.metadata


def library_versions() -> dict:
    return {name: importlib.metadata.version(name) for name in ("tensorflow", "keras", "numpy")}
