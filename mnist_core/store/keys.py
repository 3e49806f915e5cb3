"""Workspace keys, kept as salted hashes in the lab home beside the runs:

    MNIST_LAB_HOME/workspaces/<name>.json   {"scheme", "salt", "hash", "issued_at"}

A key the lab issues is 128 random bits, so one salted SHA-256 is enough to store it; the
instructor's key is chosen by a person, so it is stored with scrypt, which makes guessing it
from a stolen file slow. Either is compared in constant time. A repair rebuilds only the index,
so it never touches these files: ownership survives it.
"""

import functools
import hashlib
import hmac
import json
import os
import secrets
import tempfile
import time
from pathlib import Path

from mnist_core.store import files

KEYS_DIR = "workspaces"
LECTURE = "lecture"  # its key is the instructor's
KEY_BYTES = 16  # 128 bits
MAX_KEY_LENGTH = 200  # longer is not a key: refused before it is hashed
# scrypt's cost: about 50 ms and 16 MB per check here, once per session, not per rerun.
SCRYPT = {"n": 2**14, "r": 8, "p": 1, "dklen": 32}


class WorkspaceTaken(ValueError):  # noqa: N818  (a public name that callers catch)
    """The workspace already has a key, so nobody else can claim it."""


def new_key() -> str:
    return secrets.token_urlsafe(KEY_BYTES)


def key_file(home: Path, workspace: str) -> Path:
    return Path(home) / KEYS_DIR / f"{workspace}.json"


def has_key(home: Path, workspace: str) -> bool:
    return key_file(home, workspace).exists()


def matches(home: Path, workspace: str, key: str | None) -> bool:
    """Whether `key` is the workspace's key. False for no key, a keyless workspace, a damaged
    key file or anything that is not a short string."""
    if not isinstance(key, str) or not key or len(key) > MAX_KEY_LENGTH:
        return False
    try:
        stored = json.loads(key_file(home, workspace).read_bytes())
        scheme, salt, digest = stored["scheme"], bytes.fromhex(stored["salt"]), stored["hash"]
    except (OSError, ValueError, KeyError, TypeError):
        return False
    if scheme not in _HASHES:
        return False
    return hmac.compare_digest(_HASHES[scheme](salt, key), digest)


def issue(home: Path, workspace: str, replace: bool = False) -> str:
    """A new random key for the workspace, stored hashed; returns the key itself, which is not
    stored anywhere. Raises WorkspaceTaken when it has one and `replace` is False."""
    key = new_key()
    _store(home, workspace, "sha256", key, exclusive=not replace)
    return key


def set_instructor_key(home: Path, key: str) -> bool:
    """Make `key` the lecture workspace's key (scrypt); True when the stored key changed."""
    if matches(home, LECTURE, key):
        return False
    _store(home, LECTURE, "scrypt", key, exclusive=False)
    return True


def _store(home: Path, workspace: str, scheme: str, key: str, exclusive: bool) -> None:
    salt = secrets.token_bytes(16)
    payload = json.dumps({"format": files.FORMAT, "workspace": workspace, "scheme": scheme,
                          "salt": salt.hex(), "hash": _HASHES[scheme](salt, key),
                          "issued_at": time.time()}, indent=1).encode()
    path = key_file(home, workspace)
    if not exclusive:
        files.write_atomically(path, payload)
        return
    # Whole file or none, and only if nobody claimed the name first: a link fails when the
    # name exists, where a rename would silently replace the other claim.
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(payload)
            stream.flush()
            os.fsync(stream.fileno())
        os.link(temporary, path)
    except FileExistsError:
        raise WorkspaceTaken(f"workspace {workspace!r} already belongs to someone") from None
    except OSError as error:
        if files.is_disk_full(error):
            raise files.disk_full(error) from error
        raise
    finally:
        Path(temporary).unlink(missing_ok=True)


def _sha256(salt: bytes, key: str) -> str:
    return hashlib.sha256(salt + key.encode()).hexdigest()


@functools.lru_cache(maxsize=64)  # the same key shown again costs nothing
def _scrypt(salt: bytes, key: str) -> str:
    return hashlib.scrypt(key.encode(), salt=salt, **SCRYPT).hex()


_HASHES = {"sha256": _sha256, "scrypt": _scrypt}
