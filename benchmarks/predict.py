"""One drawing's prediction, end to end from the canvas's RGBA array as the page receives
it (white strokes on the page's black canvas): our path (pipeline + predict_on_batch)
against `model(x, training=False)`, the fastest plain Keras call, and `model.predict`, which
builds a data pipeline per call.

For the default MLP and a small CNN (untrained weights: the time does not depend on them),
first idle, then while two training jobs run in two worker processes, as in a class; and one
drawing through all the models a full inference.ModelCache holds.

Run: MNIST_NPZ=../shared/data/mnist.npz python benchmarks/predict.py
Last line: {"mlp_p95_ms", "cnn_p95_ms", "speedup_vs_model_call", "all_models_ms"}; the p95
figures are the worse of idle and during training, all_models_ms is the p95 for all models,
and the speed-up compares medians (the smaller of the two models').
"""

import json
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("MNIST_LAB_OFFLINE", "1")

import numpy as np
from PIL import Image, ImageDraw

from mnist_core import jobs
from mnist_core.data import preprocess
from mnist_core.drawing import pipeline
from mnist_core.evaluate import inference
from mnist_core.models import config, mlp
from mnist_core.store import Registry

OUR_REPEATS = 300
MODEL_PREDICT_REPEATS = 40
WARM_UP_CALLS = 5
TRAINING_START_TIMEOUT_SECONDS = 180


def canvas_drawing() -> np.ndarray:
    """A '4' as the page's canvas returns it: (280, 280, 4) uint8, white strokes on an opaque
    black ground."""
    ink = Image.new("L", (280, 280))
    pen = ImageDraw.Draw(ink)
    pen.line([(150, 30), (60, 170), (210, 170)], fill=255, width=22, joint="curve")
    pen.line([(165, 90), (165, 255)], fill=255, width=22)
    canvas = np.full((280, 280, 4), 255, np.uint8)
    canvas[..., :3] = np.asarray(ink)[..., np.newaxis]
    return canvas


def small_cnn(filters: tuple[int, int] = (16, 32), dense_units: int = 128):
    import keras
    from keras import layers

    first, second = filters
    return keras.Sequential([
        keras.Input(shape=(28, 28)),
        layers.Reshape((28, 28, 1)),  # (batch, 28, 28, 1)
        layers.Conv2D(first, 3), layers.BatchNormalization(), layers.ReLU(), layers.MaxPool2D(),
        layers.Conv2D(second, 3), layers.BatchNormalization(), layers.ReLU(), layers.MaxPool2D(),
        layers.Flatten(),
        layers.Dropout(0.25),
        layers.Dense(dense_units, activation="relu"),
        layers.Dense(10, activation="softmax"),
    ], name="cnn")


def model_zoo() -> dict:
    """Eight models, as many as the cache keeps: MLPs of several sizes and two CNNs."""

    shapes = {"mlp": (64, 64), "mlp-256-128": (256, 128), "mlp-512-256-128": (512, 256, 128),
              "mlp-32": (32,), "mlp-1024": (1024,), "mlp-128x3": (128, 128, 128)}
    zoo = {name: mlp.build(config.MlpConfig(hidden_units=units))
           for name, units in shapes.items()}
    zoo["cnn"] = small_cnn()
    zoo["cnn-32-64"] = small_cnn((32, 64), dense_units=256)
    return zoo


def milliseconds(call, repeats: int) -> np.ndarray:
    for _ in range(WARM_UP_CALLS):
        call()
    timings = []
    for _ in range(repeats):
        started = time.perf_counter()
        call()
        timings.append(time.perf_counter() - started)
    return np.array(timings) * 1000


def ours(model, canvas):
    return inference.predict(model, pipeline.prepare(canvas).digit[np.newaxis])


def with_model_predict(model, canvas):
    return model.predict(preprocess.scale(pipeline.prepare(canvas).digit[np.newaxis]), verbose=0)


def with_model_call(model, canvas):
    return model(preprocess.scale(pipeline.prepare(canvas).digit[np.newaxis]),
                 training=False).numpy()


