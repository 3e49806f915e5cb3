"""Finished runs written straight into a store (no training), and what to compare them by."""

import time

from mnist_core.models import config, kinds, mlp, reproduce

SMALL_MLP = config.RunConfig(model=config.MlpConfig(hidden_units=(8,)),
                             training=config.TrainConfig(epochs=10, train_size=1000))
# What ten epochs write: every key the runner records, numbers that differ by epoch.
HISTORY = [{"epoch": epoch, "loss": 1.0 / epoch, "accuracy": 0.8 + epoch / 100,
            "val_loss": 1.1 / epoch, "val_accuracy": 0.79 + epoch / 100}
           for epoch in range(1, 11)]
TEST_ACCURACY = 0.8765


def small_model(seed: int = 0):
    return mlp.build(SMALL_MLP.model, seed)


def add_finished_run(registry, workspace: str = "alice", model=None) -> str:
    """A done run with ten epochs of history and a test score; its model file when given."""
    run_id = registry.create(
        config=SMALL_MLP.to_dict(), model="mlp", workspace=workspace,
        seed=SMALL_MLP.training.seed, command=reproduce.command_line(SMALL_MLP),
        params=kinds.parameter_count(SMALL_MLP.model), state="running")
    registry.update(run_id, state="done", finished_at=time.time(), progress=1.0,
                    history=HISTORY, test_loss=0.4, test_accuracy=TEST_ACCURACY,
                    val_accuracy=HISTORY[-1]["val_accuracy"], seconds=3.0)
    if model is not None:
        registry.save_model(run_id, model)
    return run_id


def snapshot(registry, run_id: str) -> dict:
    """Everything stored of a run: its index row, its run file's bytes, its model's bytes."""
    model = registry.model_path(run_id)
    return {"row": registry.get(run_id), "file": registry.run_file(run_id).read_bytes(),
            "model": model.read_bytes() if model.exists() else None}
