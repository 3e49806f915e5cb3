"""The CNN page's settings: a preset (the assignment's models or our fast one) or a custom net."""

import dataclasses

import streamlit as st

from mnist_core.models import cnn, config
from mnist_core.models.cnn import CnnConfig, ConvBlock
from mnist_core.ui import url_state
from mnist_core.ui.architecture_panel import time_estimate

PRESET_LABELS = {
    "fast": "Fast (ours)",
    "assignment1": "Assignment model 1",
    "assignment2": "Assignment model 2",
    "custom": "Custom",
}
LEARNING_RATES = (1e-4, 3e-4, 1e-3, 3e-3, 0.01, 0.03, 0.1, 0.3)
BATCH_SIZES = (32, 64, 128, 256, 512)
MAX_EPOCHS, MAX_BLOCKS, MAX_FILTERS, MAX_DENSE = 100, 4, 1024, 4096
IMAGE_SIDE = 28  # the largest kernel
PRECISION_OF = {True: "mixed_bfloat16", False: "float32"}  # the bfloat16 toggle's two sides

# The page's URL parameters (README lists them), each bound to the widget of the same key.
NETWORK = url_state.choice("net", PRESET_LABELS, format_func=PRESET_LABELS.get)
AUGMENT = url_state.flag("augment")
BFLOAT16 = url_state.flag("bf16")
EPOCHS = url_state.integer("epochs", 1, MAX_EPOCHS)
TRAIN_SIZE = url_state.choice("train", config.TRAIN_SIZES)
SEED = url_state.integer("seed", 0, 2**31 - 1)
BLOCKS = url_state.integer("blocks", 1, MAX_BLOCKS)
FILTERS = tuple(url_state.integer(f"filters{index + 1}", 0, MAX_FILTERS)
                for index in range(MAX_BLOCKS))
KERNELS = tuple(url_state.integer(f"kernel{index + 1}", 1, IMAGE_SIDE)
                for index in range(MAX_BLOCKS))
BATCH_NORM = url_state.flag("bn")
PADDING = url_state.choice("padding", ("valid", "same"))
DENSE = url_state.integer("dense", 0, MAX_DENSE)
DROPOUT = url_state.number("dropout", 0.0, 0.9)
OPTIMIZER = url_state.choice("opt", config.OPTIMIZERS)
LEARNING_RATE = url_state.choice("lr", LEARNING_RATES, format_func=lambda rate: f"{rate:g}")
SCHEDULE = url_state.choice("schedule", config.SCHEDULES)
BATCH = url_state.choice("batch", BATCH_SIZES)
PARAMS = (NETWORK, AUGMENT, BFLOAT16, EPOCHS, TRAIN_SIZE, SEED, BLOCKS, *FILTERS, *KERNELS,
          BATCH_NORM, PADDING, DENSE, DROPOUT, OPTIMIZER, LEARNING_RATE, SCHEDULE, BATCH)


def cnn_settings() -> tuple[str, config.RunConfig]:
    """Draw the settings; return the preset name ('custom' for your own) and the config."""
    url_state.check("cnn", PARAMS)
    choice = st.segmented_control("Network", list(PRESET_LABELS), default="fast",
                                  format_func=NETWORK.format_func, **NETWORK.widget) or "fast"
    if choice == "custom":
        base, model = _custom_model()
    else:
        base = cnn.PRESETS[choice]
        model = base.model
    augment = st.toggle("Augment the training images (rotation ±10°, zoom ±10 %, shifts ±10 %)",
                        **AUGMENT.widget)
    bfloat16 = st.toggle(
        "bfloat16 arithmetic (mixed precision)", base.training.precision == "mixed_bfloat16",
        help="Multiply in bfloat16: float32's range with 8 bits of mantissa, about 3 decimal "
             "digits. On CPUs with AVX-512 BF16 its matrix products run up to twice as fast. "
             "The weights stay float32, so that small updates are not rounded away, and so "
             "does the softmax output.", **BFLOAT16.widget)
    columns = st.columns(3)
    epochs = columns[0].number_input("Epochs", 1, MAX_EPOCHS, base.training.epochs,
                                     **EPOCHS.widget)
    train_size = columns[1].radio("Training images", list(config.TRAIN_SIZES), index=2,
                                  **TRAIN_SIZE.widget)
    seed = columns[2].number_input("Seed", 0, 2**31 - 1, 0, **SEED.widget)
    training = config.TrainConfig(**{**base.training.__dict__, "epochs": int(epochs),
                                     "train_size": config.TRAIN_SIZES[train_size],
                                     "seed": int(seed),
                                     "precision": PRECISION_OF[bfloat16]})
    return choice, config.RunConfig(model=CnnConfig(**{**model.__dict__, "augment": augment}),
                                    training=training)


def _custom_model() -> tuple[config.RunConfig, CnnConfig]:
    left, right = st.columns(2)
    with left:
        count = st.slider("Conv blocks (each: Conv2D relu, then 2×2 max-pool)", 1, MAX_BLOCKS,
                          2, **BLOCKS.widget)
        blocks = []
        for index in range(count):
            filters_column, kernel_column = st.columns(2)
            filters = filters_column.number_input(
                f"Block {index + 1} filters", 0, MAX_FILTERS, 16 * 2**index,
                **FILTERS[index].widget)
            kernel = kernel_column.number_input(
                f"Block {index + 1} kernel", 1, IMAGE_SIDE, 3, **KERNELS[index].widget)
            blocks.append((int(filters), int(kernel)))
        batch_norm = st.checkbox("Batch normalization after each block", True,
                                 **BATCH_NORM.widget)
        padding = st.radio("Padding", ("valid", "same"), horizontal=True, **PADDING.widget)
    with right:
        dense = st.number_input("Dense units before the output (0: none)", 0, MAX_DENSE, 128,
                                **DENSE.widget)
        dropout = st.slider("Dropout after the dense layer", 0.0, 0.9, 0.25, 0.05,
                            **DROPOUT.widget)
        optimizer = st.selectbox("Optimizer", config.OPTIMIZERS, index=1, **OPTIMIZER.widget)
        learning_rate = st.select_slider("Learning rate (log scale)", LEARNING_RATES,
                                         value=3e-3, format_func=LEARNING_RATE.format_func,
                                         **LEARNING_RATE.widget)
        schedule = st.selectbox("Learning-rate schedule", config.SCHEDULES, index=1,
                                **SCHEDULE.widget)
        batch_size = st.select_slider("Batch size", BATCH_SIZES, value=128, **BATCH.widget)
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
