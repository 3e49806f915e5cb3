"""The engine's steps restated as plain Python for a notebook: data, split, scaling, the
shuffled batches, compiling, fitting, one test evaluation, curves and the final numbers.

This is the one place the notebook restates engine code. Its constants are the engine's own,
the sampling function is the engine's source itself, and tests/unit/notebook checks the rest
against the engine: the same split, optimizer and schedule, and the same validation accuracy
after a real training run.
"""

import inspect

import keras

from mnist_core import data
from mnist_core.data import preprocess, sampling
from mnist_core.models.config import TrainConfig
from mnist_core.training import loop

IMPORTS = """\
import json
import os

import keras
import matplotlib.pyplot as plt
import numpy as np
import tensorflow as tf"""

LOAD = f"""\
path = os.environ.get("MNIST_NPZ")
if not path or not os.path.isfile(path):
    # Keras' own copy in ~/.keras/datasets, downloaded (and its checksum checked) if missing.
    path = keras.utils.get_file(
        "mnist.npz", origin="{data.KERAS_URL}",
        file_hash="{data.KERAS_SHA256}")
with np.load(path) as npz:
    x_train, y_train = npz["x_train"], npz["y_train"]
    x_test, y_test = npz["x_test"], npz["y_test"]
print(f"{{path}}: {{len(y_train):,}} training and {{len(y_test):,}} test images")"""

PREPROCESS = f"""\
def scale(images):
    \"\"\"uint8 pixels 0..255 -> float32 in [0, 1].\"\"\"
    return images.astype(np.float32) / np.float32(255)


def one_hot(labels):
    \"\"\"Digit labels -> rows of {preprocess.NUM_CLASSES} with a single 1.\"\"\"
    return np.eye({preprocess.NUM_CLASSES}, dtype=np.float32)[labels]"""

EVALUATE = """\
test_loss, test_accuracy = model.evaluate(test, verbose=0)
print(f"test accuracy {test_accuracy:.4f}, test loss {test_loss:.4f}")"""

PLOT = """\
epochs = range(1, len(history.history["loss"]) + 1)
figure, (loss_axes, accuracy_axes) = plt.subplots(1, 2, figsize=(11, 4))
for axes, metric in ((loss_axes, "loss"), (accuracy_axes, "accuracy")):
    axes.plot(epochs, history.history[metric], marker="o", label="training")
    axes.plot(epochs, history.history[f"val_{metric}"], marker="o", label="validation")
    axes.set_xlabel("epoch")
    axes.set_ylabel(metric)
    axes.legend()
plt.show()"""


def split(train_size: int | None) -> str:
    """data.split: a stratified validation split, then optionally fewer training images."""
    limit = ""
    if train_size is not None:
        limit = (f"TRAIN_SIZE = {train_size}\n"
                 "rest = rest[stratified_sample(y_train[rest], min(TRAIN_SIZE, len(rest)), "
                 "SPLIT_SEED)]\n")
    return (f"SPLIT_SEED = {sampling.SPLIT_SEED}\n"
            f"# {data.FULL_VALIDATION_SIZE:,} of the {data.FULL_TRAIN_SIZE:,} training images, "
            "or the same share of a smaller set\n"
            f"VALIDATION_SIZE = round(len(y_train) * {data.FULL_VALIDATION_SIZE} / "
            f"{data.FULL_TRAIN_SIZE})\n\n\n"
            f"{inspect.getsource(sampling.stratified_sample)}\n\n"
            "held_out = stratified_sample(y_train, VALIDATION_SIZE, SPLIT_SEED)\n"
            "rest = np.setdiff1d(np.arange(len(y_train)), held_out)\n"
            "rest = np.random.default_rng(SPLIT_SEED).permutation(rest)\n"
            f"{limit}"
            "x_val, y_val = x_train[held_out], y_train[held_out]\n"
            "x_train, y_train = x_train[rest], y_train[rest]\n"
            'print(f"{len(y_train):,} training, {len(y_val):,} validation images")')


def model(model_source: str, precision: str) -> str:
    """The kind's Keras source, built under the run's dtype policy as the engine builds it."""
    if precision == "float32":
        return f"{model_source}\nmodel.summary()"
    imports, _, building = model_source.partition("\n\n")
    return (f"{imports}\n\n"
            f'keras.config.set_dtype_policy("{precision}")  # for the layers built next\n'
            f"{building}\n"
            'keras.config.set_dtype_policy("float32")\n'
            "model.summary()")


