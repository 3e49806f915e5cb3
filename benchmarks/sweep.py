"""The assignment's L2 sweep (15 networks of 784-500-300-10): our stacked trainer against a
naive loop of model.fit, and against the compute floor.

Run: MNIST_NPZ=../shared/data/mnist.npz python benchmarks/sweep.py [--naive-networks 3]
Last line: {"speedup_vs_naive": ..., "projected_full_sweep_minutes": ..., "floor_minutes": ...}
The machine's two cores may be shared: each figure is from the fastest of --repeats tries,
naive and ours taking turns. The projection adds 38 more epochs at the measured time of the
second epoch (compiled, data converted) to the whole 2-epoch sweep.
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

EPOCHS = 2
FULL_EPOCHS = 40
ASSUMED_GFLOPS = 150.0  # the brief's round figure for this machine's sustained float32 rate


def training_flops_per_image(hidden_units) -> int:
    """Forward 2·Σ fan_in·units; backward the same again for weight gradients, plus input
    gradients for every layer but the first (nothing needs ∂loss/∂pixels)."""
    widths = [784, *hidden_units, 10]
    products = [fan_in * units for fan_in, units in zip(widths, widths[1:], strict=False)]
    return 2 * sum(products) + 2 * sum(products) + 2 * sum(products[1:])


def naive_seconds_per_network(splits, spec, networks: int) -> tuple[float, float]:
    """The assignment's loop: build, compile, model.fit(batch 128, validation), evaluate."""
    import keras

    from mnist_core.data import preprocess
    from mnist_core.models import mlp

    x_train, y_train = preprocess.scale(splits.x_train), preprocess.one_hot(splits.y_train)
    validation = (preprocess.scale(splits.x_val), preprocess.one_hot(splits.y_val))
    x_test, y_test = preprocess.scale(splits.x_test), preprocess.one_hot(splits.y_test)
    seconds, cpu = [], time.process_time()
    for replicate in range(networks):
        started = time.perf_counter()
        model = mlp.build(spec.member_config(spec.factors[replicate % 5], 0).model,
                                 seed=replicate)
        model.compile(optimizer=keras.optimizers.SGD(learning_rate=spec.learning_rate),
                      loss="categorical_crossentropy", metrics=["accuracy"])
        model.fit(x_train, y_train, batch_size=spec.batch_size, epochs=spec.epochs,
                  validation_data=validation, verbose=0)
        model.evaluate(x_test, y_test, verbose=0)
        seconds.append(time.perf_counter() - started)
    cpu = (time.process_time() - cpu) / networks
    print(f"  naive loop: {statistics.mean(seconds):.1f} s per network ({cpu:.0f} s CPU), "
          f"load {os.getloadavg()[0]:.1f}")
    return statistics.mean(seconds), cpu


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


def our_sweep(mnist, spec) -> tuple[float, float, float]:
    """Seconds of sweep.run (registry writes included), CPU seconds, and the seconds of the
    second epoch of all networks (steady state: compiled, data converted)."""
    from mnist_core import sweep
    from mnist_core.store import Registry

    clock = EpochClock(mnist)
    with tempfile.TemporaryDirectory() as home:
        registry = Registry(home)
        sweep_id = sweep.start(registry, spec, "bench")
        started, cpu = time.perf_counter(), time.process_time()
        finished = sweep.run(registry, sweep_id, mnist, executor=clock)
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
        assert finished.state == "done", finished.error
        result = sweep.cli_result(registry, sweep_id)
    epoch = sum(clock.second_epochs)
    print(f"  our sweep: {seconds:.1f} s ({cpu:.0f} s CPU), of which {epoch:.1f} s for the "
          f"second epoch of all networks; test means "
          f"{[round(mean, 4) for mean in result['mean_accuracy']]}; load "
          f"{os.getloadavg()[0]:.1f}")
    return seconds, cpu, epoch


def probe_stacks(splits, hidden_units, sizes=(1, 5, 15), steps=40) -> None:
    """Steady seconds per network-epoch by stack size, with and without XLA."""
    import numpy as np
    import tensorflow as tf

    from mnist_core.sweep import trainer
    from mnist_core.sweep.stack import StackedMlps

    inputs = trainer.Inputs.from_splits(splits)
    steps_per_epoch = len(splits.y_train) / 128
    for jit_compile in (True, False):
        for size in sizes:
            stack = StackedMlps(hidden_units, size, jit_compile=jit_compile)
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
            print(f"  stack of {size:2}, XLA {'on ' if jit_compile else 'off'}: "
                  f"{per_network_epoch:.3f} s per network-epoch ({gflops:.0f} GFLOP/s)")


