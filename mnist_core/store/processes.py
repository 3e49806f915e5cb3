"""Is the process that holds a run still alive? (A zombie is not.)"""

import os
from pathlib import Path


def is_process_alive(pid: int | None) -> bool:
    if not pid:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return not _is_zombie(pid)


def _is_zombie(pid: int) -> bool:
    """A killed child that nobody has waited for yet still answers kill(pid, 0)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False  # no /proc here: trust kill()
    return stat.rsplit(")", 1)[-1].split()[0] == "Z"  # the state follows "(command name)"
