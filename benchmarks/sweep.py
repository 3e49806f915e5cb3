"""The assignment's L2 sweep (15 networks of 784-500-300-10): our stacked trainer against a
naive loop of model.fit, and against the compute floor at the float32 peak measured here.

Run: MNIST_NPZ=../shared/data/mnist.npz python benchmarks/sweep.py [--naive-networks 3] [--full]
Last line: {"speedup_vs_naive", "steady_speedup_vs_naive", "projected_full_sweep_minutes",
            "floor_minutes", "achieved_fraction_of_peak"} (and with --full "full_sweep_minutes")
Naive and ours take turns, --repeats times; each prints its spread and the median counts.
At 2 epochs the naive side's compiling and tracing weigh heavily, so the steady ratio (the
second epoch, compiled and data converted) is printed too. Each side's 40-epoch projection
adds 38 epochs at its own second epoch's time to its whole 2-epoch run; --full then trains
the real 40-epoch sweep once and checks the projection within 10 %.
"""

import argparse
import dataclasses
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("MNIST_LAB_OFFLINE", "1")

import keras
import peak

EPOCHS = 2
FULL_EPOCHS = 40
PROJECTION_TOLERANCE = 0.10


def training_flops_per_image(hidden_units) -> int:
    """Forward 2·Σ fan_in·units; backward the same again for weight gradients, plus input
    gradients for every layer but the first (nothing needs ∂loss/∂pixels)."""
    widths = [784, *hidden_units, 10]
    products = [fan_in * units for fan_in, units in zip(widths, widths[1:], strict=False)]
    return 2 * sum(products) + 2 * sum(products) + 2 * sum(products[1:])


class SecondEpoch(keras.callbacks.Callback):
    """Seconds of model.fit's second epoch (its first is traced and compiled)."""

    def on_epoch_begin(self, epoch, logs=None):
        self._started = time.perf_counter()

    def on_epoch_end(self, epoch, logs=None):
        if epoch == 1:
            self.seconds = time.perf_counter() - self._started


def naive_seconds_per_network(splits, spec, networks: int) -> tuple[float, float]:
    """The assignment's loop: build, compile, model.fit(batch 128, validation), evaluate.
    Seconds per network, whole and of its second epoch, averaged over `networks`."""
    from mnist_core.data import preprocess
    from mnist_core.models import mlp

    x_train, y_train = preprocess.scale(splits.x_train), preprocess.one_hot(splits.y_train)
    validation = (preprocess.scale(splits.x_val), preprocess.one_hot(splits.y_val))
    x_test, y_test = preprocess.scale(splits.x_test), preprocess.one_hot(splits.y_test)
    seconds, second_epochs = [], []
    for replicate in range(networks):
        started = time.perf_counter()
        model = mlp.build(spec.member_config(spec.factors[replicate % 5], 0).model,
                          seed=replicate)
        model.compile(optimizer=keras.optimizers.SGD(learning_rate=spec.learning_rate),
                      loss="categorical_crossentropy", metrics=["accuracy"])
        clock = SecondEpoch()
        model.fit(x_train, y_train, batch_size=spec.batch_size, epochs=spec.epochs,
                  validation_data=validation, verbose=0, callbacks=[clock])
        model.evaluate(x_test, y_test, verbose=0)
        seconds.append(time.perf_counter() - started)
        second_epochs.append(clock.seconds)
    print(f"  naive loop: {statistics.mean(seconds):.1f} s per network, its second epoch "
          f"{statistics.mean(second_epochs):.1f} s; load {os.getloadavg()[0]:.1f}")
    return statistics.mean(seconds), statistics.mean(second_epochs)


class EpochClock:
    """An Executor around LocalExecutor that notes when each stack ends its epochs."""

    def __init__(self, mnist):
        from mnist_core.sweep import executor

        self.inner = executor.LocalExecutor(mnist)
        self.second_epochs: list[float] = []  # seconds of each stack's second epoch

    def execute(self, spec, tasks, events):
        marks = {}

        def on_progress(fractions):
            fraction = max(fractions.values())
            if fraction in (0.5, 1.0):  # the end of epoch 1 and of epoch 2 of a stack
                marks[fraction] = time.perf_counter()
                if fraction == 1.0:
                    self.second_epochs.append(marks[1.0] - marks[0.5])
            events.on_progress(fractions)

        clocked = dataclasses.replace(events, on_progress=on_progress)
        return self.inner.execute(spec, tasks, clocked)


