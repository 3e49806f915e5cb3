"""Results at once in lecture view: the lecture pack's run (or sweep) that matches the page's
settings, with its receipt, without pressing Train."""

import time

import streamlit as st

from mnist_core import lecture
from mnist_core.models import config
from mnist_core.store import Run, Sweep
from mnist_core.sweep import SweepSpec
from mnist_core.ui import engine, lecture_view
from mnist_core.ui.cluster_note import trained_on
from mnist_core.ui.job_panel import curves_with_loss, job_panel

NO_MATCH = ("No lecture run has exactly these settings yet. Press **Train** to train one, or "
            "set them back to the lecture's.")


def run_to_show(model_kind: str, run_config: config.RunConfig) -> Run | None:
    """In lecture view, the lecture's run with these settings (else a note, and this session's
    run if it trained one); elsewhere this session's run, live."""
    if not lecture_view.is_lecture():
        return job_panel(model_kind)
    run = lecture.lecture_run(engine.registry(), run_config)
    if run is None:
        st.info(NO_MATCH, icon=":material/co_present:")
        return job_panel(model_kind)
    receipt(run.created_at, run.seconds, run.command, trained_on(run.versions))
    if run.history:
        curves_with_loss(run.history)
    return run


def sweep_to_show(spec: SweepSpec | None) -> Sweep | None:
    """The lecture's sweep with this spec, in lecture view; None elsewhere or without one."""
    if not lecture_view.is_lecture() or spec is None:
        return None
    item = lecture.lecture_sweep(engine.registry(), spec)
    if item is None:
        st.info("No lecture sweep has exactly these settings yet.", icon=":material/co_present:")
        return None
    receipt(item.created_at, item.seconds, item.command)
    return item


def receipt(created_at: float, seconds: float | None, command: str, where: str = "") -> None:
    when = time.strftime("%d %b %Y %H:%M", time.localtime(created_at))
    took = f", in {seconds / 60:.1f} min" if seconds and seconds >= 120 else (
        f", in {seconds:.0f} s" if seconds else "")
    st.success(f"The lecture's result, trained {when}{took}{where}. The command that trains "
               "it again:",
               icon=":material/co_present:")
    st.code(command, language="bash", wrap_lines=True)
