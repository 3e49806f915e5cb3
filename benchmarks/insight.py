"""What the replay and the drawing insight cost the server, and what snapshots cost training.

- One replay frame, as the page builds it the first time anyone looks at it: the snapshot
  file read from disk, the frame picked, the weight and probe mosaics coloured, and the
  confusion chart turned into its Vega-Lite spec (what Streamlit sends; the page then keeps
  the spec and the file's contents, so a frame seen again costs only the mosaics).
- One drawing's insight per model kind: the occlusion map (36 covered copies and the digit
  in one call) and the activations (the MLP's strongest units, a CNN's feature maps).
- Snapshots during training, for the default MLP and the fast CNN on the full data, runs
  with and without them taking turns --tries times: the direct cost (the time in the
  snapshot callback, plus what counting the confusion matrix adds to the validation pass)
  and the end-to-end cost (steady epochs with against without). Epochs here swing by 10-30 %
  from run to run, far more than a 3 % cost: the end-to-end figure cannot resolve it, the
  direct one can. Training batches count nothing: their step function is traced without
  the confusion metric's update.

Run: MNIST_NPZ=../shared/data/mnist.npz python benchmarks/insight.py [--tries 3]
Last line: {"replay_frame_ms", "occlusion_cnn_ms", "activations_ms", "snapshot_overhead",
"snapshot_overhead_end_to_end"}: medians; activations_ms the slowest kind's; the overheads
the larger of the two models' medians over tries, as fractions of a steady epoch without.
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
from unittest import mock

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("MNIST_LAB_OFFLINE", "1")

import keras
import numpy as np
import peak

from mnist_core import data
from mnist_core.charts import run_charts
from mnist_core.evaluate import conv_insight, lights_up, replay
from mnist_core.models import cnn, config, first_layer, kinds
from mnist_core.store import Registry
from mnist_core.store.snapshot_files import Snapshots
from mnist_core.training import loop, snapshots
from mnist_core.ui import images

REPEATS = 40
WARM_UP = 3
EPOCHS = {"default MLP": 6, "fast CNN": 3}  # epoch 1 compiles; the others are steady
# The MLP's half-second epochs swing by 10 % from try to try here: more tries, cheaply.
TRIES_PER_TRY = {"default MLP": 3, "fast CNN": 1}


def timed_ms(work, repeats: int = REPEATS) -> list[float]:
    for _ in range(WARM_UP):
        work()
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        work()
        times.append((time.perf_counter() - started) * 1000)
    return times


def replay_frame(registry: Registry, run_id: str) -> None:
    """What ui.replay_frame does for one frame, without Streamlit."""
    kept = registry.load_snapshots(run_id)
    frame = replay.frame(kept, len(kept) // 2)
    mosaics(frame)
    run_charts.confusion(frame.confusion).to_dict()


def mosaics(frame: replay.Frame) -> None:
    images.mosaic([images.diverging(tile) for tile in frame.first_layer], 4, scale=3)
    images.mosaic(images.marked(frame.probe_images, frame.probe_right), 10, scale=2)


def stored_replay(registry: Registry, splits, run_config) -> str:
    """A snapshot file at its largest: 21 frames of the default MLP (random values: the time
    does not depend on them)."""
    run_id = registry.create(config=run_config.to_dict(), model="mlp", workspace="bench",
                             seed=0, command="benchmark", state="done")
    weights = first_layer.first_layer_images(kinds.build(run_config.model, 0))
    probes = snapshots.probe_indices(splits.y_val)
    kept = Snapshots.empty(splits.x_val[probes], splits.y_val[probes], weights.shape)
    rng = np.random.default_rng(0)
    for epoch in [0, *sorted(snapshots.kept_epochs(50))]:
        kept = kept.with_frame(epoch, weights + rng.normal(0, 0.01, weights.shape),
                               rng.dirichlet(np.ones(10), len(probes)),
                               rng.integers(0, 500, (10, 10)))
    registry.save_snapshots(run_id, kept)
    return run_id


def insight_times(models: dict, digit: np.ndarray) -> dict:
    times = {}
    for name, model in models.items():
        occlusion = timed_ms(lambda model=model: lights_up.occlusion_map(model, digit))
        if lights_up.is_convolutional(model):
            activations = timed_ms(lambda model=model: conv_insight.feature_maps(model, digit))
        else:
            activations = timed_ms(
                lambda model=model: lights_up.strongest_units(model, digit, 8))
        print(f"{name}: occlusion map {peak.spread(occlusion, ' ms')}; "
              f"activations {peak.spread(activations, ' ms')}")
        times[name] = (statistics.median(occlusion), statistics.median(activations))
    return times


class EpochClock(keras.callbacks.Callback):
    """When each epoch ends, and how long each validation pass takes."""

    def __init__(self):
        super().__init__()
        self.ends, self.validations = [], []

    def on_test_begin(self, logs=None):
        self._began = time.perf_counter()

    def on_test_end(self, logs=None):
        self.validations.append(time.perf_counter() - self._began)

    def on_epoch_end(self, epoch, logs=None):
        self.ends.append(time.perf_counter())


class TimedTaker(snapshots.SnapshotTaker):
    """The replay's own callback, timed at each epoch's end (weights, probes, the file)."""

    seconds: list[float] = []

    def on_epoch_end(self, epoch, logs=None):
        began = time.perf_counter()
        super().on_epoch_end(epoch, logs)
        TimedTaker.seconds.append(time.perf_counter() - began)


@dataclasses.dataclass(frozen=True)
class Steady:
    """Medians over a run's steady epochs (the first compiles), in seconds."""

    epoch: float
    validation: float
    snapshot: float  # in the snapshot callback at an epoch's end; 0 without snapshots


