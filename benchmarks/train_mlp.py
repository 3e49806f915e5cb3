"""Our training loop against plain `model.fit` and against the best Keras itself offers,
`fit(steps_per_execution=50)`; the hooks' cost; and the workers' memory over 60 jobs.

Run: MNIST_NPZ=../shared/data/mnist.npz python benchmarks/train_mlp.py [--tries 5]
Last line: {"speedup_vs_plain_fit", "speedup_vs_fit_spe50", "hook_overhead",
            "worker_rss_growth_mb"}
The variants take turns --tries times; each prints its spread, and the medians count.
Memory is the workers': the server never imports TensorFlow (the classroom benchmark measures
its memory per session). Two workers share 60 jobs, so each passes its 20-job replacement.
"""

import argparse
import contextlib
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

import peak

EPOCHS = 6
SMALL_JOBS = 60
UINT8_PIPELINE = "engine, hooks on, uint8 images"


def rss_mb(pid: int) -> float | None:
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        return None  # it has exited (a retired worker)
    return None


def worker_memory_growth() -> float:
    """The largest, over worker processes, of RSS after its last job minus after its first;
    each RSS read as soon as its job has ended."""
    from mnist_core import jobs
    from mnist_core.models import config
    from mnist_core.store import Registry

    after_job: dict[int, list[float]] = {}
    with tempfile.TemporaryDirectory() as home:
        registry = Registry(home)
        pool = jobs.WorkerPool(registry, size=2)
        tiny = config.RunConfig(training=config.TrainConfig(epochs=1, train_size=1000))
        submitted, seen = [], set()
        while len(seen) < SMALL_JOBS:
            if len(submitted) < SMALL_JOBS:
                with contextlib.suppress(jobs.QueueFull):  # a full queue: later
                    submitted.append(pool.submit(tiny, workspace=f"student-{len(submitted)}"))
            for run_id in submitted:
                run = registry.get(run_id)
                if run_id not in seen and not run.is_active:
                    seen.add(run_id)
                    memory = rss_mb(run.pid)
                    if memory is not None:
                        after_job.setdefault(run.pid, []).append(memory)
            pool.ensure_running()
            time.sleep(0.05)
        states = {registry.get(run_id).state for run_id in submitted}
        pool.shutdown()
    growth = {pid: series[-1] - series[0] for pid, series in after_job.items()}
    print(f"{SMALL_JOBS} jobs through 2 workers: states {sorted(states)}; per worker process, "
          "RSS after each job (MB): " + "; ".join(
              f"{len(series)} jobs {series[0]:.0f} -> {series[-1]:.0f}"
              for series in after_job.values()))
    return max(growth.values())


