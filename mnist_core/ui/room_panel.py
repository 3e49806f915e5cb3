"""How did the room do: the instructor's anonymised view of every workspace's best result."""

import streamlit as st

from mnist_core import lecture, sweep
from mnist_core.charts import room_charts
from mnist_core.evaluate import room
from mnist_core.models import config
from mnist_core.store import LECTURE_WORKSPACE
from mnist_core.sweep.spec import HINTON_ACCURACY
from mnist_core.ui import engine, keyring


def room_panel(run_config: config.RunConfig) -> None:
    """MLP and CNN pages: a histogram of each workspace's best validation accuracy with this
    kind of network, the lecture's run with these settings marked. Only the instructor sees
    it."""
    if not keyring.is_instructor():
        return
    model = run_config.model.kind
    lecture_run = lecture.lecture_run(engine.registry(), run_config)
    best = room.best_per_workspace(engine.registry().runs(states=("done",)), model)
    with st.expander(f"How did the room do? ({len(best)} workspaces)", icon=":material/groups:"):
        if not best:
            st.caption("No student has finished a run of this kind yet.")
            return
        marked = lecture_run.val_accuracy if lecture_run is not None else None
        st.altair_chart(room_charts.best_accuracy_histogram(best, marked), width="stretch")
        above = sum(value > marked for value in best) if marked is not None else None
        st.caption("Each bar counts workspaces by their best validation accuracy; no names. "
                   + (f"{above} of {len(best)} beat the lecture's run." if above is not None
                      else ""))


def room_sweep_panel() -> None:
    """Sweep page: each workspace's best factor (chosen on validation) and its test mean,
    against Hinton's reported accuracy."""
    if not keyring.is_instructor():
        return
    newest: dict[str, str] = {}
    for item in engine.registry().sweeps():  # newest first: keep each workspace's newest
        if item.state == "done" and item.workspace != LECTURE_WORKSPACE:
            newest.setdefault(item.workspace, item.sweep_id)
    points = []
    for sweep_id in newest.values():
        numbers = sweep.summary(engine.registry(), sweep_id)
        if numbers.best_factor is not None and numbers.best_mean_accuracy is not None:
            points.append({"factor": numbers.best_factor,
                           "accuracy": numbers.best_mean_accuracy})
    with st.expander(f"How did the room do? ({len(points)} sweeps)", icon=":material/groups:"):
        if not points:
            st.caption("No student has finished a sweep yet.")
            return
        st.altair_chart(room_charts.best_factors(points, HINTON_ACCURACY), width="stretch")
        st.caption(f"One dot per workspace's newest sweep; the dashed line is Hinton's "
                   f"{HINTON_ACCURACY}. No names.")
