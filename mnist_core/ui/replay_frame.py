"""One frame of a run's training replay on the page, and the snapshots it is drawn from;
the replay panel steps through them, the live job panel shows the newest as it arrives."""

import streamlit as st

from mnist_core.charts import run_charts
from mnist_core.evaluate import replay
from mnist_core.store import Run, RunError
from mnist_core.store.snapshot_files import Snapshots
from mnist_core.ui import engine, images, lecture_view

PROBE_COLUMNS = 10
# Pixels per weight: 28×28 unit images and 3×3 or 5×5 filters both end up readable.
WEIGHT_PIXELS, LECTURE_WEIGHT_PIXELS = 96, 150
PROBE_SCALE, LECTURE_PROBE_SCALE = 2, 3


def newest_frame(run: Run) -> None:
    """While a run trains: what it is now, redrawn each time an epoch is kept."""
    try:
        kept = snapshots(run.run_id, version(run.run_id))
    except RunError:
        return  # being replaced, or damaged: the replay panel says which once the run ends
    if kept is not None:
        st.markdown("**Learning so far** (the replay's newest frame)")
        draw_frame(replay.frame(kept, len(kept) - 1), kept, len(kept) - 1)


def draw_frame(frame: replay.Frame, snapshots: Snapshots, index: int) -> None:
    lecture = lecture_view.is_lecture()
    columns = st.columns(3)
    columns[0].metric("Epoch", f"{frame.epoch}")
    columns[1].metric("Probe digits right", f"{int(frame.probe_right.sum())}/"
                      f"{len(frame.probe_labels)}",
                      delta=f"{replay.turned_right(snapshots, index)} turned right since epoch 0"
                      if index else None)
    columns[2].metric("Validation accuracy",
                      f"{frame.val_accuracy:.2%}" if frame.val_accuracy is not None else "–")
    weights, probes = st.columns([2, 3], gap="large")
    with weights:
        st.markdown("**First-layer weights**")
        tiles = [images.diverging(tile) for tile in frame.first_layer]
        side = LECTURE_WEIGHT_PIXELS if lecture else WEIGHT_PIXELS
        st.image(images.mosaic(tiles, columns=4, scale=max(1, side // tiles[0].shape[0]),
                               gap=1))
        st.caption("Red: weight above zero, blue below. They start as random noise and take "
                   "the shape of strokes as the network learns.")
    with probes:
        st.markdown("**The same 50 validation digits, every epoch**")
        tiles = images.marked(frame.probe_images, frame.probe_right)
        st.image(images.mosaic(tiles, PROBE_COLUMNS,
                               scale=LECTURE_PROBE_SCALE if lecture else PROBE_SCALE))
        wrong = [f"{label}→{said}" for label, said, right in zip(
            frame.probe_labels, frame.probe_predicted, frame.probe_right, strict=True)
            if not right]
        st.caption("Green frame: answered right; red: wrong. Every run of the lab answers "
                   "these same digits, so two runs' replays compare directly. "
                   + (f"Wrong now (true→said): {', '.join(wrong)}." if wrong else
                      "All right now."))
    if frame.confusion is None:
        st.caption("Epoch 0 has no confusion matrix: the validation pass comes after each "
                   "epoch of training.")
        return
    chart, words = st.columns([3, 2])
    chart.vega_lite_chart(confusion_spec(frame.confusion))
    words.markdown("The validation confusion matrix at this epoch, counted in the same pass "
                   "that gave the validation accuracy. Early on whole rows land in one or two "
                   "columns (the network says few digits at all); as it learns, the counts "
                   "gather on the diagonal.")


def version(run_id: str) -> float | None:
    """The snapshot file's modification time: a cache key that changes when it is rewritten."""
    try:
        return engine.registry().snapshots_path(run_id).stat().st_mtime_ns
    except FileNotFoundError:
        return None


@st.cache_data(max_entries=64, show_spinner=False)
def snapshots(run_id: str, version: float | None) -> Snapshots | None:
    return engine.registry().load_snapshots(run_id)


@st.cache_data(max_entries=256, show_spinner=False)
def confusion_spec(counts) -> dict:
    """The matrix's Vega-Lite spec, built once per distinct matrix: Altair takes ~50 ms to
    build and check one (benchmarks/insight.py), and a replay shows the same frames over and
    over, to many students at once."""
    return run_charts.confusion(counts).to_dict()
