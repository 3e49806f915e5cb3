"""Entry point for `python -m mnist_core`."""

import sys

from mnist_core import cli

sys.exit(cli.main())
