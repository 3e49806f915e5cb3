"""The MLP page's settings: the architecture and how to train it."""

import streamlit as st

from mnist_core.models import config, mlp

LEARNING_RATES = (1e-4, 3e-4, 1e-3, 3e-3, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0)
BATCH_SIZES = (16, 32, 64, 128, 256, 512, 1024)
DEFAULTS = config.RunConfig()  # the assignment's network and training


def mlp_settings() -> config.RunConfig:
    """Draw the settings (defaults: the assignment's) and return the config they describe."""
    st.subheader("Architecture")
    depth = st.slider("Hidden layers", 1, mlp.MAX_HIDDEN_LAYERS,
                      len(DEFAULTS.model.hidden_units), key="mlp_depth")
    unit_columns = st.columns(3)
    hidden_units = tuple(
        int(unit_columns[index % 3].number_input(
            f"Layer {index + 1} units", min_value=0, max_value=100_000, value=64, step=16,
            key=f"mlp_units_{index}"))
        for index in range(depth)
    )
    activation = st.selectbox("Activation of the hidden layers", mlp.ACTIVATIONS,
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
    train_size = st.radio("Training images", list(config.TRAIN_SIZES), index=2, horizontal=True,
                          key="mlp_train_size")
    seed = st.number_input("Seed", min_value=0, value=0, step=1, key="mlp_seed",
                           help="Same settings and seed give exactly the same network.")
    return config.RunConfig(
        model=mlp.MlpConfig(hidden_units=hidden_units, activation=activation, l2=l2,
                            dropout=dropout),
        training=config.TrainConfig(optimizer=optimizer, learning_rate=learning_rate,
                                    batch_size=batch_size, epochs=epochs,
                                    train_size=config.TRAIN_SIZES[train_size], seed=int(seed)),
    )


def default_shape() -> str:
    """The assignment's network in one line, e.g. 784 → 64 relu → 64 relu → 10 softmax."""
    rows = mlp.layer_rows(DEFAULTS.model)
    return " → ".join([str(rows[0].output_shape[0])]
                      + [f"{units} {DEFAULTS.model.activation}"
                         for units in DEFAULTS.model.hidden_units]
                      + [f"{rows[-1].output_shape[0]} softmax"])
