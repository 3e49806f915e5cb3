"""Train a stack of networks for some epochs: own batch orders, divergence, cancel, history.

Each network starts from mlp.build's weights for its seed and sees the training images
in its own order every epoch, so its result does not depend on the others in its stack.
"""

import dataclasses
import math
import time
from collections.abc import Callable

import numpy as np
import tensorflow as tf

from mnist_core.data import Splits, preprocess
from mnist_core.models import config, kinds, mlp
from mnist_core.sweep.spec import TRAIN_ACCURACY_IMAGES, NetworkResult
from mnist_core.sweep.stack import StackedMlps
from mnist_core.training import loop

# About this long per compiled call, so progress and cancel are looked at twice a second.
CALL_TARGET_SECONDS = 0.5
# What sets the call length only (never a floor): the stack's steady training rate as
# benchmarks/sweep.py measured it on this 2-core machine, 108-133 GFLOP/s by stack size.
MEASURED_FLOPS_PER_SECOND = 120e9
MAX_STEPS_PER_CALL = 200


@dataclasses.dataclass(frozen=True)
class Network:
    """What sets one network of a stack apart."""

    l2: float
    seed: int


@dataclasses.dataclass
class StackHooks:
    """What the caller wants to hear. Every field is optional."""

    on_progress: Callable[[float], None] | None = None  # fraction of the stack's work, 0..1
    on_diverged: Callable[[int, NetworkResult], None] | None = None  # (index in the stack, …)
    should_cancel: Callable[[], bool] | None = None


@dataclasses.dataclass(frozen=True)
class Inputs:
    """The splits as the compiled functions take them; converting 55k images costs ~0.7 s,
    so a sweep does it once for all its stacks."""

    images: tf.Tensor  # (n, 784) float32 in [0, 1]
    labels: tf.Tensor  # (n,) int32
    validation: tuple[np.ndarray, np.ndarray]
    test: tuple[np.ndarray, np.ndarray]

    @classmethod
    def from_splits(cls, splits: Splits) -> "Inputs":
        images, labels = _inputs(splits.x_train, splits.y_train)
        return cls(tf.constant(images), tf.constant(labels),
                   _inputs(splits.x_val, splits.y_val), _inputs(splits.x_test, splits.y_test))


def epoch_order(seed: int, epoch: int, size: int) -> np.ndarray:
    """The order in which the network with `seed` sees the training images in `epoch` (0..)."""
    return np.random.default_rng([seed, epoch]).permutation(size)


def initial_weights(hidden_units: tuple[int, ...], seed: int) -> list[np.ndarray]:
    """The weights mlp.build starts from with this seed (Glorot uniform, zero biases)."""
    return mlp.build(config.MlpConfig(hidden_units=tuple(hidden_units)), seed).get_weights()


