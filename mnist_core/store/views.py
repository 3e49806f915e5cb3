"""Short links: a view (a page and its URL parameters) stored under a code that can be typed
from a projector, MNIST_LAB_HOME/views/<code>.json, opened as ?v=CODE."""

import json
import re
import secrets
from pathlib import Path

from mnist_core.store import access, files

VIEWS_DIR = "views"
# No 0/o, 1/l/i: a code read off a wall is typed right. 31^6 ≈ 9 × 10^8 codes.
ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz"
CODE_LENGTH = 6
CODE_PATTERN = re.compile(f"^[{ALPHABET}]{{{CODE_LENGTH}}}$")
PAGE_PATTERN = re.compile(r"^[A-Za-z0-9_]{0,60}$")  # a page's URL path: "", "MLP", …
MAX_PARAMETERS, MAX_VALUE_LENGTH = 80, 200


def save(home: Path, page: str, parameters: dict[str, str | list[str]],
         credential: access.Credential | None) -> str:
    """Store the view; return its code. Only the instructor (or the terminal, or anyone
    outside a class) shares views: raises access.NotAllowed otherwise, ValueError for a view
    that is not one."""
    access.authorize(home, credential, access.LECTURE, access.SHARE)
    view = _checked({"page": page, "parameters": parameters})
    code = "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))
    files.write_atomically(Path(home) / VIEWS_DIR / f"{code}.json", json.dumps(view).encode())
    return code


def load(home: Path, code: str) -> dict | None:
    """The stored view {"page", "parameters"}, or None for an unknown, malformed or damaged
    code (a typo from a projector is not an error)."""
    if not isinstance(code, str) or not CODE_PATTERN.match(code):
        return None
    try:
        return _checked(json.loads((Path(home) / VIEWS_DIR / f"{code}.json").read_bytes()))
    except (OSError, ValueError):
        return None


def _checked(view) -> dict:
    if not isinstance(view, dict) or not PAGE_PATTERN.match(str(view.get("page", "?"))):
        raise ValueError("not a view")
    parameters = view.get("parameters")
    if not isinstance(parameters, dict) or len(parameters) > MAX_PARAMETERS:
        raise ValueError("not a view's parameters")
    for name, value in parameters.items():
        values = value if isinstance(value, list) else [value]
        if not all(isinstance(item, str) and len(item) <= MAX_VALUE_LENGTH for item in values):
            raise ValueError(f"parameter {name!r} is not a short text")
    return {"page": view["page"], "parameters": parameters}
