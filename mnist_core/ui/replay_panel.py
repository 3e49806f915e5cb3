"""The replay of a run's training: weights sharpening from noise, probe digits turning from
wrong to right, the validation confusion matrix clearing, epoch by epoch."""

import time

import streamlit as st

from mnist_core.evaluate import replay
from mnist_core.models import config
from mnist_core.store import Run, RunError
from mnist_core.ui import keyring, replay_frame
from mnist_core.ui.job_panel import read_only_note, submit

PLAY_SECONDS = 0.8  # a frame's time on screen while playing


def replay_panel(run: Run) -> None:
    """A slider (and Play) over the stored epochs of a run that ended."""
    st.subheader("Replay: how it learned")
    try:
        snapshots = replay_frame.snapshots(run.run_id, replay_frame.version(run.run_id))
    except RunError as error:
        st.error(f"{error}. The run's results above are not affected.", icon=":material/error:")
        return
    if snapshots is None:
        _none_kept(run)
        return
    frame_key, play_key = f"replay_frame_{run.run_id}", f"replay_play_{run.run_id}"
    last = len(snapshots) - 1
    st.session_state.setdefault(frame_key, last)  # a finished run opens on its last epoch
    playing = st.toggle("Play", key=play_key, on_change=_rewind, args=(play_key, frame_key, last),
                        help="Steps through the stored epochs, about one a second.")
    _player(run.run_id, playing, frame_key, play_key)


def _rewind(play_key: str, frame_key: str, last: int) -> None:
    if st.session_state[play_key] and st.session_state[frame_key] >= last:
        st.session_state[frame_key] = 0  # Play at the end starts over
    st.session_state[_stepped_key(frame_key)] = time.monotonic()  # showing frame 0 counts


def _stepped_key(frame_key: str) -> str:
    return f"{frame_key}_stepped"


def _due(frame_key: str) -> bool:
    """A step only when a frame has been on screen its time: the whole rerun that Play's
    click makes also runs the player, and must not skip the first frame."""
    now = time.monotonic()
    if now - st.session_state.get(_stepped_key(frame_key), 0.0) < PLAY_SECONDS * 0.8:
        return False
    st.session_state[_stepped_key(frame_key)] = now
    return True


def _player(run_id: str, playing: bool, frame_key: str, play_key: str) -> None:
    @st.fragment(run_every=PLAY_SECONDS if playing else None)
    def player():
        try:
            snapshots = replay_frame.snapshots(run_id, replay_frame.version(run_id))
        except RunError:
            snapshots = None
        if snapshots is None:  # deleted or damaged since the page drew: say so on a rerun
            st.rerun()
        last = len(snapshots) - 1
        if playing and st.session_state[frame_key] < last:
            if _due(frame_key):
                st.session_state[frame_key] += 1
        elif playing:  # the end: stop the timer (a whole rerun draws the toggle off)
            st.session_state[play_key] = False
            st.rerun()
        index = st.select_slider(
            "Epoch", options=list(range(len(snapshots))), key=frame_key,
            format_func=lambda frame: f"{snapshots.epochs[frame]}",
            help="Epoch 0 is the network before training: its random starting weights.")
        replay_frame.draw_frame(replay.frame(snapshots, index), snapshots, index)

    player()


def _none_kept(run: Run) -> None:
    st.info("This run was stored before the lab kept a replay of training (or by a sweep, "
            "whose stacked networks keep none). Train the same settings again to watch it "
            "learn.", icon=":material/history:")
    if not keyring.holds(run.workspace):
        read_only_note(run.workspace, "Train again")
        return
    if st.button("Train the same settings again", icon=":material/replay:",
                 key=f"replay_retrain_{run.run_id}"):
        submit(config.RunConfig.from_dict(run.config), run.workspace)
