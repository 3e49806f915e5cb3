"""How the room did: one best validation accuracy per student workspace, no names."""

from mnist_core.evaluate import room
from mnist_core.store import Run


def run(workspace: str, val: float | None, model: str = "mlp", state: str = "done") -> Run:
    return Run(run_id=f"{workspace}-{val}", kind="single", sweep_id=None, model=model,
               workspace=workspace, state=state, config={}, seed=0, command="", created_at=0.0,
               started_at=None, finished_at=None, progress=1.0, history=[], params=None,
               test_loss=None, test_accuracy=None, val_accuracy=val, seconds=None, versions={},
               error=None, pid=None, cancel_requested=False)


def test_each_workspace_counts_once_with_its_best_and_the_lecture_not_at_all():
    runs = [run("alice", 0.91), run("alice", 0.95), run("bob", 0.97), run("lecture", 0.99),
            run("carol", 0.99, model="cnn"), run("dave", None), run("erin", 0.98, state="failed")]
    assert room.best_per_workspace(runs, "mlp") == [0.95, 0.97]
    assert room.best_per_workspace(runs, "cnn") == [0.99]