def steps_per_call(hidden_units: tuple[int, ...], batch_size: int, networks: int) -> int:
    """Training FLOPs per step (≈ 3 × 2 × forward multiply-adds) at the measured speed."""
    multiply_adds = kinds.multiply_adds(config.MlpConfig(hidden_units=tuple(hidden_units)))
    seconds = 6 * multiply_adds * batch_size * networks / MEASURED_FLOPS_PER_SECOND
    return int(min(MAX_STEPS_PER_CALL, max(1, CALL_TARGET_SECONDS // seconds)))


def train_stack(networks: list[Network], splits: Splits | Inputs,
                hidden_units: tuple[int, ...], settings: config.TrainConfig,
                hooks: StackHooks | None = None, weights: list[list[np.ndarray]] | None = None,
                stack: StackedMlps | None = None) -> list[NetworkResult]:
    """Train `networks` side by side for settings.epochs; each is tested once at the end.

    `splits` may be Inputs prepared once for several stacks; `stack` reuses the compiled
    functions of an earlier stack of the same size; `weights` (per network, Keras order)
    replaces the seeded starting weights, for tests. A network that diverges is reported
    through hooks.on_diverged at once; the others go on.
    """
    if settings.optimizer != "sgd" or settings.schedule != "constant":
        raise ValueError("the sweep trainer does plain SGD at a constant learning rate only, "
                         f"got {settings.optimizer!r} with schedule {settings.schedule!r}")
    hooks = hooks or StackHooks()
    started = time.perf_counter()
    inputs = splits if isinstance(splits, Inputs) else Inputs.from_splits(splits)
    images, labels = inputs.images, inputs.labels
    k, count, batch_size = len(networks), int(labels.shape[0]), settings.batch_size
    stack = stack or StackedMlps(hidden_units, k)
    stack.load(weights or [initial_weights(hidden_units, network.seed) for network in networks],
               [network.l2 for network in networks])
    per_call = steps_per_call(hidden_units, batch_size, k)
    learning_rate = tf.constant(settings.learning_rate, tf.float32)
    # As loop._Monitor: far above the starting loss (penalty included) counts as diverged.
    loss_limit = loop.EXPLODED_LOSS + stack.penalty().numpy()
    results = [NetworkResult("running", []) for _ in networks]

    def diverged(index):
        results[index].status = "diverged"
        results[index].seconds = (time.perf_counter() - started) / k
        if hooks.on_diverged:
            hooks.on_diverged(index, results[index])

    for epoch in range(settings.epochs):
        orders = np.stack([epoch_order(network.seed, epoch, count) for network in networks])
        loss_sum, correct, seen = np.zeros(k), np.zeros(k), 0
        for chunk, steps in _chunks(orders.astype(np.int32), batch_size, per_call):
            # The step count as a tensor: a Python int would compile anew for each value.
            cross_entropy, chunk_correct, before, after = (
                output.numpy() for output in stack.train_steps(
                    images, labels, chunk, tf.constant(steps), learning_rate))
            images_seen = steps * chunk.shape[2]
            # Keras adds each step's penalty λ·Σw² to the loss it reports. It changes by a
            # fraction of a percent per call, so its mean over the call's steps is taken as
            # linear between the exact values before and after (exact for one step).
            mean_penalty = before + (after - before) * (steps - 1) / (2 * steps)
            loss_sum += cross_entropy + mean_penalty * images_seen
            correct += chunk_correct
            seen += images_seen
            for index, loss in enumerate(loss_sum / seen):  # the epoch's mean so far, as Keras
                if results[index].status == "running" and not loss <= loss_limit[index]:
                    diverged(index)  # NaN, infinite or exploded
            if hooks.on_progress:
                hooks.on_progress((epoch + seen / count) / settings.epochs)
            if hooks.should_cancel and hooks.should_cancel():
                return _stop_running(results, "cancelled")
            if all(result.status != "running" for result in results):
                return results
        val_loss, val_accuracy = stack.evaluate(*inputs.validation)
        norms = np.sqrt(stack.squared_norms().numpy())
        for index, result in enumerate(results):
            metrics = {"epoch": epoch + 1, "loss": float(loss_sum[index] / count),
                       "accuracy": float(correct[index] / count),
                       "val_loss": float(val_loss[index]),
                       "val_accuracy": float(val_accuracy[index]),
                       "kernel_norm": float(norms[index])}  # √Σw² over the hidden kernels
            if result.status != "running":
                continue
            if all(math.isfinite(value) for value in metrics.values()):
                result.history.append(metrics)
            else:
                diverged(index)
    test_loss, test_accuracy = stack.evaluate(*inputs.test)
    _, train_accuracy = stack.evaluate(images[:TRAIN_ACCURACY_IMAGES],
                                       labels[:TRAIN_ACCURACY_IMAGES])
    for index, result in enumerate(results):
        if result.status == "running":
            result.status, result.seconds = "done", (time.perf_counter() - started) / k
            result.test_loss = float(test_loss[index])
            result.test_accuracy = float(test_accuracy[index])
            result.history[-1]["train_accuracy"] = float(train_accuracy[index])
            result.weights = [variable[index].numpy() for variable in stack.variables]
    return results


def _chunks(orders: np.ndarray, batch_size: int, per_call: int):
    """(indices (steps, k, batch), steps to take) per compiled call, for one epoch.

    Full chunks are padded to per_call steps, so they share one compiled shape; the last,
    smaller batch (as Keras takes it) gets a shape and a compilation of its own.
    """
    networks, count = orders.shape
    full_steps, tail = divmod(count, batch_size)
    batches = orders[:, :full_steps * batch_size].reshape(networks, full_steps, batch_size)
    batches = batches.swapaxes(0, 1)
    for start in range(0, full_steps, per_call):
        chunk = batches[start:start + per_call]
        yield np.pad(chunk, ((0, per_call - len(chunk)), (0, 0), (0, 0))), len(chunk)
    if tail:
        yield orders[None, :, full_steps * batch_size:], 1


def _inputs(images: np.ndarray, labels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    return preprocess.flatten(preprocess.scale(images)), labels.astype(np.int32)


def _stop_running(results: list[NetworkResult], status: str) -> list[NetworkResult]:
    for result in results:
        if result.status == "running":
            result.status = status
    return results
