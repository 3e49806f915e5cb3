"""Train one Keras model on MNIST splits, reporting through plain hooks; knows no UI."""

import dataclasses
import math
import time
from collections.abc import Callable

import keras
import tensorflow as tf

from mnist_core.data import Splits, preprocess
from mnist_core.models.config import TrainConfig
from mnist_core.training import snapshots

EVAL_BATCH_SIZE = 1000
# One compiled execution should take about this long, so hooks and cancel stay responsive.
TARGET_EXECUTION_SECONDS = 0.2
MAX_STEPS_PER_EXECUTION = 50
# Cross-entropy starts near ln(10) ≈ 2.3 nats. Keras computes it from the logits, so blown-up
# weights can give a loss of 1e28 that is still finite: far above this counts as diverged.
EXPLODED_LOSS = 1e4
OPTIMIZERS = {
    "sgd": keras.optimizers.SGD,
    "adam": keras.optimizers.Adam,
    "rmsprop": keras.optimizers.RMSprop,
}


@dataclasses.dataclass
class Hooks:
    """What the caller wants to hear. Every field is optional."""

    on_epoch_end: Callable[[int, dict], None] | None = None  # (epoch from 1, metrics)
    on_progress: Callable[[float], None] | None = None  # fraction of the whole run, 0..1
    should_cancel: Callable[[], bool] | None = None
    # The replay so far (store.snapshot_files.Snapshots), at the start and each kept epoch.
    on_snapshot: Callable[[object], None] | None = None


@dataclasses.dataclass
class FitResult:
    status: str  # "done", "cancelled" or "diverged"
    history: list[dict]
    test_loss: float | None
    test_accuracy: float | None
    seconds: float