def optimizer_name(training: TrainConfig) -> str:
    """Keras' name for the run's optimizer, e.g. SGD."""
    return loop.OPTIMIZERS[training.optimizer].__name__


def compile_model(training: TrainConfig) -> str:
    """loop.compile_model, with loop.learning_rate's schedule written out."""
    optimizer = optimizer_name(training)
    lines = [f"EPOCHS = {training.epochs}", f"BATCH_SIZE = {training.batch_size}",
             f"LEARNING_RATE = {training.learning_rate!r}"]
    learning_rate = "LEARNING_RATE"
    if training.schedule == "warmup_cosine":
        lines += ["# Warm up linearly over the first sixth of the steps, then decay to 0",
                  "steps_per_epoch = -(-len(y_train) // BATCH_SIZE)  # the last batch short",
                  "total_steps = steps_per_epoch * EPOCHS",
                  "warmup_steps = max(1, total_steps // 6)",
                  "learning_rate = keras.optimizers.schedules.CosineDecay(",
                  "    initial_learning_rate=0.0, decay_steps=max(1, total_steps - warmup_steps),",
                  "    warmup_target=LEARNING_RATE, warmup_steps=warmup_steps)"]
        learning_rate = "learning_rate"
    lines += ["model.compile(",
              f"    optimizer=keras.optimizers.{optimizer}(learning_rate={learning_rate}),",
              '    loss="categorical_crossentropy",',
              '    metrics=["accuracy"],',
              f"    jit_compile={loop.JIT_COMPILE},  # as the lab trained (XLA's sums may differ)",
              ")"]
    return "\n".join(lines)


def batches(seed: int) -> str:
    """loop._shuffled_batches and loop._batches."""
    return f"""\
SEED = {seed}
x = tf.constant(scale(x_train))
y = tf.constant(one_hot(y_train))
# A new order of the training images every epoch, drawn from this seed: shuffle the indices,
# then gather each batch's images.
train = (tf.data.Dataset.range(len(y_train))
         .shuffle(len(y_train), seed=SEED, reshuffle_each_iteration=True)
         .batch(BATCH_SIZE)
         .map(lambda batch: (tf.gather(x, batch), tf.gather(y, batch)))
         .prefetch(tf.data.AUTOTUNE))


def batches(images, labels):
    \"\"\"Images in order, {loop.EVAL_BATCH_SIZE} at a time, for validation and the test.\"\"\"
    dataset = tf.data.Dataset.from_tensor_slices((scale(images), one_hot(labels)))
    return dataset.batch({loop.EVAL_BATCH_SIZE}).cache()


validation = batches(x_val, y_val)
test = batches(x_test, y_test)"""


def fit(training: TrainConfig) -> str:
    """loop.fit's model.fit, with loop.schedule_callbacks written out."""
    callbacks = []
    for callback in loop.schedule_callbacks(training):  # written from the engine's own
        if not isinstance(callback, keras.callbacks.ReduceLROnPlateau):
            raise ValueError(f"no notebook code for the callback {type(callback).__name__}")
        callbacks.append(f'keras.callbacks.ReduceLROnPlateau(monitor="{callback.monitor}", '
                         f"factor={callback.factor!r}, patience={callback.patience})")
    return (f"callbacks = [{', '.join(callbacks)}]\n"
            "history = model.fit(train, epochs=EPOCHS, validation_data=validation,\n"
            "                    callbacks=callbacks, verbose=2,\n"
            "                    shuffle=False)  # `train` shuffles, from the seed")


def numbers(stored: dict) -> str:
    """Ours beside the lab's; the last line printed is one JSON object."""
    return f"""\
# What the lab recorded for this run
LAB = {stored!r}
ours = {{"val_accuracy": float(history.history["val_accuracy"][-1]),
        "test_accuracy": float(test_accuracy)}}
for name, value in ours.items():
    if LAB.get(name) is not None:
        print(f"{{name}}: {{value:.4f}} here, {{LAB[name]:.4f}} in the lab")
print(json.dumps(ours))"""
