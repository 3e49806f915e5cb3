"""The MLP page's settings: the architecture and how to train it."""

import streamlit as st

from mnist_core.models import config, mlp
from mnist_core.ui import url_state

LEARNING_RATES = (1e-4, 3e-4, 1e-3, 3e-3, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0)
BATCH_SIZES = (16, 32, 64, 128, 256, 512, 1024)
MAX_UNITS = 100_000
MAX_EPOCHS = 50
DEFAULTS = config.RunConfig()  # the assignment's network and training

# The page's URL parameters (README lists them), each bound to the widget of the same key.
LAYERS = url_state.integer("layers", 1, mlp.MAX_HIDDEN_LAYERS)
UNITS = tuple(url_state.integer(f"units{index + 1}", 0, MAX_UNITS)
              for index in range(mlp.MAX_HIDDEN_LAYERS))
ACTIVATION = url_state.choice("act", mlp.ACTIVATIONS)
L2 = url_state.number("l2", 0.0, 1.0)
DROPOUT = url_state.number("dropout", 0.0, 0.9)
OPTIMIZER = url_state.choice("opt", config.OPTIMIZERS)
LEARNING_RATE = url_state.choice("lr", LEARNING_RATES, format_func=lambda rate: f"{rate:g}")
BATCH = url_state.choice("batch", BATCH_SIZES)
EPOCHS = url_state.integer("epochs", 1, MAX_EPOCHS)
TRAIN_SIZE = url_state.choice("train", config.TRAIN_SIZES)
SEED = url_state.integer("seed", 0, 2**31 - 1)
PARAMS = (LAYERS, *UNITS, ACTIVATION, L2, DROPOUT, OPTIMIZER, LEARNING_RATE, BATCH, EPOCHS,
          TRAIN_SIZE, SEED)


def mlp_settings() -> config.RunConfig:
    """Draw the settings (defaults: the assignment's) and return the config they describe."""
    url_state.check("mlp", PARAMS)
    st.subheader("Architecture")
    depth = st.slider("Hidden layers", 1, mlp.MAX_HIDDEN_LAYERS,
                      len(DEFAULTS.model.hidden_units), **LAYERS.widget)
    unit_columns = st.columns(3)
    hidden_units = tuple(
        int(unit_columns[index % 3].number_input(
            f"Layer {index + 1} units", min_value=0, max_value=MAX_UNITS, value=64, step=16,
            **UNITS[index].widget))
        for index in range(depth)
    )
    activation = st.selectbox("Activation of the hidden layers", mlp.ACTIVATIONS,
                              **ACTIVATION.widget)
    l2 = st.number_input("L2 factor λ (weight decay on hidden kernels)", min_value=0.0,
                         max_value=1.0, value=0.0, step=1e-5, format="%.6f", **L2.widget)
    dropout = st.slider("Dropout after each hidden layer", 0.0, 0.9, 0.0, 0.05,
                        **DROPOUT.widget)
    st.subheader("Training")
    optimizer = st.selectbox("Optimizer", config.OPTIMIZERS, **OPTIMIZER.widget)
    learning_rate = st.select_slider("Learning rate (log scale)", LEARNING_RATES,
                                     value=DEFAULTS.training.learning_rate,
                                     format_func=LEARNING_RATE.format_func,
                                     **LEARNING_RATE.widget)
    batch_size = st.select_slider("Batch size", BATCH_SIZES, value=DEFAULTS.training.batch_size,
                                  **BATCH.widget)
    epochs = st.slider("Epochs", 1, MAX_EPOCHS, DEFAULTS.training.epochs, **EPOCHS.widget)
    train_size = st.radio("Training images", list(config.TRAIN_SIZES), index=2, horizontal=True,
                          **TRAIN_SIZE.widget)
    seed = st.number_input("Seed", min_value=0, max_value=2**31 - 1, value=0, step=1,
                           help="Same settings and seed give exactly the same network.",
                           **SEED.widget)
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
