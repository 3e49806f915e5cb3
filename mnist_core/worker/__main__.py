"""A training worker process: `python -m mnist_core.worker LAB_HOME PARENT_PID`."""

import sys

from mnist_core.worker.main import worker_main

worker_main(sys.argv[1], int(sys.argv[2]))