def steady_epochs(run_config, splits, hooks) -> Steady:
    clock = EpochClock()  # after the taker in fit's list: an epoch's end includes its snapshot
    TimedTaker.seconds = []
    model = kinds.build(run_config.model, 0)
    with mock.patch.object(snapshots, "SnapshotTaker", TimedTaker):
        loop.fit(model, splits, run_config.training, hooks, extra_callbacks=(clock,))
    return Steady(epoch=statistics.median(np.diff(clock.ends)),
                  validation=statistics.median(clock.validations[1:]),
                  snapshot=statistics.median(TimedTaker.seconds[1:] or [0.0]))


def snapshot_overhead(registry: Registry, splits, tries: int) -> dict:
    """Per model: the direct cost (the callback's time, plus what counting the confusion
    matrix adds to the validation pass) and the end-to-end cost (steady epochs with against
    without), each as a fraction of a steady epoch without, median over paired tries."""
    overheads = {}
    for name, epochs in EPOCHS.items():
        base = config.RunConfig() if name == "default MLP" else cnn.FAST
        run_config = config.RunConfig(model=base.model, training=config.TrainConfig(
            **{**base.training.__dict__, "epochs": epochs}))
        run_id = registry.create(config=run_config.to_dict(), model=run_config.model.kind,
                                 workspace="bench", seed=0, command="benchmark",
                                 state="running")
        sides = {"without": loop.Hooks(),
                 "with": loop.Hooks(on_snapshot=lambda kept, run_id=run_id:
                                    registry.save_snapshots(run_id, kept))}
        steady = {side: [] for side in sides}
        for turn in range(tries * TRIES_PER_TRY[name]):  # taking turns: the speed drifts,
            for side in sorted(sides, reverse=turn % 2 == 1):  # so each goes first as often
                steady[side].append(steady_epochs(run_config, splits, sides[side]))
        pairs = list(zip(steady["with"], steady["without"], strict=True))
        direct = [(with_.snapshot + with_.validation - without.validation) / without.epoch
                  for with_, without in pairs]
        paired = [with_.epoch / without.epoch - 1 for with_, without in pairs]
        print(f"{name}, steady epoch: without snapshots "
              f"{peak.spread([run.epoch for run in steady['without']], ' s', 2)}; with "
              f"{peak.spread([run.epoch for run in steady['with']], ' s', 2)}")
        print(f"{name}: snapshot callback "
              f"{peak.spread([1e3 * run.snapshot for run in steady['with']], ' ms', 1)}; "
              f"validation pass without "
              f"{peak.spread([1e3 * run.validation for run in steady['without']], ' ms', 0)}"
              f", with {peak.spread([1e3 * run.validation for run in steady['with']], ' ms', 0)}")
        print(f"{name}: overhead direct {peak.spread([100 * x for x in direct], ' %', 2)}; "
              f"end to end {peak.spread([100 * x for x in paired], ' %', 1)}")
        overheads[name] = (statistics.median(direct), statistics.median(paired))
        size = registry.snapshots_path(run_id).stat().st_size
        print(f"{name}: snapshot file after {epochs} epochs {size / 1e3:.0f} kB")
    return overheads


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tries", type=int, default=3)
    arguments = parser.parse_args()
    mnist = data.load_mnist()
    if mnist.is_subset:
        print("warning: full MNIST not found, measuring on the 5,000-digit subset")
    splits = data.split(mnist)
    with tempfile.TemporaryDirectory() as home:
        registry = Registry(home)
        run_id = stored_replay(registry, splits, config.RunConfig())
        size = registry.snapshots_path(run_id).stat().st_size
        frame_ms = timed_ms(lambda: replay_frame(registry, run_id))
        print(f"replay frame (default MLP, 21 frames, {size / 1e3:.0f} kB file), first look: "
              f"{peak.spread(frame_ms, ' ms')}")
        kept = registry.load_snapshots(run_id)
        again_ms = timed_ms(lambda: mosaics(replay.frame(kept, len(kept) // 2)))
        print(f"the same frame again (file and chart spec kept): {peak.spread(again_ms, ' ms')}")
        models = {"default MLP": kinds.build(config.RunConfig().model, 0),
                  **{f"{name} CNN": kinds.build(preset.model, 0)
                     for name, preset in cnn.PRESETS.items()}}
        insight = insight_times(models, splits.x_test[0])
        overheads = snapshot_overhead(registry, splits, arguments.tries)
    print(json.dumps({
        "replay_frame_ms": round(statistics.median(frame_ms), 1),
        "occlusion_cnn_ms": round(insight["fast CNN"][0], 1),
        "activations_ms": round(max(activations for _, activations in insight.values()), 1),
        "snapshot_overhead": round(max(direct for direct, _ in overheads.values()), 4),
        "snapshot_overhead_end_to_end": round(max(paired for _, paired in overheads.values()),
                                              4),
    }))


if __name__ == "__main__":
    main()
