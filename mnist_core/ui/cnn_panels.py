"""What a CNN learned (filters, feature maps, augmentation) and how it compares with an MLP."""

import streamlit as st

from mnist_core.charts import run_charts
from mnist_core.evaluate import conv_insight
from mnist_core.models import mlp
from mnist_core.store import Run, RunError
from mnist_core.ui import engine, images, loaders

SHIFT_TEST_IMAGES = 1000
MAX_SHIFT = 4
MAPS_SHOWN = 16


def learned_panel(run: Run) -> None:
    """First-layer filters, feature maps for a digit the student picks, augmented versions."""
    model = engine.trained_model(run.run_id)
    st.subheader("What the first conv layer looks for")
    filters = conv_insight.first_layer_filters(model)
    st.caption(f"Each of the {len(filters)} small images is one {filters.shape[1]}×"
               f"{filters.shape[2]} kernel. It slides over the whole digit, so the same few "
               "weights find an edge or a stroke wherever it is. Red: weight above zero.")
    st.image([images.diverging(kernel) for kernel in filters], width=48)

    st.subheader("Feature maps: what each conv layer passes on")
    x_test = loaders.mnist().x_test
    index = st.number_input("Test digit", 0, len(x_test) - 1, 0, key=f"maps_digit_{run.run_id}")
    digit = x_test[int(index)]
    st.image(digit, width=84, caption="input")
    for name, maps in conv_insight.feature_maps(model, digit):
        shown = min(MAPS_SHOWN, maps.shape[-1])
        st.markdown(f"**{name}**: {maps.shape[0]}×{maps.shape[1]} × {maps.shape[-1]} maps "
                    f"(first {shown} shown; bright where the filter fired)")
        st.image([images.normalised(maps[..., channel]) for channel in range(shown)], width=56)
    if run.config.get("model", {}).get("augment"):
        st.subheader("Augmentation: what the network saw instead of this digit")
        versions = conv_insight.augmented_versions(model, digit, 12)
        st.image(list(versions), width=56)
        st.caption("Each epoch sees a new random rotation, zoom and shift of every training "
                   "digit, so the network cannot memorise exact pixel positions. (The "
                   "assignment defined this augmentation but its fit call never used it.)")


@st.cache_data(max_entries=16, show_spinner="Shifting test digits and asking both models…")
def shift_curves(cnn_run_id: str, mlp_run_id: str, versions: tuple) -> dict[str, list[float]]:
    """`versions` (the two model files' times) is only a cache key: new files, new curves."""
    mnist = loaders.mnist()
    images, labels = mnist.x_test[:SHIFT_TEST_IMAGES], mnist.y_test[:SHIFT_TEST_IMAGES]
    curves = {}
    for label, run_id in (("CNN", cnn_run_id), ("MLP", mlp_run_id)):
        model = engine.trained_model(run_id)
        curves[label] = conv_insight.shift_accuracy(model, images, labels, MAX_SHIFT)
    return curves


def conv_vs_dense_panel(run: Run, workspace: str) -> None:
    """Parameters, accuracy and robustness to shifts: this CNN beside the best MLP run."""
    st.subheader("Conv vs dense, measured")
    mlp_runs = [other for other in engine.registry().runs(workspace=workspace, states=("done",))
                if other.model == mlp.KIND.name and other.val_accuracy is not None]
    if not mlp_runs:
        st.info("Train an MLP on the MLP page to compare it with this CNN here.")
        return
    best_mlp = max(mlp_runs, key=lambda other: other.val_accuracy)  # chosen on validation
    left, right = st.columns(2)
    for column, label, other in ((left, "This CNN", run),
                                 (right, "Best MLP (validation)", best_mlp)):
        column.metric(f"{label}: test accuracy", f"{other.test_accuracy:.2%}")
        column.metric(f"{label}: parameters", f"{other.params:,}")
    try:
        curves = shift_curves(run.run_id, best_mlp.run_id,
                               (engine.model_version(run.run_id),
                                engine.model_version(best_mlp.run_id)))
    except RunError as error:
        st.error(str(error))
        return
    st.altair_chart(run_charts.shift_accuracy(curves), width="stretch")
    cnn_drop = curves["CNN"][0] - curves["CNN"][-1]
    mlp_drop = curves["MLP"][0] - curves["MLP"][-1]
    st.markdown(
        f"Shifting {SHIFT_TEST_IMAGES:,} test digits by {MAX_SHIFT} pixels (averaged over four "
        f"directions) costs the CNN {cnn_drop:.1%} accuracy and the MLP {mlp_drop:.1%}. "
        "Why: a conv filter is **local** (it looks at a small patch) and **shared** (the same "
        "weights slide over every position), so a stroke is detected wherever it is; **pooling** "
        "then keeps the strongest answer in each 2×2 patch, which forgives small moves. A "
        "dense layer has one separate weight per pixel position: a digit moved by a few pixels "
        f"lands on weights that never saw it. Sharing is also why this CNN needs "
        f"{run.params:,} parameters against the MLP's {best_mlp.params:,}.")
