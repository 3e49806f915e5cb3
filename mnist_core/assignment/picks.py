"""Which stored runs answer the assignment: a workspace's own, never another's (the lecture's
runs answer only in the lecture's own workspace, which is what lecture view passes)."""

from mnist_core import sweep
from mnist_core.models import cnn, mlp
from mnist_core.store import Registry, Run, Sweep
from mnist_core.sweep import stats


def own_done_runs(registry: Registry, workspace: str, kind: str | None = None) -> list[Run]:
    """Done single runs (of one kind, or any) in this workspace, newest first, damaged ones
    left out."""
    return [run for run in registry.runs(workspace=workspace, states=("done",))
            if run.workspace == workspace and kind in (None, run.model) and not run.problem]


def shown_or_latest(registry: Registry, workspace: str, kind: str,
                    shown: Run | None = None) -> Run | None:
    """The run the page shows when it is a done one of this kind, else the newest done one."""
    if shown is not None and shown.state == "done" and shown.model == kind and not shown.problem:
        return shown
    return next(iter(own_done_runs(registry, workspace, kind)), None)


def latest_mlp(registry: Registry, workspace: str, shown: Run | None = None) -> Run | None:
    return shown_or_latest(registry, workspace, mlp.KIND.name, shown)


def latest_cnn(registry: Registry, workspace: str, shown: Run | None = None) -> Run | None:
    return shown_or_latest(registry, workspace, cnn.KIND.name, shown)


def best_mlp(registry: Registry, workspace: str) -> Run | None:
    """The MLP with the highest validation accuracy: chosen on validation, never on test."""
    scored = [run for run in own_done_runs(registry, workspace, mlp.KIND.name)
              if run.val_accuracy is not None]
    return max(scored, key=lambda run: run.val_accuracy, default=None)


def latest_sweep(registry: Registry, workspace: str,
                 shown: Sweep | None = None) -> tuple[Sweep, stats.Summary] | None:
    """The sweep the page shows when it is done, else the newest done one, with its numbers."""
    candidates = [shown] if shown is not None else []
    candidates += [item for item in registry.sweeps(workspace=workspace)
                   if item.workspace == workspace]
    for item in candidates:
        if item.state == "done" and not item.problem:
            return item, sweep.summary(registry, item.sweep_id)
    return None
