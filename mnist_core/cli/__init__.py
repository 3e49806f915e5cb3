"""`python -m mnist_core`: the lab's engine from a terminal (see cli.commands)."""

from mnist_core.cli.commands import build_parser, main

__all__ = ["build_parser", "main"]
