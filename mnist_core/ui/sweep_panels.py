"""The sweep page's panels: the form, the live job, the stored result with error bars."""

import io
import time

import pandas as pd
import streamlit as st

from mnist_core import data, sweep
from mnist_core.charts import run_charts
from mnist_core.models import config
from mnist_core.store import NotAllowed, RunError, Sweep
from mnist_core.sweep.spec import HINTON_ACCURACY, MAX_REPLICATES, TRAIN_ACCURACY_IMAGES
from mnist_core.ui import engine, keyring, url_state
from mnist_core.ui.cluster_note import cluster_note
from mnist_core.ui.job_panel import STATE_ICONS, cancel, may_cancel, read_only_note

SESSION_KEY = "sweep_id"
# Measured here: the assignment's 40-epoch sweep took 323 s for 600 network-epochs on 55k
# images (stacked trainer). Used until a sweep has finished on this machine.
DEFAULT_NETWORK_EPOCH_SECONDS = 0.54
MAX_HIDDEN_TEXT = 60  # characters: "500, 300" with room for a few more layers
MAX_FACTORS, MAX_EPOCHS = 10, 100

# The page's URL parameters (README lists them), each bound to the widget of the same key.
QUICK = url_state.flag("quick")
HIDDEN = url_state.text("hidden", MAX_HIDDEN_TEXT)
SPACING = url_state.choice("spacing", ("linspace", "logspace"))
LOWEST = url_state.number("lmin", 0.0, 1.0)
HIGHEST = url_state.number("lmax", 0.0, 1.0)
FACTORS = url_state.integer("factors", 2, MAX_FACTORS)
REPLICATES = url_state.integer("replicates", 1, MAX_REPLICATES)
EPOCHS = url_state.integer("epochs", 1, MAX_EPOCHS)
TRAIN_SIZE = url_state.choice("train", config.TRAIN_SIZES)
LEARNING_RATE = url_state.number("lr", 1e-4, 1.0)
BATCH = url_state.integer("batch", 8, 4096)
PARAMS = (QUICK, HIDDEN, SPACING, LOWEST, HIGHEST, FACTORS, REPLICATES, EPOCHS, TRAIN_SIZE,
          LEARNING_RATE, BATCH)


def sweep_form() -> sweep.SweepSpec | None:
    """The sweep's settings (the assignment's by default), or None with the reason shown."""
    url_state.check("sweep", PARAMS)
    quick = st.toggle("Quick sweep: 10,000 images and 10 epochs (a few minutes; labelled "
                      "as quick in its results)", **QUICK.widget)
    left, middle, right = st.columns(3)
    hidden = left.text_input("Hidden layers", "500, 300", max_chars=MAX_HIDDEN_TEXT,
                             **HIDDEN.widget)
    spacing = left.radio("Factor spacing", ("linspace", "logspace"), horizontal=True,
                         help="The assignment spaced its factors linearly.", **SPACING.widget)
    low = middle.number_input("Smallest factor", 0.0, 1.0, 1e-6, format="%.1e",
                              **LOWEST.widget)
    high = middle.number_input("Largest factor", 0.0, 1.0, 1e-3, format="%.1e",
                               **HIGHEST.widget)
    count = middle.number_input("Factors", 2, MAX_FACTORS, 5, **FACTORS.widget)
    replicates = right.number_input("Replicates per factor", 1, MAX_REPLICATES, 3,
                                    **REPLICATES.widget)
    epochs = right.number_input("Epochs", 1, MAX_EPOCHS, 10 if quick else 40, disabled=quick,
                                **EPOCHS.widget)
    train_size = right.radio("Training images", list(config.TRAIN_SIZES), index=1 if quick else 2,
                             horizontal=True, disabled=quick, **TRAIN_SIZE.widget)
    learning_rate = left.number_input("SGD learning rate", 1e-4, 1.0, 0.1, format="%.4f",
                                      **LEARNING_RATE.widget)
    batch_size = left.number_input("Batch size", 8, 4096, 128, **BATCH.widget)
    try:
        units = _hidden_units(hidden)
        spec = sweep.SweepSpec(
            hidden_units=units,
            factors=sweep.parse_factors(f"{spacing}:{low!r}:{high!r}:{int(count)}"),
            replicates=int(replicates), epochs=10 if quick else int(epochs),
            train_size=10_000 if quick else config.TRAIN_SIZES[train_size],
            learning_rate=float(learning_rate), batch_size=int(batch_size))
        return sweep.validate(spec)
    except ValueError as error:
        st.error(f"This sweep can't run: {error}", icon=":material/block:")
        return None


