"""What the cluster dispatcher last found: connected (its nodes and CPUs) or why not, kept in
MNIST_LAB_HOME/cluster.json so the pages can say it without talking to Ray themselves."""

import dataclasses
import json
import os
import time
from pathlib import Path

from mnist_core.store import files

STATUS_FILE = "cluster.json"
CONNECTED, UNREACHABLE, MISMATCH = "connected", "unreachable", "mismatch"


@dataclasses.dataclass(frozen=True)
class ClusterStatus:
    state: str  # CONNECTED, UNREACHABLE or MISMATCH
    address: str
    message: str = ""  # why not connected, in words a page can show
    nodes: tuple[str, ...] = ()  # node addresses
    cpus: int = 0
    since: float = 0.0  # when this state began
    pid: int = 0  # the dispatcher that wrote it

    @property
    def connected(self) -> bool:
        return self.state == CONNECTED


def write(home: Path, status: ClusterStatus) -> ClusterStatus:
    """Store `status`; a state that goes on keeps the time it began."""
    before = read(home)
    same = before is not None and (before.state, before.address) == (status.state,
                                                                       status.address)
    status = dataclasses.replace(status, since=before.since if same else time.time(),
                                 pid=os.getpid())
    files.write_atomically(Path(home) / STATUS_FILE,
                           json.dumps(dataclasses.asdict(status)).encode())
    return status


def read(home: Path) -> ClusterStatus | None:
    """The last status written, or None when no dispatcher ever wrote one (or it is damaged)."""
    try:
        stored = json.loads((Path(home) / STATUS_FILE).read_bytes())
        return ClusterStatus(**{**stored, "nodes": tuple(stored["nodes"])})
    except (OSError, ValueError, KeyError, TypeError):
        return None
