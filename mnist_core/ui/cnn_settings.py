"""The CNN page's settings: a preset (the assignment's models or our fast one) or a custom net."""

import dataclasses

import streamlit as st

from mnist_core.models import cnn, config
from mnist_core.models.cnn import CnnConfig, ConvBlock
from mnist_core.ui.architecture_panel import time_estimate

PRESET_LABELS = {
    "fast": "Fast (ours)",
    "assignment1": "Assignment model 1",
    "assignment2": "Assignment model 2",
    "custom": "Custom",
}
LEARNING_RATES = (1e-4, 3e-4, 1e-3, 3e-3, 0.01, 0.03, 0.1, 0.3)


def cnn_settings() -> tuple[str, config.RunConfig]:
    """Draw the settings; return the preset name ('custom' for your own) and the config."""
    choice = st.segmented_control("Network", list(PRESET_LABELS), default="fast",
                                  format_func=PRESET_LABELS.get, key="cnn_preset") or "fast"
    if choice == "custom":
        base, model = _custom_model()
    else:
        base = cnn.PRESETS[choice]
        model = base.model
    augment = st.toggle("Augment the training images (rotation ±10°, zoom ±10 %, shifts ±10 %)",
                        key="cnn_augment")
    columns = st.columns(3)
    epochs = columns[0].number_input("Epochs", 1, 100, base.training.epochs, key="cnn_epochs")
    train_size = columns[1].radio("Training images", list(config.TRAIN_SIZES), index=2,
                                  key="cnn_train_size")
    seed = columns[2].number_input("Seed", 0, 2**31 - 1, 0, key="cnn_seed")
    training = config.TrainConfig(**{**base.training.__dict__, "epochs": int(epochs),
                                     "train_size": config.TRAIN_SIZES[train_size],
                                     "seed": int(seed)})
    return choice, config.RunConfig(model=CnnConfig(**{**model.__dict__, "augment": augment}),
                                    training=training)


def _custom_model() -> tuple[config.RunConfig, CnnConfig]:
    left, right = st.columns(2)
    with left:
        count = st.slider("Conv blocks (each: Conv2D relu, then 2×2 max-pool)", 1, 4, 2,
                          key="cnn_blocks")
        blocks = []
        for index in range(count):
            filters_column, kernel_column = st.columns(2)
            filters = filters_column.number_input(
                f"Block {index + 1} filters", 0, 1024, 16 * 2**index, key=f"cnn_filters_{index}")
            kernel = kernel_column.number_input(
                f"Block {index + 1} kernel", 1, 28, 3, key=f"cnn_kernel_{index}")
            blocks.append((int(filters), int(kernel)))
        batch_norm = st.checkbox("Batch normalization after each block", True, key="cnn_bn")
        padding = st.radio("Padding", ("valid", "same"), horizontal=True, key="cnn_padding")
    with right:
        dense = st.number_input("Dense units before the output (0: none)", 0, 4096, 128,
                                key="cnn_dense")
        dropout = st.slider("Dropout after the dense layer", 0.0, 0.9, 0.25, 0.05,
                            key="cnn_dropout")
        optimizer = st.selectbox("Optimizer", config.OPTIMIZERS, index=1, key="cnn_optimizer")
        learning_rate = st.select_slider("Learning rate (log scale)", LEARNING_RATES,
                                         value=3e-3, key="cnn_lr",
                                         format_func=lambda rate: f"{rate:g}")
        schedule = st.selectbox("Learning-rate schedule", config.SCHEDULES, index=1,
                                key="cnn_schedule")
        batch_size = st.select_slider("Batch size", (32, 64, 128, 256, 512), value=128,
                                      key="cnn_batch")
    model = CnnConfig(
        conv_blocks=tuple(ConvBlock(filters, kernel, batch_norm=batch_norm)
                          for filters, kernel in blocks),
        dense_units=(int(dense),) if dense else (), dropout=dropout, padding=padding)
    base = config.RunConfig(model=model, training=config.TrainConfig(
        optimizer=optimizer, learning_rate=learning_rate, batch_size=batch_size, epochs=3,
        schedule=schedule))
    return base, model


def assignment_length_note(choice: str, run_config: config.RunConfig) -> None:
    """For the assignment's models: how long the assignment's own epoch count would take."""
    if choice not in cnn.ASSIGNMENT_EPOCHS:
        return
    full = cnn.ASSIGNMENT_EPOCHS[choice]
    full_run = dataclasses.replace(
        run_config, training=dataclasses.replace(run_config.training, epochs=full))
    st.markdown(f"The assignment trained this model for {full} epochs, which would take "
                f"{time_estimate(full_run)}: that is why the default here is fewer.")
