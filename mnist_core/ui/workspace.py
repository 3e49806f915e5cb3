"""The workspace field: kept in the session and in the URL (?workspace=NAME).

On a class server a workspace belongs to the session that made it: a session arriving without
one gets a new one of its own (a readable random name), and a name nobody has used becomes
the session's when it is typed or opened. Other workspaces can be viewed, read-only.
"""

import contextlib
import urllib.parse

import coolname
import streamlit as st

from mnist_core import jobs
from mnist_core.store import access, keys
from mnist_core.ui import engine, keyring

_CURRENT = "lab_workspace"
_INPUT = "lab_workspace_input"
_SWITCH = "lab_workspace_switch"  # a workspace to change to before the field is drawn
DEFAULT = "default"
NAME_ATTEMPTS = 20  # random names tried before giving up (about 10^6 two-word names)


def workspace_field() -> str:
    """Draw the field and return the current workspace name.

    Streamlit drops query parameters on a page switch, so every page sets it again here.
    """
    if _CURRENT not in st.session_state:
        st.session_state[_CURRENT] = _arriving()
    if switched := st.session_state.pop(_SWITCH, None):
        st.session_state[_CURRENT] = st.session_state[_INPUT] = switched
    # A page switch leaves the field empty (a widget belongs to its page), and an empty
    # name is never valid: show the workspace in use again.
    if not st.session_state.get(_INPUT):
        st.session_state[_INPUT] = st.session_state[_CURRENT]
    class_server = engine.is_class_server()
    st.text_input("Workspace", key=_INPUT, on_change=_accept, max_chars=40,
                  help="Runs are grouped by workspace. Type a new name to start a workspace of "
                       "your own; type another's name to look at its runs, read-only."
                  if class_server else
                  "Runs are grouped by workspace. Anyone who types the same name sees the same "
                  "runs: workspaces keep runs apart, but they are not private.")
    if st.session_state[_INPUT] != st.session_state[_CURRENT]:
        st.error(f"Workspace name {st.session_state[_INPUT]!r} is not valid: use 1 to 40 "
                 "letters, digits, '-' or '_'. Still using "
                 f"{st.session_state[_CURRENT]!r}.")
    workspace = st.session_state[_CURRENT]
    st.query_params["workspace"] = workspace
    if class_server:
        _ownership_note(workspace)
    return workspace


def _arriving() -> str:
    """The workspace a new session starts in: the URL's, else (on a class server) the one
    this browser used last, else a new one of its own."""
    # A lecture view (a projected link, its QR code) shows the lecture's results.
    requested = st.query_params.get("workspace") or (
        access.LECTURE if st.query_params.get("view") == "lecture" else "")
    valid = bool(jobs.WORKSPACE_PATTERN.match(requested))
    if not engine.is_class_server():
        return requested if valid else DEFAULT
    keyring.sign_in()
    if valid:
        _claim_if_new(requested)
        return requested
    return keyring.newest_workspace() or _new_workspace()


def _accept() -> None:
    name = st.session_state[_INPUT].strip()
    if jobs.WORKSPACE_PATTERN.match(name):
        if engine.is_class_server():
            _claim_if_new(name)
        st.session_state[_CURRENT] = name
        st.session_state[_INPUT] = name


def _claim_if_new(name: str) -> None:
    """A name nobody has used becomes this session's workspace, with its key."""
    if keyring.holds(name):
        return
    with contextlib.suppress(keys.WorkspaceTaken):  # someone's (or reserved): read-only
        keyring.add(name, access.claim(engine.registry(), name))


def switch_to(name: str) -> None:
    """Make `name` this session's workspace from the next run on (the field is already drawn
    in this one, so it can only change before it is drawn again)."""
    st.session_state[_SWITCH] = name


def own_workspace() -> str:
    """A workspace this session may change: its newest, else a new one (on a class server)."""
    if not engine.is_class_server():
        return DEFAULT
    return keyring.newest_workspace() or _new_workspace()


def _new_workspace() -> str:
    for _ in range(NAME_ATTEMPTS):
        name = coolname.generate_slug(2)
        if not jobs.WORKSPACE_PATTERN.match(name):
            continue
        try:
            keyring.add(name, access.claim(engine.registry(), name))
            return name
        except keys.WorkspaceTaken:
            continue
    raise RuntimeError("no free workspace name found: type a name of your own in the sidebar")


def _ownership_note(workspace: str) -> None:
    """Whose workspace this is, why its buttons are gone when it is not this session's, and
    the personal link that brings the key to another device."""
    refused = st.session_state.pop(keyring.REFUSED, None)
    if refused:
        st.warning(f"The key in the link you opened is not the key of {refused!r}, so it is "
                   "shown read-only.", icon=":material/key_off:")
    if keyring.holds(workspace):
        with st.expander("Your workspace key", icon=":material/key:"):
            st.markdown(
                f"**{workspace}** is yours: only a browser holding its key can train, cancel, "
                "delete or import here. This browser keeps the key. To open your workspace "
                "on another device, copy your personal link (the button at the right of the "
                "box) and keep it to yourself:")
            st.code(personal_link(workspace, keyring.ring()[workspace]), language=None,
                    wrap_lines=True)
        return
    if workspace == access.LECTURE:
        why = ("This is the lecture's workspace: you can look at its runs and use its models on "
               "the Draw page, but only the instructor changes it.")
    elif not keys.has_key(engine.registry().home, workspace):
        why = (f"Workspace {workspace!r} was made before workspaces had keys, so nobody can "
               "change it here until the instructor issues its key.")
    else:
        why = (f"Workspace {workspace!r} belongs to someone else: you can look at its runs "
               "and use its models, but not train, cancel or delete there.")
    st.info(f"Read-only. {why}", icon=":material/visibility:")
    _key_entry(workspace)


def _key_entry(workspace: str) -> None:
    with st.popover("I have this workspace's key", icon=":material/key:"):
        typed = st.text_input("Key", type="password", key=f"key_entry_{workspace}",
                              max_chars=keys.MAX_KEY_LENGTH)
        if typed and st.button("Use this key", key=f"key_use_{workspace}"):
            if keys.matches(engine.registry().home, workspace, typed):
                keyring.add(workspace, typed)
                st.rerun()
            st.error("That is not this workspace's key.")


def personal_link(workspace: str, key: str) -> str:
    """The current page's address with the workspace and its key (never shared or shown on
    a projector: only in this session's own key panel)."""
    page = urllib.parse.urlsplit(st.context.url or "http://localhost:8501/")
    query = urllib.parse.urlencode({"workspace": workspace, "key": key})
    return urllib.parse.urlunsplit((page.scheme, page.netloc, page.path, query, ""))