def our_sweep(mnist, spec) -> tuple[float, float]:
    """Seconds of sweep.run (registry writes included) and the seconds of the second epoch
    of all networks (steady state: compiled, data converted)."""
    from mnist_core import sweep
    from mnist_core.store import Registry

    clock = EpochClock(mnist)
    with tempfile.TemporaryDirectory() as home:
        registry = Registry(home)
        sweep_id = sweep.start(registry, spec, "bench")
        started = time.perf_counter()
        finished = sweep.run(registry, sweep_id, mnist, executor=clock)
        seconds = time.perf_counter() - started
        assert finished.state == "done", finished.error
        result = sweep.cli_result(registry, sweep_id)
    epoch = sum(clock.second_epochs)
    print(f"  our sweep: {seconds:.1f} s, of which {epoch:.1f} s for the second epoch of all "
          f"networks; test means {[round(mean, 4) for mean in result['mean_accuracy']]}; load "
          f"{os.getloadavg()[0]:.1f}")
    return seconds, epoch


def bfloat16_stack(hidden_units, size: int, jit_compile: bool):
    """The stack multiplying in bfloat16 (float32 weights, float32 out of each product):
    tried as a speed-up and not kept, so it lives here, not in mnist_core."""
    import tensorflow as tf

    from mnist_core.sweep.stack import StackedMlps

    def product(activations, kernel):
        return tf.cast(tf.matmul(tf.cast(activations, tf.bfloat16),
                                 tf.cast(kernel, tf.bfloat16)), tf.float32)

    class Bfloat16Mlps(StackedMlps):
        def logits(self, images):
            activations = images
            for kernel, bias in zip(self.variables[0:-2:2], self.variables[1:-2:2],
                                    strict=True):
                activations = tf.nn.relu(product(activations, kernel) + bias[:, None, :])
            return product(activations, self.variables[-2]) + self.variables[-1][:, None, :]

    return Bfloat16Mlps(hidden_units, size, jit_compile=jit_compile)


