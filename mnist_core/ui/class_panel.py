"""The instructor's class panel: who is here, every workspace's jobs with their waits, cancel
for any job, and whether students may queue the assignment's full sweep."""

import secrets
import threading
import time

import streamlit as st

from mnist_core.store import NotAllowed, Run, class_settings
from mnist_core.ui import engine, keyring

PRESENCE_SECONDS = 120  # "here": seen within the last two minutes
FORGET_SECONDS = 3600  # sessions not seen for this long leave the server's memory
REFRESH_SECONDS = 5
_SESSION = "lab_session_id"


class Presence:
    """Sessions seen recently, by workspace: Streamlit keeps no public list of its sessions,
    so every script run records its own."""

    def __init__(self):
        self._seen: dict[str, tuple[str, float]] = {}
        self._lock = threading.Lock()  # sessions run on threads of their own

    def seen(self, session: str, workspace: str, now: float | None = None) -> None:
        now = time.time() if now is None else now
        with self._lock:
            self._seen[session] = (workspace, now)
            for old in [key for key, (_, at) in self._seen.items() if now - at > FORGET_SECONDS]:
                del self._seen[old]

    def recent(self, within: float = PRESENCE_SECONDS, now: float | None = None) -> dict:
        """Workspace -> sessions seen in it within the last `within` seconds."""
        now = time.time() if now is None else now
        by_workspace: dict[str, int] = {}
        with self._lock:
            for workspace, at in self._seen.values():
                if now - at <= within:
                    by_workspace[workspace] = by_workspace.get(workspace, 0) + 1
        return by_workspace


@st.cache_resource
def presence() -> Presence:
    return Presence()


def record_presence(workspace: str) -> None:
    session = st.session_state.setdefault(_SESSION, secrets.token_hex(8))
    presence().seen(session, workspace)


def class_panel() -> None:
    """Only for the session holding the instructor key."""
    if keyring.is_instructor():
        with st.expander("Class", icon=":material/groups:"):
            _live_class()
            _settings()


@st.fragment(run_every=REFRESH_SECONDS)
def _live_class() -> None:
    here = presence().recent()
    st.metric("Sessions seen in the last two minutes", sum(here.values()),
              help="Counted from the pages' own reruns; a browser left alone on a page for "
                   "two minutes drops out until its next click.")
    if here:
        st.caption(" · ".join(f"{name}: {count}" for name, count in sorted(here.items())))
    active = engine.registry().runs(kinds=("single", "sweep"), states=("queued", "running"))
    st.markdown(f"**Jobs waiting or training: {len(active)}**")
    now = time.time()
    for job in sorted(active, key=lambda run: run.created_at):
        left, right = st.columns([3, 1])
        left.caption(_job_line(job, now))
        if right.button("Cancel", key=f"class_cancel_{job.run_id}", icon=":material/stop:"):
            try:
                engine.registry().request_cancel(job.run_id, keyring.credential())
                st.toast(f"Cancelling {job.run_id}…")
            except NotAllowed as refusal:
                st.error(str(refusal))


def _job_line(job: Run, now: float) -> str:
    kind = "sweep" if job.kind == "sweep" else job.model.upper()
    if job.state == "queued":
        return f"{job.workspace} · {kind} · queued, waiting {now - job.created_at:.0f} s"
    waited = (job.started_at or now) - job.created_at
    return (f"{job.workspace} · {kind} · training, {job.progress:.0%} done "
            f"(waited {waited:.0f} s)")


def _settings() -> None:
    home = engine.registry().home
    current = class_settings.read(home)
    allowed = st.toggle(
        "Students may queue the assignment's full sweep", current.students_may_run_full_sweep,
        key="class_full_sweep",
        help="15 networks × 40 epochs on every image: it holds one of the server's workers "
             "for many minutes. Off: students may run sweeps up to the quick sweep's size.")
    if allowed != current.students_may_run_full_sweep:
        class_settings.write(home, class_settings.ClassSettings(allowed), keyring.credential())
