"""A training worker process: `python -m mnist_core.worker LAB_HOME PARENT_PID`."""

import sys

from mnist_core import jobs

if __name__ == "__main__":
    jobs.worker_main(sys.argv[1], int(sys.argv[2]))
