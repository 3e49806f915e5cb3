"""The workspace keys this browser holds on a class server.

They arrive in a cookie (set by this module, so a reload or a new tab keeps them) or in a
personal link (`?workspace=NAME&key=KEY`, for another device), are checked once when the
session starts, and only keys that match are kept. The key is then taken out of the address
bar, so a copied or projected URL never carries it. The writes themselves are checked again
in mnist_core against the credential() built from here.
"""

import json
import urllib.parse

import streamlit as st

from mnist_core.store import Credential, access, keys
from mnist_core.ui import engine

COOKIE = "mnist_lab_keys"
COOKIE_DAYS = 365
MAX_KEYS = 20  # a browser's keys: older ones drop out of the cookie beyond this
_RING = "lab_keyring"  # workspace -> key, most recent first; only keys that matched
REFUSED = "lab_key_refused"  # the workspace of a personal link whose key did not match


def sign_in() -> None:
    """Read and check the keys this browser brings. Once per session (scrypt is slow on
    purpose); the key parameter leaves the URL either way."""
    if _RING in st.session_state:
        st.query_params.pop("key", None)
        return
    home = engine.registry().home
    offered = _from_cookie()
    url_key, url_workspace = st.query_params.get("key"), st.query_params.get("workspace")
    if url_key and url_workspace:
        offered.insert(0, (url_workspace, url_key))
    st.query_params.pop("key", None)
    ring: dict[str, str] = {}
    for workspace, key in offered:
        if workspace not in ring and len(ring) < MAX_KEYS and keys.matches(home, workspace, key):
            ring[workspace] = key
    st.session_state[_RING] = ring
    if url_key and url_workspace not in ring:
        st.session_state[REFUSED] = url_workspace


def ring() -> dict[str, str]:
    return st.session_state.get(_RING, {})


def add(workspace: str, key: str) -> None:
    """Keep a key this session was given (a new workspace) or typed, most recent first."""
    st.session_state[_RING] = {workspace: key, **{name: held for name, held in ring().items()
                                                  if name != workspace}}


def credential() -> Credential:
    return Credential(keys=ring())


def holds(workspace: str) -> bool:
    """Whether this session may change the workspace (always, off a class server)."""
    return not engine.is_class_server() or workspace in ring()


def is_instructor() -> bool:
    return engine.is_class_server() and access.LECTURE in ring()


def newest_workspace() -> str | None:
    """The workspace this browser made or opened with a key most recently, if any."""
    return next((name for name in ring() if name != access.LECTURE), None)


def remember_in_browser() -> None:
    """Put the keys in the browser's cookie when they differ from what it brought. On every
    run until the session ends (the cookie it brought never changes), so a rerun that
    replaces the page before the script ran cannot lose it. Names and keys are escaped for
    the cookie (percent-encoding) and for the script (JSON), so nothing else runs."""
    value = "|".join(f"{urllib.parse.quote(name, safe='')}:{urllib.parse.quote(key, safe='')}"
                     for name, key in ring().items())
    if value == st.context.cookies.get(COOKIE, ""):
        return
    cookie = (f"{COOKIE}={value}; path=/; max-age={COOKIE_DAYS * 86400}; SameSite=Strict"
              if value else f"{COOKIE}=; path=/; max-age=0")
    st.html(f"<script>document.cookie = {json.dumps(cookie)};</script>",
            unsafe_allow_javascript=True)


def _from_cookie() -> list[tuple[str, str]]:
    entries = []
    for entry in st.context.cookies.get(COOKIE, "").split("|")[:MAX_KEYS]:
        name, _, key = entry.partition(":")
        if name and key:
            entries.append((urllib.parse.unquote(name), urllib.parse.unquote(key)))
    return entries