def epoch_seconds(train) -> list[float]:
    """Seconds of each epoch; `train(callback)` runs EPOCHS epochs calling back per epoch."""
    import keras

    stamps = [time.perf_counter()]

    class Stamp(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            stamps.append(time.perf_counter())

    train(Stamp())
    return [later - earlier for earlier, later in zip(stamps, stamps[1:], strict=False)]


def steady(seconds: list[float]) -> float:
    return statistics.median(seconds[1:])


def uint8_batches(images, labels, batch_size, seed):
    """The input pipeline tried and not kept: images kept uint8 (a quarter of the memory)
    and each gathered batch scaled and one-hot coded inside the pipeline."""
    import numpy as np
    import tensorflow as tf

    x, y = tf.constant(images), tf.constant(np.asarray(labels, np.int32))
    indices = tf.data.Dataset.range(len(labels)).shuffle(
        len(labels), seed=seed, reshuffle_each_iteration=True)
    return (indices.batch(batch_size)
            .map(lambda batch: (tf.cast(tf.gather(x, batch), tf.float32) / 255.0,
                                tf.one_hot(tf.gather(y, batch), 10)))
            .prefetch(tf.data.AUTOTUNE))


def ours_over(medians: dict, name: str) -> float:
    """How many times faster than ours `name` ran (below 1: slower)."""
    return medians["engine, hooks on"] / medians[name]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tries", type=int, default=5)
    arguments = parser.parse_args()
    memory_growth = worker_memory_growth()

    import keras

    from mnist_core import data
    from mnist_core.data import preprocess
    from mnist_core.models import config, mlp
    from mnist_core.training import loop

    mnist = data.load_mnist()
    if mnist.is_subset:
        print("warning: full MNIST not found, measuring on the 5,000-digit subset")
    splits = data.split(mnist)
    run = config.RunConfig(training=config.TrainConfig(epochs=EPOCHS))

    def keras_fit(steps_per_execution):
        def train(callback):
            model = mlp.build(run.model, seed=0)
            model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.1),
                          loss="categorical_crossentropy", metrics=["accuracy"],
                          steps_per_execution=steps_per_execution)
            model.fit(preprocess.scale(splits.x_train), preprocess.one_hot(splits.y_train),
                      batch_size=128, epochs=EPOCHS, verbose=0, callbacks=[callback],
                      validation_data=(preprocess.scale(splits.x_val),
                                       preprocess.one_hot(splits.y_val)))
        return train

    def engine(hooks, jit_compile=loop.JIT_COMPILE, batches=loop._shuffled_batches):
        def train(callback):
            model = mlp.build(run.model, seed=0)
            chosen = loop.JIT_COMPILE, loop._shuffled_batches
            loop.JIT_COMPILE, loop._shuffled_batches = jit_compile, batches
            try:
                loop.fit(model, splits, run.training, hooks, extra_callbacks=(callback,))
            finally:
                loop.JIT_COMPILE, loop._shuffled_batches = chosen
        return train

    with tempfile.TemporaryDirectory() as home:
        from mnist_core.store import Registry
        from mnist_core.training import runner

        registry = Registry(home)
        run_id = registry.create(config=run.to_dict(), model="mlp", workspace="bench", seed=0,
                                 command="benchmark", state="running")
        hooked = runner.registry_hooks(registry, run_id, echo=None)
        other_xla = f"engine, hooks on, XLA {'off' if loop.JIT_COMPILE else 'on'}"
        variants = {"plain model.fit": keras_fit(1), "fit(steps_per_execution=50)": keras_fit(50),
                    "engine, hooks on": engine(hooked), "engine, hooks off": engine(None),
                    other_xla: engine(hooked, not loop.JIT_COMPILE),
                    UINT8_PIPELINE: engine(hooked, batches=uint8_batches)}
        # Interleaved: plain fit's epoch alone swung between 0.40 and 0.79 s from one try to
        # the next on this machine.
        epochs = {name: [] for name in variants}
        for attempt in range(arguments.tries):
            for name, train in variants.items():
                epochs[name].append(epoch_seconds(train))
            print(f"try {attempt + 1}: " + ", ".join(
                f"{name} {steady(tried[-1]):.3f}" for name, tried in epochs.items()) +
                f" s per steady epoch; load {os.getloadavg()[0]:.1f}", flush=True)
    medians = {}
    for name, tries in epochs.items():
        medians[name] = statistics.median(steady(seconds) for seconds in tries)
        print(f"{name:30} epoch 1 {peak.spread([seconds[0] for seconds in tries], ' s', 2)}; "
              f"steady {peak.spread([steady(seconds) for seconds in tries], ' s', 3)}")
    overheads = [steady(on) / steady(off) - 1 for on, off in
                 zip(epochs["engine, hooks on"], epochs["engine, hooks off"], strict=True)]
    print(f"hook overhead per try: {[f'{value:+.1%}' for value in overheads]}, "
          f"{peak.spread([100 * value for value in overheads], ' %', 1)}")
    print(f"{other_xla}: {ours_over(medians, other_xla):.3f}× as fast as ours "
          f"(XLA {'on' if loop.JIT_COMPILE else 'off'}); {UINT8_PIPELINE}: "
          f"{ours_over(medians, UINT8_PIPELINE):.3f}× as fast as ours (float32 images)")
    ours = medians["engine, hooks on"]
    print(json.dumps({
        "speedup_vs_plain_fit": round(medians["plain model.fit"] / ours, 3),
        "speedup_vs_fit_spe50": round(medians["fit(steps_per_execution=50)"] / ours, 3),
        "hook_overhead": round(statistics.median(overheads), 4),
        "worker_rss_growth_mb": round(memory_growth, 1),
    }))


if __name__ == "__main__":
    main()
