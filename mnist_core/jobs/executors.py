"""Where jobs train: in the local worker processes, or as Ray tasks on a cluster.

Deciding imports no Ray: only the cluster dispatcher (mnist_core.cluster) and the CLI, when
Ray is chosen, ever do. The server starts the dispatcher as a process of its own.
"""

import dataclasses
import os

LOCAL, RAY = "local", "ray"
EXECUTORS = (LOCAL, RAY)
VARIABLE = "MNIST_LAB_EXECUTOR"  # the server's choice; the CLI has --executor


@dataclasses.dataclass(frozen=True)
class Executor:
    name: str  # LOCAL or RAY
    address: str | None = None  # the Ray head, HOST:PORT ("auto": the one on this machine)


def choose(flag: str | None = None, environ=None) -> Executor:
    """--executor (or MNIST_LAB_EXECUTOR) if given, else Ray exactly when RAY_ADDRESS is set.

    Raises ValueError for an unknown name.
    """
    environ = os.environ if environ is None else environ
    address = environ.get("RAY_ADDRESS", "").strip()
    name = (flag or environ.get(VARIABLE, "").strip().lower()
            or (RAY if address else LOCAL))
    if name not in EXECUTORS:
        raise ValueError(f"unknown executor {name!r}: choose {' or '.join(EXECUTORS)}")
    return Executor(RAY, address or "auto") if name == RAY else Executor(LOCAL)
