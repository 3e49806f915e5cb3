"""The instructor's settings for a class, kept in the lab home (MNIST_LAB_HOME/class.json), so
every server process and a restarted server read the same ones."""

import dataclasses
import json
from pathlib import Path

from mnist_core.store import access, files

SETTINGS_FILE = "class.json"


@dataclasses.dataclass(frozen=True)
class ClassSettings:
    # A full sweep holds one of the two workers for many minutes: the instructor decides.
    students_may_run_full_sweep: bool = False


def read(home: Path) -> ClassSettings:
    """The stored settings; the defaults when there are none or the file is damaged."""
    try:
        stored = json.loads((Path(home) / SETTINGS_FILE).read_bytes())
        return ClassSettings(students_may_run_full_sweep=stored["students_may_run_full_sweep"]
                             is True)
    except (OSError, ValueError, KeyError, TypeError):
        return ClassSettings()


def write(home: Path, settings: ClassSettings, credential: access.Credential | None) -> None:
    """Only the instructor (or the terminal) changes them; raises access.NotAllowed."""
    if not (credential is not None and credential.terminal) and not access.is_instructor(
            home, credential):
        raise access.NotAllowed("Only the instructor can change the class's settings.")
    files.write_atomically(Path(home) / SETTINGS_FILE,
                           json.dumps(dataclasses.asdict(settings)).encode())
