"""Who may change a workspace: the check every write (train, cancel, delete, import) makes.

A lab home becomes a *class home* when a server started with the instructor key stores that
key as the `lecture` workspace's key (keys.set_instructor_key). Until then the lab is one
student's own and every write is allowed, as it always was. In a class home:

- a workspace is changed only by a caller holding its key (store.keys); a workspace made
  before keys existed has none and stays read-only until `workspace key NAME` issues one;
- the instructor (the caller holding the lecture key) may also cancel any job, to keep a
  class's queue moving, but never trains in, deletes from or imports into a student's
  workspace: what a student made is the student's;
- the terminal (`python -m mnist_core`) is trusted: it runs in the instructor's own shell.

Hiding a page's buttons is only the visible half; these checks are the other.
"""

import dataclasses
import enum
from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType

from mnist_core.store import keys
from mnist_core.store.keys import LECTURE

RESERVED = ("default", LECTURE)  # never handed to a session that asks for a new workspace
TRAIN, CANCEL, DELETE, IMPORT = "train", "cancel", "delete", "import"
SHARE = "share"  # store a short link (store.views), in the lecture's name
_VERBS = {TRAIN: "train in", CANCEL: "cancel jobs of", DELETE: "delete runs of",
          IMPORT: "import into", SHARE: "share views of"}


class NotAllowed(PermissionError):  # noqa: N818  (a public name that callers catch)
    """The caller may not make this change; the message says why and what would allow it."""


class Role(enum.Enum):
    """Who a permitted writer is: the limits for a class (jobs.limits) apply to students."""

    OWN_MACHINE = "own machine"  # no class home: everything is allowed, nothing is limited
    TERMINAL = "terminal"
    INSTRUCTOR = "instructor"
    STUDENT = "student"


@dataclasses.dataclass(frozen=True)
class Credential:
    """What a caller shows when it writes: the workspace keys it holds (workspace -> key), or
    that it is the terminal."""

    keys: Mapping[str, str] = dataclasses.field(default_factory=dict)
    terminal: bool = False

    def __post_init__(self):
        object.__setattr__(self, "keys", MappingProxyType(dict(self.keys)))

    def key_for(self, workspace: str) -> str | None:
        return self.keys.get(workspace)


TERMINAL = Credential(terminal=True)


def is_class_home(home: Path) -> bool:
    return keys.has_key(home, LECTURE)


def holds(home: Path, credential: Credential | None, workspace: str) -> bool:
    """Whether the credential carries this workspace's own key (always, outside a class)."""
    if not is_class_home(home) or (credential is not None and credential.terminal):
        return True
    return credential is not None and keys.matches(home, workspace,
                                                   credential.key_for(workspace))


def is_instructor(home: Path, credential: Credential | None) -> bool:
    return (is_class_home(home) and credential is not None
            and keys.matches(home, LECTURE, credential.key_for(LECTURE)))


def authorize(home: Path, credential: Credential | None, workspace: str, action: str) -> Role:
    """The caller's role when it may `action` in `workspace`; raises NotAllowed otherwise.

    No credential at all is allowed only outside a class home: a caller that forgot to pass
    one is refused where it matters.
    """
    if credential is not None and credential.terminal:
        return Role.TERMINAL
    if not is_class_home(home):
        return Role.OWN_MACHINE
    if holds(home, credential, workspace):
        return Role.INSTRUCTOR if workspace == LECTURE else Role.STUDENT
    if action == CANCEL and is_instructor(home, credential):
        return Role.INSTRUCTOR
    raise NotAllowed(refusal(home, workspace, action))


def refusal(home: Path, workspace: str, action: str) -> str:
    """Why a caller without the key may not `action` in `workspace`, in a page's words."""
    verb = _VERBS.get(action, action)
    if not keys.has_key(home, workspace):
        return (f"You cannot {verb} workspace {workspace!r}: it has no key yet, so it is "
                "read-only here. The instructor can issue one with `python -m mnist_core "
                f"workspace key {workspace}`.")
    return (f"You cannot {verb} workspace {workspace!r}: only a session holding its key can. "
            "Open your own workspace, or use your personal link to get your key back.")


def claim(registry, workspace: str) -> str:
    """Make a new workspace the caller's own; return its key. Raises keys.WorkspaceTaken for
    a reserved name, a workspace that has runs or sweeps, or one that already has a key."""
    if workspace in RESERVED or registry.has_workspace(workspace):
        raise keys.WorkspaceTaken(f"workspace {workspace!r} is already in use: it can be "
                                  "viewed, but not changed")
    return keys.issue(registry.home, workspace)
