"""Live, before training: the layer table, parameter arithmetic, diagram and time estimate."""

import pandas as pd
import streamlit as st

from mnist_core import data
from mnist_core.models import config, diagram, kinds
from mnist_core.training import estimate
from mnist_core.ui import engine, loaders


def architecture_panel(model_config) -> bool:
    """Show what the config builds, computed from the config alone. False if it is invalid."""
    try:
        kinds.validate_model(model_config)
    except ValueError as error:
        st.error(f"This network can't be built: {error}", icon=":material/block:")
        return False
    rows = kinds.layers(model_config)
    st.dataframe(
        pd.DataFrame({
            "layer": [row.name for row in rows],
            "output": [" × ".join(str(size) for size in row.output_shape) for row in rows],
            "parameters: weights + biases": [row.arithmetic for row in rows],
        }),
        hide_index=True, width="stretch",
    )
    counted = [row for row in rows if row.parameters]
    total = kinds.parameter_count(model_config)
    st.markdown(
        "**Parameters:** " + " + ".join(f"{row.parameters:,}" for row in counted)
        + f" = **{total:,}**. A Dense layer with $n_{{in}}$ inputs and $n_{{out}}$ units has "
        "$n_{in}\\cdot n_{out}$ weights (one per connection) and $n_{out}$ biases."
        + (f" {note}" if (note := kinds.of(model_config).architecture_note) else ""))
    st.graphviz_chart(diagram.dot(model_config), width="stretch")
    return True


def time_estimate(run_config: config.RunConfig) -> str:
    """'about N s (what that rests on)', from the speed of runs that already finished here."""
    mnist = loaders.mnist()
    finished = [
        (estimate.training_work(config.RunConfig.from_dict(run.config).model,
                                data.training_images(mnist, run.config["training"]["train_size"]),
                                len(run.history)), run.seconds)
        for run in engine.registry().runs(states=("done",))
        if run.model == run_config.model.kind and run.seconds and run.history
        and not run.problem  # a damaged row has no config to measure by
    ]
    seconds, basis = estimate.estimate_seconds(
        run_config.model, data.training_images(mnist, run_config.training.train_size),
        run_config.training.epochs, finished)
    minutes = f" ({seconds / 60:.0f} min)" if seconds >= 120 else ""
    return f"about {seconds:.0f} s{minutes}, {basis}"
