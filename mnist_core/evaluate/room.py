"""How a class did, from the stored runs: one number per workspace, never a name."""

from collections.abc import Iterable

from mnist_core.store import LECTURE_WORKSPACE, Run


def best_per_workspace(runs: Iterable[Run], model: str) -> list[float]:
    """The best validation accuracy each student workspace reached with `model`, sorted (so
    the order gives no workspace away). The lecture's own runs are not the room's."""
    best: dict[str, float] = {}
    for run in runs:
        if (run.model != model or run.state != "done" or run.val_accuracy is None
                or run.workspace == LECTURE_WORKSPACE):
            continue
        best[run.workspace] = max(best.get(run.workspace, 0.0), run.val_accuracy)
    return sorted(best.values())