def learning_rate(training: TrainConfig, total_steps: int):
    """A number, or for 'warmup_cosine' a schedule: linear warm-up over the first sixth of
    the steps, then cosine decay to zero (lets a batch-normalized net start hot and finish
    settled within a few epochs)."""
    if training.schedule != "warmup_cosine":
        return training.learning_rate
    warmup_steps = max(1, total_steps // 6)
    return keras.optimizers.schedules.CosineDecay(
        initial_learning_rate=0.0, decay_steps=max(1, total_steps - warmup_steps),
        warmup_target=training.learning_rate, warmup_steps=warmup_steps)


def schedule_callbacks(training: TrainConfig) -> list:
    if training.schedule == "reduce_on_plateau":  # the assignment's model 2
        return [keras.callbacks.ReduceLROnPlateau(monitor="val_loss", factor=0.2, patience=2)]
    return []


# Off, measured (benchmarks/train_mlp.py): on the default MLP XLA makes a steady epoch
# 1.23x faster but its first 1.8 s slower, a loss for the page's 10 epochs; the fast CNN's
# epochs took 17-20 s under XLA against 11 s without.
JIT_COMPILE = False


def compile_model(model: keras.Model, training: TrainConfig, steps_per_execution: int,
                  total_steps: int = 1, extra_metrics: tuple = (), optimizer=None) -> None:
    model.compile(
        optimizer=optimizer or OPTIMIZERS[training.optimizer](
            learning_rate=learning_rate(training, total_steps)),
        loss="categorical_crossentropy",
        metrics=["accuracy", *extra_metrics],
        steps_per_execution=steps_per_execution,
        jit_compile=JIT_COMPILE,
    )


def steps_per_execution(seconds_per_step: float) -> int:
    """Many steps per compiled call (fast), but few enough that a hook runs every ~0.2 s."""
    return int(min(MAX_STEPS_PER_EXECUTION, max(1, TARGET_EXECUTION_SECONDS // seconds_per_step)))


def fit(
    model: keras.Model,
    splits: Splits,
    training: TrainConfig,
    hooks: Hooks | None = None,
    seconds_per_step: float = 0.002,
    extra_callbacks: tuple = (),
) -> FitResult:
    """Train `model` (compiled here) for training.epochs; evaluate on test once at the end."""
    hooks = hooks or Hooks()
    started = time.perf_counter()
    steps_per_epoch = math.ceil(len(splits.y_train) / training.batch_size)
    replay = []  # after the monitor: it skips the epoch the monitor stops
    confusion = ()
    if hooks.on_snapshot:
        confusion = (snapshots.ConfusionCounts(),)
        replay = [snapshots.SnapshotTaker(splits, training.epochs, *confusion, hooks.on_snapshot)]
    execution_steps = steps_per_execution(seconds_per_step)
    compile_model(model, training, execution_steps,
                  total_steps=steps_per_epoch * training.epochs, extra_metrics=confusion)
    train = _shuffled_batches(splits.x_train, splits.y_train, training.batch_size, training.seed)
    validation = _batches(splits.x_val, splits.y_val)
    monitor = _Monitor(hooks, training.epochs, steps_per_epoch)
    model.fit(
        train,
        epochs=training.epochs,
        validation_data=validation,
        callbacks=[monitor, *replay, *schedule_callbacks(training), *extra_callbacks],
        shuffle=False,  # _shuffled_batches already shuffles, from the run's own seed
        verbose=0,
    )
    if confusion:  # a saved model must load in plain Keras: the same optimizer, no own metric
        compile_model(model, training, execution_steps, optimizer=model.optimizer)
    test_loss = test_accuracy = None
    if monitor.status == "done":
        scores = model.evaluate(_batches(splits.x_test, splits.y_test), verbose=0,
                                return_dict=True)
        test_loss, test_accuracy = scores["loss"], scores["accuracy"]
    return FitResult(
        status=monitor.status,
        history=monitor.history,
        test_loss=test_loss,
        test_accuracy=test_accuracy,
        seconds=time.perf_counter() - started,
    )


def _shuffled_batches(images, labels, batch_size, seed) -> tf.data.Dataset:
    """Each epoch a new permutation drawn from this run's own seed (no global seed).

    The images are scaled to float32 once, up front. Keeping them uint8 and scaling each
    batch here (a quarter of the memory) was tried and measured mixed: the MLP's steady
    epoch 1.15x faster, but the fast CNN's median epoch 16.2 s against plain fit's 13.1 s
    (14.4 against 14.8 s before). benchmarks/train_mlp.py keeps timing both.
    """
    x = tf.constant(preprocess.scale(images))
    y = tf.constant(preprocess.one_hot(labels))
    indices = tf.data.Dataset.range(len(labels)).shuffle(
        len(labels), seed=seed, reshuffle_each_iteration=True
    )
    return (
        indices.batch(batch_size)
        .map(lambda batch: (tf.gather(x, batch), tf.gather(y, batch)))
        .prefetch(tf.data.AUTOTUNE)
    )


def _batches(images, labels) -> tf.data.Dataset:
    dataset = tf.data.Dataset.from_tensor_slices(
        (preprocess.scale(images), preprocess.one_hot(labels))
    )
    return dataset.batch(EVAL_BATCH_SIZE).cache()


class _Monitor(keras.callbacks.Callback):
    """Forwards progress to the hooks, stops on cancel or on a loss that is NaN or exploded."""

    def __init__(self, hooks: Hooks, epochs: int, steps_per_epoch: int):
        super().__init__()
        self._hooks = hooks
        self._epochs = epochs
        self._steps_per_epoch = steps_per_epoch
        self._epoch = 0
        self._loss_limit = EXPLODED_LOSS
        self.status = "done"
        self.history: list[dict] = []

    def on_train_begin(self, logs=None):
        # A large L2 factor makes the starting loss large too; that alone is not divergence.
        self._loss_limit = EXPLODED_LOSS + float(sum(self.model.losses, 0.0))

    def on_epoch_begin(self, epoch, logs=None):
        self._epoch = epoch

    def _has_diverged(self, loss) -> bool:
        loss = float(loss)
        return not math.isfinite(loss) or loss > self._loss_limit

    def on_train_batch_end(self, batch, logs=None):
        if self._has_diverged(logs["loss"]):
            self._stop("diverged")
            return
        if self._hooks.should_cancel and self._hooks.should_cancel():
            self._stop("cancelled")
            return
        if self._hooks.on_progress:
            done = self._epoch + min(1.0, (batch + 1) / self._steps_per_epoch)
            self._hooks.on_progress(done / self._epochs)

    def on_epoch_end(self, epoch, logs=None):
        if self.status != "done":
            return
        metrics = {
            "epoch": epoch + 1,
            "loss": float(logs["loss"]),
            "accuracy": float(logs["accuracy"]),
            "val_loss": float(logs["val_loss"]),
            "val_accuracy": float(logs["val_accuracy"]),
        }
        if self._has_diverged(metrics["loss"]) or not all(
                math.isfinite(value) for value in metrics.values()):
            self._stop("diverged")
            return
        self.history.append(metrics)
        if self._hooks.on_epoch_end:
            self._hooks.on_epoch_end(epoch + 1, metrics)

    def _stop(self, status: str):
        self.status = status
        self.model.stop_training = True


def seconds_per_step_estimate(multiply_adds_per_image: int, batch_size: int) -> float:
    """A rough step time (forward + backward ≈ 3× forward, at ~20 GFLOP/s effective)."""
    return 3 * 2 * multiply_adds_per_image * batch_size / 20e9 + 0.0005

