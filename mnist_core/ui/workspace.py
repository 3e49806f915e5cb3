"""The workspace field: kept in the session and in the URL (?workspace=NAME)."""

import streamlit as st

from mnist_core import jobs

_CURRENT = "lab_workspace"
_INPUT = "lab_workspace_input"
DEFAULT = "default"


def workspace_field() -> str:
    """Draw the field and return the current workspace name.

    Streamlit drops query parameters on a page switch, so every page sets it again here.
    """
    if _CURRENT not in st.session_state:
        requested = st.query_params.get("workspace", DEFAULT)
        st.session_state[_CURRENT] = requested if jobs.WORKSPACE_PATTERN.match(requested) \
            else DEFAULT
    # A page switch leaves the field empty (a widget belongs to its page), and an empty
    # name is never valid: show the workspace in use again.
    if not st.session_state.get(_INPUT):
        st.session_state[_INPUT] = st.session_state[_CURRENT]
    st.text_input("Workspace", key=_INPUT, on_change=_accept,
                  help="Runs are grouped by workspace. Anyone who types the same name sees "
                       "the same runs: workspaces keep runs apart, but they are not private.")
    if st.session_state[_INPUT] != st.session_state[_CURRENT]:
        st.error(f"Workspace name {st.session_state[_INPUT]!r} is not valid: use 1 to 40 "
                 "letters, digits, '-' or '_'. Still using "
                 f"{st.session_state[_CURRENT]!r}.")
    st.query_params["workspace"] = st.session_state[_CURRENT]
    return st.session_state[_CURRENT]


def _accept() -> None:
    name = st.session_state[_INPUT].strip()
    if jobs.WORKSPACE_PATTERN.match(name):
        st.session_state[_CURRENT] = name
        st.session_state[_INPUT] = name
