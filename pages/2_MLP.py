"""MLP: build a dense network, train it live, and see what it learned."""

import streamlit as st

from mnist_core import architecture, config, ui

LEARNING_RATES = (1e-4, 3e-4, 1e-3, 3e-3, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0)
BATCH_SIZES = (16, 32, 64, 128, 256, 512, 1024)
TRAIN_SIZES = {"1,000": 1000, "10,000": 10_000, "all": None}
DEFAULTS = config.RunConfig()

st.set_page_config(page_title="MLP · MNIST Lab", page_icon=":material/hub:", layout="wide")
workspace = ui.sidebar()

st.title("A dense network (MLP)")
default_shape = " → ".join(
    [str(architecture.INPUT_PIXELS)]
    + [f"{units} {DEFAULTS.model.activation}" for units in DEFAULTS.model.hidden_units]
    + [f"{architecture.NUM_CLASSES} softmax"])
st.markdown(
    "Every pixel connects to every unit of the first hidden layer, every unit of that layer "
    "to every unit of the next, and so on to one output per digit. The defaults are the "
    f"assignment's network: {default_shape}, trained with {DEFAULTS.training.optimizer.upper()} "
    f"at learning rate {DEFAULTS.training.learning_rate:g} in batches of "
    f"{DEFAULTS.training.batch_size} for {DEFAULTS.training.epochs} epochs. Change something "
    "and press **Train**."
)

settings, summary = st.columns([2, 3], gap="large")
with settings:
    st.subheader("Architecture")
    depth = st.slider("Hidden layers", 1, config.MAX_HIDDEN_LAYERS,
                      len(DEFAULTS.model.hidden_units), key="mlp_depth")
    unit_columns = st.columns(3)
    hidden_units = tuple(
        int(unit_columns[index % 3].number_input(
            f"Layer {index + 1} units", min_value=0, max_value=100_000, value=64, step=16,
            key=f"mlp_units_{index}"))
        for index in range(depth)
    )
    activation = st.selectbox("Activation of the hidden layers", config.ACTIVATIONS,
                              key="mlp_activation")
    l2 = st.number_input("L2 factor λ (weight decay on hidden kernels)", min_value=0.0,
                         value=0.0, step=1e-5, format="%.6f", key="mlp_l2")
    dropout = st.slider("Dropout after each hidden layer", 0.0, 0.9, 0.0, 0.05,
                        key="mlp_dropout")
    st.subheader("Training")
    optimizer = st.selectbox("Optimizer", config.OPTIMIZERS, key="mlp_optimizer")
    learning_rate = st.select_slider("Learning rate (log scale)", LEARNING_RATES,
                                     value=DEFAULTS.training.learning_rate, key="mlp_lr",
                                     format_func=lambda rate: f"{rate:g}")
    batch_size = st.select_slider("Batch size", BATCH_SIZES, value=DEFAULTS.training.batch_size,
                                  key="mlp_batch")
    epochs = st.slider("Epochs", 1, 50, DEFAULTS.training.epochs, key="mlp_epochs")
    train_size = st.radio("Training images", list(TRAIN_SIZES), index=2, horizontal=True,
                          key="mlp_train_size")
    seed = st.number_input("Seed", min_value=0, value=0, step=1, key="mlp_seed",
                           help="Same settings and seed give exactly the same network.")

run_config = config.RunConfig(
    model=config.MlpConfig(hidden_units=hidden_units, activation=activation, l2=l2,
                           dropout=dropout),
    training=config.TrainConfig(optimizer=optimizer, learning_rate=learning_rate,
                                batch_size=batch_size, epochs=epochs,
                                train_size=TRAIN_SIZES[train_size], seed=int(seed)),
)
with summary:
    st.subheader("What this builds")
    buildable = ui.architecture_panel(run_config.model)
    if buildable:
        st.caption(f"Estimated training time: {ui.time_estimate(run_config)}.")

ui.train_button(run_config, workspace, enabled=buildable)

st.divider()
run = ui.job_panel("mlp")
if run is not None and run.state == "done":
    ui.results_panel(run)
    ui.compare_panel(run, workspace)