def measured_matmul_gflops() -> float:
    import tensorflow as tf

    left = tf.random.uniform((2048, 2048))
    tf.matmul(left, left).numpy()
    best = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        tf.matmul(left, left).numpy()
        best = min(best, time.perf_counter() - started)
    return 2 * 2048**3 / best / 1e9


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--naive-networks", type=int, default=3,
                        help="networks of the naive loop to time; scaled to the sweep's 15")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--no-probe", action="store_true")
    parser.add_argument("--intra-op-threads", type=int, default=0,
                        help="TensorFlow's intra-op threads (0: its default, one per core)")
    arguments = parser.parse_args()
    if arguments.intra_op_threads:
        import tensorflow as tf

        tf.config.threading.set_intra_op_parallelism_threads(arguments.intra_op_threads)

    from mnist_core import data
    from mnist_core.sweep.spec import SweepSpec, tasks

    mnist = data.load_mnist()
    if mnist.is_subset:
        print("warning: full MNIST not found, measuring on the 5,000-digit subset")
    spec = SweepSpec(epochs=EPOCHS)
    splits = data.split(mnist)
    networks, images = len(tasks(spec)), len(splits.y_train)
    print(f"{networks} networks {spec.hidden_units}, {EPOCHS} epochs, {images:,} training "
          f"images, batch {spec.batch_size}, load {os.getloadavg()[0]:.1f}")

    # Interleaved, so that a neighbour's load falls on both sides alike; the best try counts.
    naive_tries, our_tries = [], []
    for attempt in range(1, arguments.repeats + 1):
        print(f"try {attempt} of {arguments.repeats}:")
        naive_tries.append(naive_seconds_per_network(splits, spec, arguments.naive_networks))
        our_tries.append(our_sweep(mnist, spec))
    naive, naive_cpu = min(naive_tries)
    ours, ours_cpu, per_epoch = min(our_tries)
    naive_total = naive * networks
    print(f"naive model.fit loop: {naive:.1f} s per network ({arguments.naive_networks} timed, "
          f"scaled to {networks}, not all timed): {naive_total:.0f} s; ours {ours:.1f} s; "
          f"CPU seconds {naive_cpu * networks:.0f} against {ours_cpu:.0f}")
    fixed = ours - EPOCHS * per_epoch  # starting weights, compiling, data, test evaluation
    projected = (fixed + FULL_EPOCHS * per_epoch) / 60
    print(f"  -> {per_epoch:.1f} s per epoch of all {networks} networks, {fixed:.1f} s fixed; "
          f"projected {FULL_EPOCHS} epochs: {projected:.1f} min "
          f"(the naive loop: {naive_total * FULL_EPOCHS / EPOCHS / 60:.0f} min)")

    flops = training_flops_per_image(spec.hidden_units)
    floor = networks * FULL_EPOCHS * flops * images / (ASSUMED_GFLOPS * 1e9) / 60
    print(f"compute floor: {flops * 60_000 / 1e9:.1f} GFLOP per network-epoch on 60k images "
          f"({flops * images / 1e9:.1f} on the {images:,} trained); at {ASSUMED_GFLOPS:.0f} "
          f"GFLOP/s the full sweep needs {floor:.1f} min; ours reaches "
          f"{networks * flops * images / per_epoch / 1e9:.0f} GFLOP/s")
    matmul = measured_matmul_gflops()
    print(f"a 2048² matmul here runs at {matmul:.0f} GFLOP/s: a floor of "
          f"{floor * ASSUMED_GFLOPS / matmul:.1f} min at that rate")
    if not arguments.no_probe:
        print("stack size and XLA (steady state, compile excluded):")
        probe_stacks(splits, spec.hidden_units)

    print(json.dumps({"speedup_vs_naive": round(naive_total / ours, 2),
                      "projected_full_sweep_minutes": round(projected, 2),
                      "floor_minutes": round(floor, 2)}))


if __name__ == "__main__":
    main()
