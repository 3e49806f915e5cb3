"""Altair chart builders: arrays in, chart out, one function per chart, no Streamlit."""

import altair as alt
import numpy as np
import pandas as pd

DIGITS = list(range(10))
HEATMAP_CELL_PIXELS = 18


def class_distribution(train_labels: np.ndarray, test_labels: np.ndarray) -> alt.Chart:
    """Bars of each digit's share of the train and of the test split, side by side."""
    frames = []
    for split_name, labels in (("train", train_labels), ("test", test_labels)):
        counts = np.bincount(labels, minlength=10)
        frames.append(pd.DataFrame(
            {"digit": DIGITS, "split": split_name, "images": counts, "share": counts / len(labels)}
        ))
    return alt.Chart(pd.concat(frames, ignore_index=True)).mark_bar().encode(
        x=alt.X("digit:O", title="digit", axis=alt.Axis(labelAngle=0)),
        xOffset=alt.XOffset("split:N", sort=["train", "test"]),
        y=alt.Y("share:Q", title="share of its split", axis=alt.Axis(format="%")),
        color=alt.Color("split:N", sort=["train", "test"], title="split"),
        tooltip=["split:N", "digit:O", alt.Tooltip("images:Q", format=","),
                 alt.Tooltip("share:Q", format=".2%")],
    )


def pixel_histogram(counts: np.ndarray, edges: np.ndarray, value_title: str) -> alt.Chart:
    """Bars of how many pixels fall in each bin, on a log scale (most pixels are 0)."""
    if len(edges) != len(counts) + 1:
        raise ValueError(f"{len(counts)} counts need {len(counts) + 1} edges, got {len(edges)}")
    # Bars rise from 1 pixel: a log scale has no 0 to start from.
    frame = pd.DataFrame({"start": edges[:-1], "end": edges[1:], "pixels": counts, "floor": 1})
    return alt.Chart(frame[frame.pixels > 0]).mark_rect().encode(
        x=alt.X("start:Q", title=value_title, scale=alt.Scale(domain=[edges[0], edges[-1]])),
        x2="end:Q",
        y=alt.Y("pixels:Q", title="pixels (log scale)", scale=alt.Scale(type="log"),
                axis=alt.Axis(format="~s")),
        y2="floor:Q",
        tooltip=[alt.Tooltip("start:Q", title="from", format=".3~f"),
                 alt.Tooltip("end:Q", title="to", format=".3~f"),
                 alt.Tooltip("pixels:Q", format=",")],
    ).properties(height=220)


def digit_heatmap(image: np.ndarray) -> alt.LayerChart:
    """One (28, 28) image as grey cells, each labelled with its value (blank cells are 0)."""
    if image.ndim != 2:
        raise ValueError(f"digit_heatmap expects one (height, width) image, got {image.shape}")
    is_integer = np.issubdtype(image.dtype, np.integer)
    values = image.ravel()
    if is_integer:
        labels = [str(value) for value in values]
    else:
        # Three decimals without the leading 0 fit a cell and keep 1/255 from reading 0.00.
        labels = ["1" if value == 1 else f"{value:.3f}".removeprefix("0") for value in values]
    rows, columns = np.indices(image.shape)
    frame = pd.DataFrame(
        {"row": rows.ravel(), "column": columns.ravel(), "value": values, "label": labels})
    return _annotated_heatmap(
        frame,
        top=np.iinfo(image.dtype).max if is_integer else 1.0,
        colors=("black", "white"),  # as MNIST is usually drawn: background 0 black
        font_size=8,
        show_zeros=False,
        cell_size=(HEATMAP_CELL_PIXELS, HEATMAP_CELL_PIXELS),
    )


def one_hot_grid(vectors: np.ndarray, row_names: list[str]) -> alt.LayerChart:
    """One-hot rows (n, 10) as a grid of 0s and 1s, one named row per label."""
    if vectors.ndim != 2 or len(vectors) != len(row_names):
        raise ValueError(f"one_hot_grid expects (n, classes) vectors and n row names, "
                         f"got {vectors.shape} and {len(row_names)} names")
    if len(set(row_names)) != len(row_names):
        raise ValueError(f"one_hot_grid needs distinct row names, got {row_names}")
    rows, columns = np.indices(vectors.shape)
    frame = pd.DataFrame({
        "row": np.asarray(row_names)[rows.ravel()],
        "column": columns.ravel(),
        "value": vectors.ravel(),
        "label": [f"{value:g}" for value in vectors.ravel()],
    })
    return _annotated_heatmap(
        frame,
        top=1.0,
        colors=("white", "steelblue"),
        font_size=11,
        show_zeros=True,
        cell_size=(HEATMAP_CELL_PIXELS + 12, HEATMAP_CELL_PIXELS + 4),
        row_order=row_names,
        column_title="class",
    )


def _annotated_heatmap(frame, *, top, colors, font_size, show_zeros, cell_size, row_order=None,
                       column_title=None) -> alt.LayerChart:
    # Cells run from colors[0] at 0 to colors[1] at `top`; text takes the other end's colour.
    labelled = alt.Axis(labelAngle=0, labelOverlap=False)
    base = alt.Chart(frame).encode(
        x=alt.X("column:O", title=column_title, axis=labelled if column_title else None),
        y=alt.Y("row:O", sort=row_order, title=None, axis=labelled if row_order else None),
    )
    cells = base.mark_rect(stroke="lightgrey", strokeWidth=0.2).encode(
        color=alt.Color("value:Q", legend=None, scale=alt.Scale(domain=[0, top], range=colors,
                                                          interpolate="rgb")),
        tooltip=["row:O", "column:O", alt.Tooltip("value:Q", format=".4~f")],
    )
    text = base.mark_text(fontSize=font_size).encode(
        text="label:N",
        color=alt.condition(alt.datum.value > top / 2, alt.value(colors[0]),
                            alt.value(colors[1])),
    )
    if not show_zeros:
        text = text.transform_filter(alt.datum.value > 0)
    cell_width, cell_height = cell_size
    # "pad" keeps cells the given size; Streamlit's default "fit" would squeeze in the axes.
    return (cells + text).properties(
        width=cell_width * frame.column.nunique(),
        height=cell_height * frame.row.nunique(),
        autosize=alt.AutoSizeParams(type="pad"),
    )
