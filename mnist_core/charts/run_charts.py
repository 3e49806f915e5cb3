"""Altair charts of training runs: live curves, run overlays, confusion matrix, probabilities."""

import altair as alt
import numpy as np
import pandas as pd

CONFUSION_SELECTION = "cell"
_SPLIT_COLORS = alt.Scale(domain=["training", "validation"], range=["#1f77b4", "#ff7f0e"])
# Beside the plot: Streamlit fits a chart's whole spec into its height, and a legend below (or
# above) the plot took about 100 px of 240, which squeezed the curves flat under the lecture
# view's larger text.
LEGEND_BESIDE = alt.Legend(orient="right")


def curves(history: list[dict], metric: str, height: int = 240) -> alt.Chart:
    """One metric ('loss' or 'accuracy') per epoch, training and validation as two lines."""
    rows = [
        {"epoch": entry["epoch"], "split": split, metric: entry[key]}
        for entry in history
        for split, key in (("training", metric), ("validation", f"val_{metric}"))
    ]
    frame = pd.DataFrame(rows, columns=["epoch", "split", metric])
    return (
        alt.Chart(frame, title=metric)
        .mark_line(point=True)
        .encode(
            x=alt.X("epoch:Q", axis=alt.Axis(tickMinStep=1)),
            y=alt.Y(f"{metric}:Q", scale=alt.Scale(zero=False)),
            color=alt.Color("split:N", scale=_SPLIT_COLORS, title=None,
                            legend=LEGEND_BESIDE),
            tooltip=["epoch", "split", alt.Tooltip(f"{metric}:Q", format=".4f")],
        )
        .properties(height=height)
    )


def overlay(runs: dict[str, list[dict]], metric: str = "val_accuracy") -> alt.Chart:
    """One line per run (label -> history) for comparing runs on the validation split."""
    rows = [{"run": label, "epoch": entry["epoch"], metric: entry[metric]}
            for label, history in runs.items() for entry in history]
    frame = pd.DataFrame(rows, columns=["run", "epoch", metric])
    return (
        alt.Chart(frame)
        .mark_line(point=True)
        .encode(
            x=alt.X("epoch:Q", axis=alt.Axis(tickMinStep=1)),
            y=alt.Y(f"{metric}:Q", scale=alt.Scale(zero=False), title=metric.replace("_", " ")),
            color=alt.Color("run:N", title="run"),
            tooltip=["run", "epoch", alt.Tooltip(f"{metric}:Q", format=".4f")],
        )
        .properties(height=260)
    )


def confusion(matrix: np.ndarray) -> alt.LayerChart:
    """counts[true, predicted] as a heatmap; clicking a cell selects (true, predicted)."""
    size = matrix.shape[0]
    frame = pd.DataFrame(
        [{"true": t, "predicted": p, "count": int(matrix[t, p]), "correct": t == p}
         for t in range(size) for p in range(size)]
    )
    selection = alt.selection_point(name=CONFUSION_SELECTION, fields=["true", "predicted"])
    base = alt.Chart(frame).encode(
        x=alt.X("predicted:O", title="predicted digit"),
        y=alt.Y("true:O", title="true digit"),
    )
    cells = base.mark_rect().encode(
        color=alt.Color("count:Q", scale=alt.Scale(type="symlog", scheme="blues"), legend=None),
        opacity=alt.condition(selection, alt.value(1.0), alt.value(0.5)),
        tooltip=["true", "predicted", "count"],
    ).add_params(selection)
    labels = base.mark_text(fontSize=11).encode(
        text="count:Q",
        color=alt.condition("datum.count > 200", alt.value("white"), alt.value("black")),
    )
    return (cells + labels).properties(width=380, height=380)


def probabilities(probs: np.ndarray, true_label: int | None = None,
                  height: int = 110) -> alt.Chart:
    """The 10 class probabilities as bars; the predicted class (and the true one) marked."""
    predicted = int(np.argmax(probs))
    frame = pd.DataFrame({
        "digit": [str(digit) for digit in range(len(probs))],
        "probability": np.asarray(probs, dtype=float),
        "role": ["predicted" if digit == predicted else
                 ("true" if digit == true_label else "other") for digit in range(len(probs))],
    })
    return (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            x=alt.X("digit:N", sort=None, title=None),
            y=alt.Y("probability:Q", scale=alt.Scale(domain=[0, 1]), title=None),
            color=alt.Color("role:N", legend=None, scale=alt.Scale(
                domain=["predicted", "true", "other"], range=["#2e7d32", "#c62828", "#9e9e9e"])),
            tooltip=["digit", alt.Tooltip("probability:Q", format=".3f")],
        )
        .properties(height=height)
    )