def probe_stacks(splits, hidden_units, measured: peak.Peak, sizes=(1, 5, 15), steps=40) -> None:
    """Steady seconds per network-epoch by stack size, with and without XLA, and the
    sweep's stack of 5 with bfloat16 products."""
    import numpy as np
    import tensorflow as tf

    from mnist_core.sweep import trainer
    from mnist_core.sweep.stack import StackedMlps

    inputs = trainer.Inputs.from_splits(splits)
    steps_per_epoch = len(splits.y_train) / 128
    ceilings = {tf.float32: measured.gflops,
                tf.bfloat16: peak.bfloat16_peak(128, 784, hidden_units[0])}
    variants = [(jit_compile, size, tf.float32) for jit_compile in (True, False)
                for size in sizes] + [(True, 5, tf.bfloat16), (False, 5, tf.bfloat16)]
    for jit_compile, size, dtype in variants:
        stack = (StackedMlps(hidden_units, size, jit_compile=jit_compile) if dtype == tf.float32
                 else bfloat16_stack(hidden_units, size, jit_compile))
        stack.load([trainer.initial_weights(hidden_units, seed) for seed in range(size)],
                   [1e-4] * size)
        rng = np.random.default_rng(0)
        batches = rng.integers(0, len(splits.y_train), (steps, size, 128)).astype(np.int32)
        rate = tf.constant(0.1)
        stack.train_steps(inputs.images, inputs.labels, batches, steps, rate)[0].numpy()
        best = float("inf")
        for _ in range(2):
            started = time.perf_counter()
            stack.train_steps(inputs.images, inputs.labels, batches, steps, rate)[0].numpy()
            best = min(best, time.perf_counter() - started)
        per_network_epoch = best / steps / size * steps_per_epoch
        gflops = training_flops_per_image(hidden_units) * 128 * steps * size / best / 1e9
        print(f"  stack of {size:2}, XLA {'on ' if jit_compile else 'off'}, {dtype.name}: "
              f"{per_network_epoch:.3f} s per network-epoch ({gflops:.0f} GFLOP/s, "
              f"{gflops / ceilings[dtype]:.2f} of the {dtype.name} peak)")
        peak.fail_above_one(gflops / ceilings[dtype], f"the stack of {size}'s rate")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--naive-networks", type=int, default=3,
                        help="networks of the naive loop to time; scaled to the sweep's 15")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--no-probe", action="store_true")
    parser.add_argument("--full", action="store_true",
                        help="then train the real 40-epoch sweep once and check the projection")
    arguments = parser.parse_args()

    from mnist_core import data
    from mnist_core.sweep.spec import SweepSpec, tasks

    mnist = data.load_mnist()
    if mnist.is_subset:
        print("warning: full MNIST not found, measuring on the 5,000-digit subset")
    spec = SweepSpec(epochs=EPOCHS)
    splits = data.split(mnist)
    networks, images = len(tasks(spec)), len(splits.y_train)
    batch, widths = spec.batch_size, [784, *spec.hidden_units, 10]
    print(f"{networks} networks {spec.hidden_units}, {EPOCHS} epochs, {images:,} training "
          f"images, batch {batch}, load {os.getloadavg()[0]:.1f}")
    measured = peak.measure({f"{batch}×{fan_in}×{units}": (batch, fan_in, units)
                             for fan_in, units in zip(widths, widths[1:], strict=False)})

    # Interleaved, so that a neighbour's load falls on both sides alike; the median counts.
    naive_tries, our_tries = [], []
    for attempt in range(1, arguments.repeats + 1):
        print(f"try {attempt} of {arguments.repeats}:")
        naive_tries.append(naive_seconds_per_network(splits, spec, arguments.naive_networks))
        our_tries.append(our_sweep(mnist, spec))
    naive = statistics.median(seconds for seconds, _ in naive_tries)
    naive_epoch = statistics.median(epoch for _, epoch in naive_tries)
    ours = statistics.median(seconds for seconds, _ in our_tries)
    per_epoch = statistics.median(epoch for _, epoch in our_tries)
    naive_total = naive * networks
    print(f"naive model.fit loop, per network ({arguments.naive_networks} timed, scaled to "
          f"{networks}): {peak.spread([seconds for seconds, _ in naive_tries], ' s')}; its "
          f"second epoch {peak.spread([epoch for _, epoch in naive_tries], ' s')}")
    print(f"ours, whole sweep: {peak.spread([seconds for seconds, _ in our_tries], ' s')}; "
          f"second epoch of all networks {peak.spread([e for _, e in our_tries], ' s')}")
    fixed = ours - EPOCHS * per_epoch  # starting weights, compiling, data, test evaluation
    projected = (ours + (FULL_EPOCHS - EPOCHS) * per_epoch) / 60
    naive_projected = (naive_total + (FULL_EPOCHS - EPOCHS) * naive_epoch * networks) / 60
    print(f"  -> ours {per_epoch:.1f} s per epoch of all {networks} networks, {fixed:.1f} s "
          f"fixed; projected {FULL_EPOCHS} epochs: {projected:.1f} min (the naive loop: "
          f"{naive_projected:.0f} min, its fixed costs counted once)")

    flops = training_flops_per_image(spec.hidden_units)
    achieved = networks * flops * images / per_epoch / 1e9
    floor = networks * FULL_EPOCHS * flops * images / (measured.gflops * 1e9) / 60
    fraction = achieved / measured.gflops
    print(f"compute floor: {flops * images / 1e9:.1f} GFLOP per network-epoch on the "
          f"{images:,} trained; at the {measured.gflops:.0f} GFLOP/s measured above the full "
          f"sweep needs {floor:.1f} min; ours reaches {achieved:.0f} GFLOP/s in its steady "
          f"epochs, {fraction:.2f} of that peak")
    peak.fail_above_one(fraction, "the sweep's steady rate against the measured peak")
    peak.fail_above_one(floor / projected, "the projection against its floor")
    if not arguments.no_probe:
        print("stack size and XLA (steady state, compile excluded):")
        probe_stacks(splits, spec.hidden_units, measured)
    result = {"speedup_vs_naive": round(naive_total / ours, 2),
              "steady_speedup_vs_naive": round(naive_epoch * networks / per_epoch, 2),
              "projected_full_sweep_minutes": round(projected, 2),
              "floor_minutes": round(floor, 2),
              "achieved_fraction_of_peak": round(fraction, 3)}
    if arguments.full:
        full_seconds, _ = our_sweep(mnist, SweepSpec(epochs=FULL_EPOCHS))
        result["full_sweep_minutes"] = round(full_seconds / 60, 2)
        error = abs(projected - full_seconds / 60) / (full_seconds / 60)
        print(f"the real {FULL_EPOCHS}-epoch sweep: {full_seconds / 60:.1f} min; the "
              f"projection was {projected:.1f} min, {error:.0%} off "
              f"({'within' if error <= PROJECTION_TOLERANCE else 'NOT within'} 10 %)")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
