"""A student's writes through mnist_core's own functions, with the key from its cookie, aimed
at a workspace it holds no key for (another student's, or the lecture's).

Whether a write happened is judged by the store afterwards, not by the exception: "succeeded"
means the run is gone, a run was added, or a cancel took hold, whatever was raised.
"refused" means access.NotAllowed was raised and nothing changed; "error" another exception
and nothing changed; "not refused" no exception and nothing changed (a write the store had
nothing to do for, e.g. cancelling a finished run, should still be refused).
"""

import tempfile
from pathlib import Path

from benchmarks.classroom_browser import Attempt
from mnist_core.store import Registry, RunError


def _outcome(write, happened) -> tuple[str, str]:
    from mnist_core.store import access

    try:
        write()
    except access.NotAllowed as refusal:
        outcome, detail = "refused", f"NotAllowed: {refusal}"
    except Exception as error:  # (what else was raised is the finding)
        outcome, detail = "error", f"{type(error).__name__}: {error}"
    else:
        outcome, detail = "not refused", "no exception"
    if happened():
        outcome = "succeeded"
    return outcome, detail[:300]


def _exists(registry: Registry, run_id: str) -> bool:
    try:
        registry.get(run_id)
        return True
    except RunError:
        return False


def _run_ids(registry: Registry, workspace: str) -> set[str]:
    return {run.run_id for run in registry.runs(workspace=workspace)
            if run.workspace == workspace}


def _credential(keys: dict):
    from mnist_core.store import access

    return access.Credential(keys=dict(keys))


def cancel_attempt(home: Path, keys: dict, run_id: str, workspace: str) -> Attempt:
    """request_cancel on another workspace's queued or running run."""
    registry = Registry(home)
    try:
        credential = _credential(keys)
    except ImportError as missing:
        return Attempt("api", "request_cancel", workspace, "error", f"{missing}")

    def cancelled() -> bool:
        run = registry.get(run_id)
        return run.cancel_requested or run.state == "cancelled"

    outcome, detail = _outcome(
        lambda: registry.request_cancel(run_id, credential=credential), cancelled)
    return Attempt("api", "request_cancel", workspace, outcome, f"run {run_id}: {detail}")


def write_attempts(home: Path, keys: dict, own_workspace: str,
                   targets: dict[str, str]) -> list[Attempt]:
    """delete, request_cancel, jobs.submit and import_workspace into each target workspace
    ({workspace: one of its finished run ids}), presenting only the student's own key."""
    try:
        credential = _credential(keys)
        from mnist_core.store import archive
    except ImportError as missing:
        return [Attempt("api", "any", ", ".join(targets), "error", f"{missing}")]
    registry = Registry(home)
    attempts = []
    with tempfile.TemporaryDirectory() as scratch:
        own_zip = Path(scratch) / f"{own_workspace}.zip"
        try:
            archive.export_workspace(registry, own_workspace, own_zip)  # a read: no key
        except Exception as error:
            own_zip = None
            attempts.append(Attempt("api", "import_workspace", own_workspace, "error",
                                    f"exporting its own workspace: {error}"))
        for workspace, run_id in targets.items():
            attempts += _attempts_on(registry, credential, workspace, run_id, own_zip)
    return attempts


def _attempts_on(registry: Registry, credential, workspace: str, run_id: str,
                 own_zip: Path | None) -> list[Attempt]:
    """Each write into `workspace`, whose finished run `run_id` is the one aimed at."""
    from mnist_core import jobs
    from mnist_core.models import config
    from mnist_core.store import archive

    run = registry.get(run_id)
    run_config = config.RunConfig.from_dict(run.config)
    before = _run_ids(registry, workspace)

    def added() -> bool:
        return bool(_run_ids(registry, workspace) - before)

    def cancelled() -> bool:
        now = registry.get(run_id)
        return now.cancel_requested or now.state != run.state

    tries = [
        ("delete", lambda: registry.delete(run_id, credential=credential),
         lambda: not _exists(registry, run_id)),
        ("request_cancel", lambda: registry.request_cancel(run_id, credential=credential),
         cancelled),
        ("submit", lambda: jobs.submit(registry, run_config, workspace, credential=credential),
         added),
    ]
    if own_zip is not None:
        tries.append(("import_workspace", lambda: archive.import_workspace(
            registry, own_zip, workspace=workspace, credential=credential), added))
    attempts = []
    for what, write, happened in tries:
        outcome, detail = _outcome(write, happened)
        attempts.append(Attempt("api", what, workspace, outcome, f"run {run_id}: {detail}"))
    return attempts


def own_key_accepted(home: Path, keys: dict, run_id: str) -> str:
    """The control: the student's key passes the same check for its own run (cancelling its
    finished run, which changes nothing). '' when it does, else what was raised."""
    registry = Registry(home)
    before = registry.get(run_id)
    try:
        registry.request_cancel(run_id, credential=_credential(keys))
    except Exception as error:
        return f"{type(error).__name__}: {error}"
    after = registry.get(run_id)
    if (after.state, after.cancel_requested) != (before.state, before.cancel_requested):
        return f"cancelling its finished run changed it: {before.state} → {after.state}"
    return ""