def shift_accuracy(curves: dict[str, list[float]]) -> alt.Chart:
    """Test accuracy against how far the digits were shifted, one line per model."""
    frame = pd.DataFrame([{"model": label, "shift (pixels)": distance, "accuracy": accuracy}
                          for label, accuracies in curves.items()
                          for distance, accuracy in enumerate(accuracies)])
    return (
        alt.Chart(frame)
        .mark_line(point=True)
        .encode(
            x=alt.X("shift (pixels):O", axis=alt.Axis(labelAngle=0)),
            y=alt.Y("accuracy:Q", scale=alt.Scale(zero=False)),
            color=alt.Color("model:N", title=None, legend=LEGEND_BESIDE),
            tooltip=["model", "shift (pixels)", alt.Tooltip("accuracy:Q", format=".4f")],
        )
        .properties(height=280)
    )


def sweep_accuracy(rows: list[dict], points: list[dict], reference: float,
                   log_x: bool) -> alt.LayerChart:
    """Mean ± std of test accuracy per factor, each replicate as a dot, a dashed reference.

    rows: {"factor", "mean", "std", "best"}; points: {"factor", "accuracy", "replicate"}.
    """
    scale = alt.Scale(type="log") if log_x else alt.Scale(zero=False)
    x = alt.X("factor:Q", scale=scale, title="L2 factor λ", axis=alt.Axis(format=".1e"))
    frame = pd.DataFrame(rows, columns=["factor", "mean", "std", "best"]).dropna(subset=["mean"])
    frame["low"] = frame["mean"] - frame["std"].fillna(0)
    frame["high"] = frame["mean"] + frame["std"].fillna(0)
    bars = alt.Chart(frame).mark_errorbar(ticks=True).encode(
        x=x, y=alt.Y("low:Q", scale=alt.Scale(zero=False), title="test accuracy"),
        y2="high:Q")
    means = alt.Chart(frame).mark_point(filled=True, size=90).encode(
        x=x, y="mean:Q",
        color=alt.condition("datum.best", alt.value("#d62728"), alt.value("#1f77b4")),
        tooltip=[alt.Tooltip("factor:Q", format=".2e"), alt.Tooltip("mean:Q", format=".4f"),
                 alt.Tooltip("std:Q", format=".4f")])
    replicates = alt.Chart(pd.DataFrame(points, columns=["factor", "accuracy", "replicate"])) \
        .mark_circle(size=30, opacity=0.45, color="gray").encode(
            x=x, y="accuracy:Q", tooltip=["replicate", alt.Tooltip("accuracy:Q", format=".4f")])
    hinton = alt.Chart(pd.DataFrame({"y": [reference]})).mark_rule(
        strokeDash=[6, 4], color="#2ca02c").encode(y="y:Q")
    label = alt.Chart(pd.DataFrame({"y": [reference], "text": [f"Hinton {reference}"]})) \
        .mark_text(align="left", dx=4, dy=-6, color="#2ca02c").encode(
            y="y:Q", text="text:N", x=alt.value(0))
    return (replicates + bars + means + hinton + label).properties(height=340)


def per_factor(rows: list[dict], field: str, title: str, log_x: bool) -> alt.Chart:
    """One number per factor (the train-test gap, the kernels' norm) as a line with points."""
    frame = pd.DataFrame(rows, columns=["factor", field]).dropna()
    scale = alt.Scale(type="log") if log_x else alt.Scale(zero=False)
    return (
        alt.Chart(frame, title=title)
        .mark_line(point=True)
        .encode(x=alt.X("factor:Q", scale=scale, title="L2 factor λ",
                        axis=alt.Axis(format=".1e")),
                y=alt.Y(f"{field}:Q", scale=alt.Scale(zero=False), title=title),
                tooltip=[alt.Tooltip("factor:Q", format=".2e"),
                         alt.Tooltip(f"{field}:Q", format=".4f")])
        .properties(height=220)
    )
