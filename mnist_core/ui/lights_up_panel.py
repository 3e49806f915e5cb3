"""The draw page's look inside one model: which strokes its answer rests on (the occlusion
map), and the hidden units (a dense net) or feature maps (a conv net) the drawing lights up."""

import matplotlib
import numpy as np
import streamlit as st

from mnist_core.evaluate import conv_insight, lights_up
from mnist_core.store import RunError
from mnist_core.ui import draw_panels, engine, images, lecture_view

MODEL_KEY = "lights_up_model"
COLOUR_MAP = "RdBu_r"  # red: covering there cost the answer; blue: it made the answer surer
# The colour scale ends at the map's largest change, so a sure model's small drops still show
# where it looks (the numbers say how small); changes under a tenth of a point stay pale.
MIN_SCALE = 0.001
INK_SHADE = 0.6  # how much the strokes darken the map, so the digit shows through
# (pixels per digit pixel of the map, units shown, their width, maps shown per layer, width)
# Each fills about one row of its column: on the projector fewer and bigger.
DESK = {"map_scale": 10, "units": 8, "unit_width": 80, "maps": 8, "map_width": 72}
PROJECTOR = {"map_scale": 18, "units": 4, "unit_width": 190, "maps": 4, "map_width": 190}


def lights_up_panel(digit: np.ndarray, answers: list, workspace: str) -> None:
    """For one of the models that answered the drawing (draw_panels' Answers)."""
    st.subheader("What your drawing lights up")
    labels = draw_panels.model_labels(workspace)
    run_ids = [answer.run_id for answer in answers if answer.run_id in labels]
    run_id = st.selectbox("Look inside", run_ids, format_func=labels.get, key=MODEL_KEY)
    if run_id is None:
        return
    try:
        insight = _insight(run_id, engine.model_version(run_id), digit.tobytes())
    except RunError as error:
        st.error(str(error))
        return
    sizes = PROJECTOR if lecture_view.is_lecture() else DESK
    map_column, inside_column = st.columns([1, 1] if lecture_view.is_lecture() else [2, 3],
                                           gap="large")
    with map_column:
        occlusion_view(digit, insight["occlusion"], sizes["map_scale"])
    with inside_column:
        if "units" in insight:
            units_view(insight["units"], sizes["units"], sizes["unit_width"])
        else:
            feature_maps_view(insight["maps"], sizes["maps"], sizes["map_width"])


@st.cache_data(max_entries=64, show_spinner=False)
def _insight(run_id: str, version: float, digit_bytes: bytes) -> dict:
    """Everything the panel shows for one model and drawing; `version` is only a cache key."""
    model = engine.trained_model(run_id)
    digit = np.frombuffer(digit_bytes, np.uint8).reshape(lights_up.SIDE, lights_up.SIDE)
    insight = {"occlusion": lights_up.occlusion_map(model, digit)}
    if lights_up.is_convolutional(model):
        insight["maps"] = [(name, maps.astype(np.float32))  # bfloat16 under mixed precision
                           for name, maps in conv_insight.feature_maps(model, digit)]
    else:
        insight["units"] = lights_up.strongest_units(model, digit, max(DESK["units"],
                                                                        PROJECTOR["units"]))
    return insight


