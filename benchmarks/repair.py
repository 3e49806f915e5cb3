"""store.repair on a lab home of 100 finished runs: how long rebuilding the index takes.

The runs are written through Registry.create/update, each with a ten-epoch history and its
scores, as a finished run leaves them (no training, no model files: repair reads only the
run files). Five repairs in a row, each rebuilding the whole index.

Run: python benchmarks/repair.py
Last line: {"runs": 100, "repair_seconds": ..., "runs_listed_after": ...}; repair_seconds is
the median of the five.
"""

import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from mnist_core import jobs
from mnist_core.models import config, kinds, reproduce
from mnist_core.store import Registry, repair

RUNS = 100
REPEATS = 5
EPOCHS = 10


def write_runs(registry: Registry) -> None:
    run_config = config.RunConfig(training=config.TrainConfig(epochs=EPOCHS))
    for index in range(RUNS):
        history = [{"epoch": epoch, "loss": 0.5 / epoch, "accuracy": 0.9 + epoch / 200,
                    "val_loss": 0.6 / epoch, "val_accuracy": 0.89 + epoch / 200}
                   for epoch in range(1, EPOCHS + 1)]
        run_id = registry.create(
            config=run_config.to_dict(), model="mlp", workspace=f"student{index % 10}",
            seed=index, command=reproduce.command_line(run_config),
            params=kinds.parameter_count(run_config.model), state="running")
        registry.update(run_id, state="done", finished_at=time.time(), progress=1.0,
                        history=history, test_loss=0.1, test_accuracy=0.97,
                        val_accuracy=history[-1]["val_accuracy"], seconds=30.0,
                        versions={"tensorflow": "2", "keras": "3", "numpy": "2"},
                        data={"source": "benchmark", "sha256": "0" * 64})


def main() -> None:
    with tempfile.TemporaryDirectory() as scratch:
        home = Path(scratch)
        write_runs(Registry(home))
        seconds = []
        for _ in range(REPEATS):
            started = time.perf_counter()
            report = repair(home, jobs.is_process_alive)
            seconds.append(time.perf_counter() - started)
            assert report.recovered == RUNS and not report.skipped, report
        listed = len(Registry(home).runs())
    print(f"store.repair of {RUNS} runs, {REPEATS} times: min {min(seconds):.3f} s, "
          f"median {statistics.median(seconds):.3f} s, max {max(seconds):.3f} s")
    print(json.dumps({"runs": RUNS, "repair_seconds": round(statistics.median(seconds), 4),
                      "runs_listed_after": listed}))


if __name__ == "__main__":
    main()