def all_models(cache, run_ids, canvas):
    return inference.predict_each(cache, run_ids, pipeline.prepare(canvas).digit)


def p50_p95(timings: np.ndarray) -> tuple[float, float]:
    return float(np.percentile(timings, 50)), float(np.percentile(timings, 95))


def measure(label: str, cache, run_ids: dict, canvas, with_keras: bool) -> dict:
    """p50 and p95 per model (and with model.predict when asked), and for all kinds."""
    figures = {}
    for name in ("mlp", "cnn"):
        model = cache.get(run_ids[name])
        figures[name] = p50_p95(milliseconds(lambda model=model: ours(model, canvas),
                                             OUR_REPEATS))
        line = f"{label:16} {name}: ours p50 {figures[name][0]:.2f} ms, p95 {figures[name][1]:.2f}"
        if with_keras:
            figures[f"{name}_call"] = p50_p95(milliseconds(
                lambda model=model: with_model_call(model, canvas), OUR_REPEATS))
            figures[f"{name}_predict"] = p50_p95(milliseconds(
                lambda model=model: with_model_predict(model, canvas), MODEL_PREDICT_REPEATS))
            call_p50, call_p95 = figures[f"{name}_call"]
            predict_p50, predict_p95 = figures[f"{name}_predict"]
            line += (f"; model(x, training=False) p50 {call_p50:.2f} ms, p95 {call_p95:.2f} "
                     f"({call_p50 / figures[name][0]:.1f}× ours by median); model.predict "
                     f"p50 {predict_p50:.1f} ms, p95 {predict_p95:.1f}")
        print(line)
    everything = list(run_ids.values())
    figures["all"] = p50_p95(milliseconds(lambda: all_models(cache, everything, canvas),
                                          OUR_REPEATS // 2))
    print(f"{label:16} all {len(everything)} models: p50 {figures['all'][0]:.2f} ms, "
          f"p95 {figures['all'][1]:.2f}")
    return figures


def start_training(pool: jobs.WorkerPool, registry: Registry, workspace: str) -> str:
    """A long run in a worker process; returns once its first batches have been trained."""
    long_run = config.RunConfig(training=config.TrainConfig(epochs=200))
    run_id = pool.submit(long_run, workspace=workspace)
    deadline = time.monotonic() + TRAINING_START_TIMEOUT_SECONDS
    while registry.get(run_id).progress == 0:
        if time.monotonic() > deadline or not registry.get(run_id).is_active:
            raise SystemExit(f"the training job did not start: {registry.get(run_id)}")
        time.sleep(0.2)
    return run_id


def main() -> None:
    threads_limited = inference.limit_threads()  # as the server does, before any model loads
    canvas = canvas_drawing()
    with tempfile.TemporaryDirectory() as home:
        registry = Registry(home)
        run_ids = {}
        for name, model in model_zoo().items():
            run_ids[name] = registry.create(config={}, model=name.split("-")[0],
                                            workspace="benchmark", seed=0, command="-",
                                            state="done")
            registry.save_model(run_ids[name], model)
        cache = inference.ModelCache(registry)
        print(f"TensorFlow limited to 1 intra-op / 1 inter-op thread: {threads_limited}; "
              f"{os.cpu_count()} cores")
        idle = measure("idle", cache, run_ids, canvas, with_keras=True)

        pool = jobs.WorkerPool(registry, size=2)
        try:
            training = [start_training(pool, registry, f"student-{index}") for index in (1, 2)]
            busy = measure("two training", cache, run_ids, canvas, with_keras=False)
            for run_id in training:
                registry.request_cancel(run_id)
        finally:
            pool.shutdown()

    speedup = min(idle[f"{name}_call"][0] / idle[name][0] for name in ("mlp", "cnn"))
    print(json.dumps({
        "mlp_p95_ms": round(max(idle["mlp"][1], busy["mlp"][1]), 3),
        "cnn_p95_ms": round(max(idle["cnn"][1], busy["cnn"][1]), 3),
        "speedup_vs_model_call": round(speedup, 2),
        "all_models_ms": round(max(idle["all"][1], busy["all"][1]), 3),
    }))


if __name__ == "__main__":
    main()
