"""Data & preprocessing: MNIST as numbers, and what scaling and one-hot labels do to it."""

import numpy as np
import pandas as pd
import streamlit as st

from mnist_core import ui
from mnist_core.charts import data_charts
from mnist_core.data import explore, preprocess

DISPLAY_ZOOM = 4  # 28 px digits drawn 112 px wide, pixels kept sharp

st.set_page_config(page_title="Data & preprocessing · MNIST Lab", page_icon=":material/grid_on:",
                   layout="wide")
workspace = ui.sidebar()
mnist = ui.mnist()
comparison = ui.scaling_comparison()
raw, scaled = comparison["before"]["summary"], comparison["after"]["summary"]
height, width = mnist.x_train.shape[1:]

st.title("Data & preprocessing")
st.write(
    f"Each MNIST image is a {height}×{width} grid of grey levels from {raw['min']} (black) to "
    f"{raw['max']} (white), stored as `{raw['dtype']}`, with its digit as the label. A network "
    "wants both in another form: this page shows the raw data, then the assignment's two "
    "preprocessing steps."
)

st.header("The digits")
images, labels, indices = ui.digit_browser(mnist)
names = [f"#{index}: label {labels[index]}" for index in indices]
st.image(list(explore.enlarge(preprocess.scale(images[indices]), DISPLAY_ZOOM)), caption=names)

st.header("One digit, up close")
controls, heatmap = st.columns([1, 2])
chosen = controls.selectbox("Digit to inspect", indices, key="data_inspect",
                            format_func=lambda index: names[indices.index(index)])
shown = controls.segmented_control("Pixel values", ["before scaling", "after scaling"],
                                   default="before scaling", required=True, key="data_stage")
raw_digit = images[chosen]
digit_image = raw_digit if shown == "before scaling" else preprocess.scale(raw_digit)
controls.image(explore.enlarge(digit_image, DISPLAY_ZOOM))
controls.markdown(
    f"`{digit_image.dtype}`, {digit_image.min():g} to {digit_image.max():g}. Scaling divides "
    f"every value by {raw['max']}: the brightest pixel, {raw_digit.max()}, becomes "
    f"{preprocess.scale(raw_digit).max():.4f}. The numbers change, the picture does not."
)
heatmap.altair_chart(data_charts.digit_heatmap(digit_image), width="content")
heatmap.caption("Blank cells are 0." if shown == "before scaling" else
                "Blank cells are 0; the leading zero is left out, so .992 means 0.992.")

st.header("How many of each digit")
counts = np.bincount(mnist.y_train, minlength=10)
st.altair_chart(data_charts.class_distribution(mnist.y_train, mnist.y_test), width="stretch")
st.write(
    f"The most common training digit is {counts.argmax()} ({counts.max():,} images), the rarest "
    f"{counts.argmin()} ({counts.min():,}). Always guessing the most common digit would be right "
    f"only {counts.max() / counts.sum():.1%} of the time, so with classes this even, accuracy is "
    "a fair first measure."
)

st.header("Step 1: pixels to float32 in [0, 1]")
st.code('x_train = x_train.astype("float32") / 255', language="python")
st.dataframe(pd.DataFrame({"before": raw, "after": scaled}).T, width="stretch")
float64_megabytes = mnist.x_train.size * np.dtype(np.float64).itemsize / explore.MEGABYTE
st.markdown(
    f"""
- **Why floats.** A network's weights, activations and gradients are fractions, so its layers
  compute in floating point, and after the division the inputs are fractions too.
- **Why float32.** CPU vector units and GPUs are fastest at it, and its precision (steps of
  {np.finfo(np.float32).eps:.1e} near 1) is far finer than the gap between two grey levels
  ({1 / raw['max']:.4f}). The price: the training images grow from {raw['megabytes']:,.1f} MB to
  {scaled['megabytes']:,.1f} MB, {scaled['megabytes'] / raw['megabytes']:g}× as much. float64
  would take {float64_megabytes:,.1f} MB and run slower, for no gain in accuracy; that is why
  `astype` comes first, as `x_train / 255` on the `{raw['dtype']}` array would give float64.
- **Why divide by {raw['max']}.** With inputs in [0, 1], the first layer's weighted sums start
  small, so activations and gradients have a sensible size and one learning rate suits every
  weight. Raw grey levels would make those sums up to {raw['max']} times larger.
"""
)
units = (f"grey level ({raw['dtype']})", f"value ({scaled['dtype']})")
for column, stage, unit in zip(st.columns(2), ("before", "after"), units, strict=True):
    column.altair_chart(data_charts.pixel_histogram(*comparison[stage]["histogram"], unit),
                        width="stretch")
st.caption(
    "Same bars, new axis: scaling moves no pixel to another bin. "
    f"{comparison['before']['zero_share']:.1%} of all training pixels are exactly 0 (background)."
)

st.header("The average digit")
means = ui.class_means() / raw["max"]
st.image(explore.enlarge(explore.tile(means, columns=len(means)), DISPLAY_ZOOM - 1),
         caption=f"The mean training image of each digit, 0 to {len(means) - 1}",
         width="stretch")
never_inked = int((mnist.x_train.max(axis=0) == 0).sum())
st.write(
    f"Each picture averages every training image of one digit. Where they differ, pixels carry "
    f"information about the class; {never_inked} of the {height * width} pixels are 0 in every "
    "training image and tell a network nothing."
)

st.header("Step 2: labels to one-hot vectors")
st.code(f"y_train = keras.utils.to_categorical(y_train, {preprocess.NUM_CLASSES})",
        language="python")
vectors = preprocess.one_hot(labels[indices])
grid, explanation = st.columns(2)
grid.altair_chart(data_charts.one_hot_grid(vectors, names), width="content")
explanation.write(
    f"The network ends in {preprocess.NUM_CLASSES} softmax outputs, one per digit, positive and "
    "adding up to 1: a probability for each class. One-hot turns the label into the same kind "
    "of object, with all its probability on the true digit, so the loss compares two "
    "distributions over the classes. A single numeric output would treat digits as quantities, "
    "as if a 7 were closer to an 8 than to a 1."
)
explanation.latex(r"p_c = \frac{e^{z_c}}{\sum_{j} e^{z_j}} \qquad "
                  r"L = -\sum_{c} y_c \log p_c = -\log p_{\text{true digit}}")
probability = explanation.slider("Probability the network gives the true digit", 0.01, 0.99,
                                 0.5, key="data_true_probability")
true_digit = labels[indices[0]]
loss = explore.cross_entropy(vectors[0], explore.spread_guess(true_digit, probability))
even = 1 / preprocess.NUM_CLASSES
untrained = explore.cross_entropy(vectors[0], explore.spread_guess(true_digit, even))
explanation.write(
    f"For {names[0]}, that guess costs L = {loss:.3f}. An untrained network spreads its guess "
    f"evenly ({even:g} each), so training starts near L = {untrained:.3f} and pushes it toward 0."
)
ui.data_questions(workspace)