def _hidden_units(text: str) -> tuple[int, ...]:
    """'500, 300' -> (500, 300); the message never repeats the text (it may come from a link)."""
    try:
        return tuple(int(part) for part in text.replace(" ", "").split(","))
    except ValueError:
        raise ValueError("Hidden layers must be whole numbers separated by commas, such as "
                         "500, 300") from None


def network_epoch_seconds() -> tuple[float, str]:
    """Seconds per network per epoch on 55k images, from sweeps that finished here."""
    measured = []
    for stored in engine.registry().sweeps():
        if stored.state == "done" and stored.seconds:
            spec = sweep.SweepSpec.from_dict(stored.spec)
            measured.append(stored.seconds / (stored.tasks_total * spec.epochs
                                              * _share_of_full_set(spec)))
    if measured:
        return min(measured), f"measured on {len(measured)} finished sweep(s) here"
    return DEFAULT_NETWORK_EPOCH_SECONDS, "from benchmarks/sweep.py on this kind of machine"


def sweep_estimate(spec: sweep.SweepSpec) -> str:
    networks = len(spec.factors) * spec.replicates
    per_epoch, basis = network_epoch_seconds()
    seconds = networks * spec.epochs * per_epoch * _share_of_full_set(spec)
    return (f"{networks} networks × {spec.epochs} epochs: about {seconds / 60:.0f} min "
            f"({basis}).")


def _share_of_full_set(spec: sweep.SweepSpec) -> float:
    """The sweep's training images per network, as a share of the full set's."""
    return (spec.train_size or data.FULL_TRAINING_IMAGES) / data.FULL_TRAINING_IMAGES


def sweep_submit_button(spec: sweep.SweepSpec | None, workspace: str) -> None:
    if not keyring.holds(workspace):
        read_only_note(workspace, "Start")
        return
    active = _get(st.session_state.get(SESSION_KEY))
    if not st.button("Start the sweep", type="primary", disabled=spec is None,
                     icon=":material/play_arrow:"):
        return
    if active is not None and active.is_active:
        st.warning(f"Sweep {active.sweep_id} is still {active.state}: wait for it or cancel it.")
        return
    try:
        st.session_state[SESSION_KEY] = sweep.submit(engine.registry(), spec, workspace,
                                                     keyring.credential())
    except (ValueError, NotAllowed) as error:
        st.error(str(error), icon=":material/block:")
        return
    engine.worker_pool().ensure_running()


def _get(sweep_id: str | None) -> Sweep | None:
    if not sweep_id:
        return None
    try:
        return engine.registry().get_sweep(sweep_id)
    except Exception:  # a deleted sweep is simply no longer shown
        return None


def chosen_sweep(workspace: str) -> Sweep | None:
    """This session's sweep, else the newest of the workspace (and the lecture's), or a pick."""
    stored = engine.registry().sweeps(workspace=workspace)
    if not stored:
        return _get(st.session_state.get(SESSION_KEY))
    labels = {item.sweep_id: _label(item) for item in stored}
    current = st.session_state.get(SESSION_KEY)
    index = list(labels).index(current) if current in labels else 0
    picked = st.selectbox("Sweep to show", list(labels), index=index, format_func=labels.get,
                          key="sweep_pick")
    return _get(picked)


def _label(item: Sweep) -> str:
    when = time.strftime("%d %b %H:%M", time.localtime(item.created_at))
    spec = item.spec
    quick = " · quick" if spec.get("train_size") or spec.get("epochs", 40) < 40 else ""
    return (f"{when} · {item.workspace} · {len(spec.get('factors', []))}×"
            f"{spec.get('replicates')}×{spec.get('epochs')} epochs{quick} · {item.state}")


def sweep_live_panel(item: Sweep) -> None:
    if item.is_active:
        engine.worker_pool().ensure_running()
        _live(item.sweep_id)
    else:
        _status(item)


@st.fragment(run_every=1.0)
def _live(sweep_id: str) -> None:
    item = engine.registry().get_sweep(sweep_id)
    if not item.is_active:
        st.rerun()
    _status(item)
    if may_cancel(item.workspace) and st.button("Cancel the sweep", key=f"cancel_{sweep_id}",
                                                icon=":material/stop:"):
        cancel(sweep_id, "Cancelling: finished networks are kept, and the sweep can be resumed.")


