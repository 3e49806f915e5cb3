"""A job that raises is recorded as it ends, never lost with its process: Ctrl-C (the CLI)
ends it cancelled, a lost trainer (a Ray task or node that died) interrupted, any other
exception failed, with the error as its message."""

import contextlib
import dataclasses
import traceback
from collections.abc import Callable


class Interrupted(Exception):  # noqa: N818  (a state, as "cancelled" is)
    """What trained the job went away mid-run (a killed task, a lost node): nothing is wrong
    with the job itself, and it can be trained again."""


@dataclasses.dataclass
class Outcome:
    failed: bool = False


@contextlib.contextmanager
def recorded_failures(finish: Callable[[str, str], None]):
    """`with recorded_failures(finish) as outcome:` calls finish(state, error) on the way out
    of an exception; KeyboardInterrupt goes on up, any other exception stops here and sets
    outcome.failed."""
    outcome = Outcome()
    try:
        yield outcome
    except KeyboardInterrupt:
        finish("cancelled", "stopped from the keyboard")
        raise
    except Interrupted as error:
        finish("interrupted", str(error))
        outcome.failed = True
    except Exception as error:
        traceback.print_exc()  # the full story goes to the worker's log
        finish("failed", f"{type(error).__name__}: {error}")
        outcome.failed = True
