"""The workspace's runs: a list in the sidebar, and curves of several runs overlaid."""

import time

import streamlit as st

from mnist_core.charts import run_charts
from mnist_core.models import kinds
from mnist_core.store import NotAllowed, Run
from mnist_core.ui import engine, keyring, url_state
from mnist_core.ui.downloads import download_buttons
from mnist_core.ui.job_panel import STATE_ICONS, current_run_key

RUNS_LISTED = 12


def run_label(run: Run) -> str:
    hidden = run.config.get("model", {}).get("hidden_units")
    shape = "-".join(str(units) for units in hidden) if hidden else run.model
    score = f"{run.test_accuracy:.2%}" if run.test_accuracy is not None else run.state
    started = time.strftime("%H:%M", time.localtime(run.created_at))
    return f"{run.model.upper()} {shape} · {score} · {started}"


def run_list(workspace: str) -> None:
    """State, accuracy and time of each run; open, delete, and the command to reproduce it."""
    runs = engine.registry().runs(workspace=workspace)
    st.subheader(f"Runs in “{workspace}”")
    if not runs:
        st.caption("No runs yet. Runs an instructor trains from the terminal (workspace "
                   "`lecture`) appear here too.")
        return
    for run in runs[:RUNS_LISTED]:
        with st.expander(f"{STATE_ICONS.get(run.state, '')} {run_label(run)}"):
            if run.problem:
                st.warning(run.problem)
            st.caption(f"{run.run_id} · workspace {run.workspace} · "
                       + (f"{run.seconds:.0f} s" if run.seconds else run.state))
            st.code(run.command, language="bash", wrap_lines=True)
            download_buttons(run, "sidebar")
            open_column, delete_column = st.columns(2)
            page = kinds.KINDS[run.model].page if run.model in kinds.KINDS else None
            if page and open_column.button("Open", key=f"open_{run.run_id}"):
                st.session_state[current_run_key(run.model)] = run.run_id
                st.switch_page(page, query_params={**url_state.kept(), "workspace": workspace})
            if run.workspace == workspace and keyring.holds(workspace) and delete_column.button(
                    "Delete", key=f"delete_{run.run_id}", disabled=run.is_active,
                    help="Cancel a run before deleting it." if run.is_active else None):
                try:
                    engine.registry().delete(run.run_id, keyring.credential())
                except NotAllowed as refusal:
                    st.error(str(refusal), icon=":material/block:")
                    return
                st.rerun()
    if len(runs) > RUNS_LISTED:
        st.caption(f"…and {len(runs) - RUNS_LISTED} older runs (`python -m mnist_core runs`).")


def compare_panel(run: Run, workspace: str) -> None:
    """This run's validation curve beside earlier runs of the same kind that the user picks."""
    earlier = [other for other in engine.registry().runs(workspace=workspace, states=("done",))
               if other.model == run.model and other.run_id != run.run_id and other.history]
    st.subheader("Compare with earlier runs")
    if not earlier:
        st.caption("Train another configuration to compare it with this one here.")
        return
    labels = {f"{run_label(other)} ({other.run_id[-6:]})": other for other in earlier}
    chosen = st.multiselect("Earlier runs to overlay", list(labels), default=list(labels)[:3],
                            key=f"compare_{run.run_id}")
    curves = {f"this run ({run.run_id[-6:]})": run.history}
    curves.update({label: labels[label].history for label in chosen})
    st.altair_chart(run_charts.overlay(curves), width="stretch")
    st.caption("Validation accuracy per epoch. Compare on validation, not test: picking the "
               "run with the best test score would make that score optimistic.")
