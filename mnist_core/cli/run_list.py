"""A stored run as `runs` lists it: one JSON row (its keys are stable) and one line of text."""

from mnist_core.cli.train_command import or_dash
from mnist_core.store import Run


def run_row(run: Run) -> dict:
    return {"run_id": run.run_id, "kind": run.kind, "model": run.model, "status": run.state,
            "test_accuracy": run.test_accuracy, "created_at": run.created_at,
            "workspace": run.workspace}


def run_line(run: Run) -> str:
    return (f"{run.run_id}  {run.model:4}  {run.state:11}  "
            f"{or_dash(run.test_accuracy, '.4f'):8}  {run.workspace}")