def _status(item: Sweep) -> None:
    icon = STATE_ICONS.get(item.state, "")
    if item.state == "running":
        now = ", ".join(f"λ={factor:.1e} #{replicate + 1}"
                        for factor, replicate in item.training_now)
        eta = f", about {item.eta_seconds / 60:.1f} min left" if item.eta_seconds else ""
        st.progress(min(item.progress, 1.0), text=f"{icon} {item.progress:.0%} of "
                    f"{item.tasks_total} networks{eta}. Training now: {now or 'starting'}")
    elif item.state == "queued":
        st.info(f"{icon} Sweep {item.sweep_id} is queued; it starts when a worker is free.")
        cluster_note()
    elif item.state == "done":
        when = time.strftime("%d %b %Y %H:%M", time.localtime(item.finished_at or 0))
        st.success(f"{icon} Finished {when} in {(item.seconds or 0) / 60:.1f} min "
                   f"(workspace {item.workspace}).")
    else:
        st.warning(f"{icon} Sweep {item.sweep_id} is {item.state}: {item.error or ''} Its "
                   "finished networks are kept.")
        if keyring.holds(item.workspace) and st.button(
                "Resume: train only the missing networks", key=f"resume_{item.sweep_id}"):
            try:
                sweep.resume(engine.registry(), item.sweep_id, keyring.credential())
            except (ValueError, RunError, NotAllowed) as error:
                st.error(str(error))
                return
            st.session_state[SESSION_KEY] = item.sweep_id
            engine.worker_pool().ensure_running()
            st.rerun()


def sweep_result_panel(item: Sweep) -> None:
    """Error bars against Hinton's figure, gap and weight size per factor, a table to take."""
    outcome = sweep.summary(engine.registry(), item.sweep_id)
    rows = [row for row in outcome.factors if row.finished]
    if not rows:
        st.info("No network of this sweep has finished yet.")
        return
    log_x = st.toggle("Log scale for λ", key="sweep_log_x")
    chart_rows = [{"factor": row.factor, "mean": row.test_mean, "std": row.test_std,
                   "best": row.factor == outcome.best_factor} for row in rows]
    points = [{"factor": item.spec["factors"][point.factor_index],
               "accuracy": point.test_accuracy,
               "replicate": point.replicate + 1}
              for point in sweep.outcomes(engine.registry(), item.sweep_id)
              if point.status == "done"]
    st.altair_chart(run_charts.sweep_accuracy(chart_rows, points, HINTON_ACCURACY, log_x),
                    width="stretch")
    if outcome.best_factor is not None:
        gap = outcome.best_mean_accuracy - HINTON_ACCURACY
        st.markdown(
            f"Best factor on the **validation** split: λ = {outcome.best_factor:.2e}. Its "
            f"**test** accuracy, averaged over replicates: {outcome.best_mean_accuracy:.4f}, "
            f"{abs(gap) * 100:.2f} points {'above' if gap >= 0 else 'below'} Hinton's "
            f"{HINTON_ACCURACY}. Error bars: ± one sample standard deviation (ddof="
            f"{outcome.ddof}) over the replicates; grey dots are the replicates themselves.")
    diverged = sum(row.diverged for row in outcome.factors)
    if diverged:
        st.warning(f"{diverged} network(s) diverged (their loss blew up) and are left out of "
                   "the means; the table counts them per factor.")
    gap_column, norm_column = st.columns(2)
    gap_column.altair_chart(run_charts.per_factor(
        [{"factor": row.factor, "gap": row.gap_mean} for row in rows], "gap",
        "train − test accuracy", log_x), width="stretch")
    norm_column.altair_chart(run_charts.per_factor(
        [{"factor": row.factor, "norm": row.kernel_norm_mean} for row in rows], "norm",
        "‖hidden kernels‖₂", log_x), width="stretch")
    st.caption(
        f"Left: accuracy on {TRAIN_ACCURACY_IMAGES:,} training images, with "
        "each network's final weights, minus its test accuracy. A network that memorises its "
        "training images opens this gap, and weight decay is there to narrow it; after only a "
        "few epochs nothing has overfitted yet, so the gap stays small for every λ. Right: "
        "the size of the hidden weights, √Σw², which the penalty λ·Σw² pulls towards zero.")
    table = pd.DataFrame([row.__dict__ for row in outcome.factors])
    st.dataframe(table, hide_index=True, width="stretch")
    buffer = io.StringIO()
    table.to_csv(buffer, index=False)
    st.download_button("Download the table (CSV)", buffer.getvalue(),
                       file_name=f"sweep_{item.sweep_id}.csv", mime="text/csv")
    st.caption(f"Reproduce from a terminal: `{item.command}`")
