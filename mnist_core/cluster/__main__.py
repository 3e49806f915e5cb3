"""`python -m mnist_core.cluster HOME PARENT_PID ADDRESS`: the cluster dispatcher."""

import sys

from mnist_core.cluster.dispatcher import dispatcher_main

dispatcher_main(sys.argv[1], int(sys.argv[2]), sys.argv[3])