def occlusion_view(digit: np.ndarray, occlusion: lights_up.Occlusion, scale: int) -> None:
    heat = occlusion.per_pixel()
    limit = max(float(np.abs(heat).max()), MIN_SCALE)
    st.markdown(f"**Which strokes made it say {occlusion.answer}** "
                f"({occlusion.probability:.0%} sure)")
    st.image(_enlarged(shaded(heat, digit, limit), scale), width=lights_up.SIDE * scale,
             output_format="PNG")
    st.image(_enlarged(colour_bar(limit), scale), width=lights_up.SIDE * scale,
             output_format="PNG", caption=f"each pixel: the mean drop in probability over the "
                                          f"patches that covered it; blue −{points(limit)} · "
                                          f"white 0 · red +{points(limit)}")
    worst = np.unravel_index(int(occlusion.drops.argmax()), occlusion.drops.shape)
    top, left = (lights_up.POSITIONS[index] for index in worst)
    drop = float(occlusion.drops[worst])
    patch = lights_up.PATCH
    st.caption(
        f"We covered the drawing with a blank {patch}×{patch} square, "
        f"{len(lights_up.POSITIONS) ** 2} times, {lights_up.STRIDE} pixels apart, and asked "
        f"the model again each time. **Red**: covering there lowered its probability of "
        f"{occlusion.answer}, so those strokes are what it relies on; **blue**: covering "
        "there made it surer; your strokes are the dark lines. "
        + (f"Covering rows {top}–{top + patch - 1}, columns {left}–{left + patch - 1} costs "
           f"it most: {points(drop)}." if drop >= MIN_SCALE else
           "No single patch lowers it by a tenth of a point: it is sure from the rest of "
           "the digit wherever one piece is hidden."))


def points(change: float) -> str:
    """A change in probability in percentage points, with a decimal when it is small."""
    return f"{change * 100:.1f} points" if abs(change) < 0.1 else f"{change * 100:.0f} points"


def shaded(heat: np.ndarray, digit: np.ndarray, limit: float) -> np.ndarray:
    """The drop at each pixel as a colour (±limit at the ends), darkened where there is ink."""
    colours = matplotlib.colormaps[COLOUR_MAP]((np.clip(heat / limit, -1, 1) + 1) / 2)[..., :3]
    ink = digit.astype(np.float32)[..., np.newaxis] / 255
    return colours * (1 - INK_SHADE * ink)


def colour_bar(limit: float) -> np.ndarray:
    """A strip of the colours from −limit (left) to +limit (right), as wide as the map."""
    steps = np.linspace(-limit, limit, lights_up.SIDE)
    return shaded(np.tile(steps, (2, 1)), np.zeros((2, lights_up.SIDE), np.uint8), limit)


def units_view(units: lights_up.Units, shown: int, width: int) -> None:
    st.markdown(f"**The {shown} hidden units your drawing excites most**")
    captions = [f"unit {index}: {activation:.2f}" for index, activation
                in zip(units.indices[:shown], units.activations[:shown], strict=True)]
    st.image([_enlarged(images.diverging(weights), 4) for weights in units.weights[:shown]],
             width=width, output_format="PNG", caption=captions)
    st.caption("Each picture is one unit of the first hidden layer: its 784 incoming weights "
               "laid out as the 28×28 digit. Red pixels raise its output when they hold ink, "
               "blue ones lower it. The number is its output for your drawing (after its "
               "activation function): ink on red weights makes it large.")


def feature_maps_view(maps: list[tuple[str, np.ndarray]], count: int, width: int) -> None:
    st.markdown("**What each conv layer passes on**")
    for name, layer_maps in maps:
        strongest = lights_up.strongest_channels(layer_maps, count)
        height, side, channels = layer_maps.shape
        st.markdown(f"`{name}`: {channels} maps of {height}×{side}; the {len(strongest)} "
                    "your drawing lights up most")
        st.image([_enlarged(images.normalised(layer_maps[..., channel]),
                            max(1, width // side)) for channel in strongest],
                 width=width, output_format="PNG",
                 caption=[f"map {channel}" for channel in strongest])
    st.caption("Each map is one filter slid over the layer's input: bright where it found "
               "its pattern (an edge, a stroke's end, a curve) in your drawing. Deeper layers "
               "are smaller after pooling, and combine the patterns of the layer before.")


def _enlarged(image: np.ndarray, scale: int) -> np.ndarray:
    """Each pixel as a scale×scale block, so the browser shows sharp squares, not a blur."""
    return np.repeat(np.repeat(image, scale, axis=0), scale, axis=1)
