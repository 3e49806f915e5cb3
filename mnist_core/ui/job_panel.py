"""Submitting a run and watching it live: state, progress, ETA, cancel, curves, the loss."""

import math
import time

import streamlit as st

from mnist_core import jobs
from mnist_core.charts import run_charts
from mnist_core.models import config
from mnist_core.store import NotAllowed, Run, RunError
from mnist_core.ui import engine, keyring, lecture_view
from mnist_core.ui.cluster_note import cluster_note, trained_on
from mnist_core.ui.replay_frame import newest_frame

REFRESH_SECONDS = 1.0
STATE_ICONS = {"queued": ":material/hourglass_top:", "running": ":material/directions_run:",
               "done": ":material/check_circle:", "cancelled": ":material/stop_circle:",
               "diverged": ":material/trending_up:", "failed": ":material/error:",
               "interrupted": ":material/warning:"}


def current_run_key(model_kind: str) -> str:
    """Session key of the run a page shows: one per model kind, so pages don't mix runs."""
    return f"{model_kind}_run_id"


def submit(run_config: config.RunConfig, workspace: str) -> None:
    """One click, one run: refuses while this session's run of the same kind is active."""
    key = current_run_key(run_config.model.kind)
    active = _get(st.session_state.get(key))
    if active is not None and active.is_active:
        st.warning(f"Run {active.run_id} is still {active.state}: wait for it or cancel it "
                   "before starting another. Nothing new was started.")
        return
    try:
        st.session_state[key] = engine.worker_pool().submit(run_config, workspace,
                                                            keyring.credential())
    except (ValueError, NotAllowed) as error:  # a bad config, a limit, not this session's
        st.error(str(error), icon=":material/block:")  # workspace: say why, keep what is shown


def train_button(run_config: config.RunConfig, workspace: str, enabled: bool = True) -> None:
    """Only in a workspace this session may change; elsewhere a note says why it is gone."""
    if not keyring.holds(workspace):
        read_only_note(workspace, "Train")
        return
    if st.button("Train", type="primary", icon=":material/play_arrow:", disabled=not enabled):
        submit(run_config, workspace)


def read_only_note(workspace: str, button: str) -> None:
    """Where a write button would be: why it is not, and in the lecture's view a way to try
    the same settings in one's own workspace."""
    if lecture_view.is_lecture():
        lecture_view.try_it_button()
        return
    st.caption(f":material/visibility: No {button} button: {workspace!r} is not your "
               "workspace (see the sidebar).")


def may_cancel(workspace: str) -> bool:
    """The workspace's own session, and the instructor (who may stop any job)."""
    return keyring.holds(workspace) or keyring.is_instructor()


def cancel(run_id: str, message: str) -> None:
    try:
        engine.registry().request_cancel(run_id, keyring.credential())
        st.toast(message)
    except NotAllowed as refusal:
        st.error(str(refusal), icon=":material/block:")


def _get(run_id: str | None) -> Run | None:
    if not run_id:
        return None
    try:
        return engine.registry().get(run_id)
    except RunError:
        return None


def job_panel(model_kind: str) -> Run | None:
    """Show this session's run of `model_kind`; live while it is active. Returns the run."""
    run = _get(st.session_state.get(current_run_key(model_kind)))
    if run is None:
        st.info("No run yet: set up the network above and press **Train**.")
        return None
    if run.is_active:
        engine.worker_pool().ensure_running()  # also revives workers after a server restart
        _live(run.run_id)
        return _get(run.run_id)
    _status(run)
    if run.history:
        curves_with_loss(run.history)
    return run


@st.fragment(run_every=REFRESH_SECONDS)
def _live(run_id: str) -> None:
    engine.worker_pool().ensure_running()  # a worker that died meanwhile: its run ends now
    run = _get(run_id)
    if run is None or not run.is_active:
        # The whole page: it shows the results below, or (the index damaged or the run
        # gone) repairs the index and says what happened, rather than fail every second.
        st.rerun()
    _status(run)
    if may_cancel(run.workspace) and st.button("Cancel this run", key=f"cancel_{run_id}",
                                               icon=":material/stop:"):
        cancel(run_id, "Cancelling… the run stops within about a second.")
    if run.history:
        curves_with_loss(run.history)
    newest_frame(run)


def _status(run: Run) -> None:
    epochs = run.config.get("training", {}).get("epochs", "?")
    icon = STATE_ICONS.get(run.state, "")
    if run.state == "queued":
        place = jobs.position(engine.registry(), run.run_id)
        st.info(f"{icon} Run {run.run_id} is queued, position {place} in line. It starts when "
                "a worker is free; other students' runs take turns with yours.")
        cluster_note()
    elif run.state == "running":
        elapsed = time.time() - (run.started_at or time.time())
        eta = elapsed * (1 - run.progress) / run.progress if run.progress > 0.01 else None
        eta_text = f", about {eta:.0f} s left" if eta is not None else ""
        st.progress(min(run.progress, 1.0),
                    text=f"{icon} Training: epoch {len(run.history)}/{epochs} finished, "
                         f"{run.progress:.0%} done, {elapsed:.0f} s so far{eta_text}")
    elif run.state == "done":
        st.success(f"{icon} Run {run.run_id} finished {epochs} epochs in {run.seconds:.1f} s"
                   f"{trained_on(run.versions)}.")
    else:
        st.error(f"{icon} Run {run.run_id} is {run.state}: {run.error or 'no reason recorded'}. "
                 "Earlier runs and their results are unaffected.")


def curves_with_loss(history: list[dict]) -> None:
    loss, accuracy = st.columns(2)
    loss.altair_chart(run_charts.curves(history, "loss"), width="stretch")
    accuracy.altair_chart(run_charts.curves(history, "accuracy"), width="stretch")
    with loss:
        loss_explainer(history[-1]["loss"])


def loss_explainer(current_loss: float) -> None:
    """Categorical cross-entropy, with this run's latest training loss plugged in."""
    st.markdown("**The loss being minimised: categorical cross-entropy**")
    st.latex(r"L = -\frac{1}{N}\sum_{i=1}^{N}\sum_{c=0}^{9} y_{ic}\,\log p_{ic}")
    st.markdown(
        "- $N$: images in the batch; $c$ runs over the 10 digits.\n"
        "- $y_{ic}$: the one-hot label, 1 for the true digit of image $i$, else 0.\n"
        "- $p_{ic}$: the softmax probability the network gives digit $c$ for image $i$.\n"
        "- Only the true digit's term survives, so $L$ is the average of "
        "$-\\log(\\text{probability of the right answer})$.")
    uniform = math.log(10)
    st.markdown(
        f"Latest training loss: $L = {current_loss:.3f}$, so the network gives the right digit "
        f"a typical probability of $e^{{-L}} = {math.exp(-current_loss):.2f}$. A network that "
        f"guesses uniformly gives every digit 0.1, and $L = \\ln 10 \\approx {uniform:.2f}$: "
        "a loss near that means nothing has been learned yet.")
