"""A workspace as a zip: its runs and sweeps with their files, to take home, hand in, or move
to another lab.

A zip holds the home's own layout, and nothing else:

    runs/<run_id>/run.json, runs/<run_id>/model.keras, runs/<run_id>/snapshots.npz,
    sweeps/<sweep_id>/sweep.json

Import takes a zip whole or not at all: it unpacks it into a hidden folder of the home
(repair never looks there), checks every record, then moves the folders into place and
indexes them in one transaction, moving them back if that fails.
"""

import os
import re
import secrets
import shutil
import sqlite3
import stat
import zipfile
import zlib
from pathlib import Path

from mnist_core.store import access, files
from mnist_core.store.records import ACTIVE_STATES, Run, RunError, Sweep
from mnist_core.store.runs import (
    WORKSPACE_PATTERN,
    check_workspace,
    insert_row,
    interrupted,
    new_run_id,
)
from mnist_core.store.sweeps import insert_sweep_rows

MAX_ENTRIES = 2_000
MAX_BYTES = 500_000_000  # unpacked, counted as they come out: declared sizes can lie
CHUNK_BYTES = 1 << 20
ID_PATTERN = re.compile(r"[A-Za-z0-9_-]{1,64}")  # a run or sweep id, as a folder name
RUN_EXTRAS = (files.MODEL_FILE, files.SNAPSHOT_FILE)  # beside a run's record, when it has them
LAYOUT = {files.RUNS_DIR: (files.RUN_FILE, *RUN_EXTRAS), files.SWEEPS_DIR: (files.SWEEP_FILE,)}
IDS_NAMED = 10  # a refusal names this many existing ids at most
IMPORTED_ACTIVE = ("it was {state} in the lab it was exported from; an import never starts "
                   "training, so train it again here (a sweep: resume it)")


class ArchiveRejected(RunError):  # noqa: N818  (a public name that callers catch)
    """A zip that import_workspace will not take; nothing of it was imported."""


def workspace_contents(registry, workspace: str) -> tuple[list[Run], list[Sweep]]:
    """The workspace's own single runs and sweeps (not the lecture's, which it sees too)."""
    runs = [run for run in registry.runs(workspace) if run.workspace == workspace]
    sweeps = [sweep for sweep in registry.sweeps(workspace) if sweep.workspace == workspace]
    return runs, sweeps


def export_workspace(registry, workspace: str, path) -> dict:
    """Write workspace `workspace`'s single runs and its sweeps, each sweep with all its
    networks, to the zip `path` (a temporary file renamed into place). Queued and running
    runs go as they are; they come back interrupted on import.

    Returns {"path", "runs", "sweeps"}: `runs` counts the single runs, not the sweeps'
    networks. Raises RunError when the workspace has nothing to export or a record's file
    is damaged (the message names it), ValueError for a bad workspace name.
    """
    check_workspace(workspace)
    runs, sweeps = workspace_contents(registry, workspace)
    if not runs and not sweeps:
        raise RunError(f"workspace {workspace!r} has no runs or sweeps to export")
    run_ids = [run.run_id for run in runs]
    records = {}  # each file as read once: a running sweep's member list is one snapshot
    for sweep in sweeps:
        sweep_file = registry.sweep_file(sweep.sweep_id)
        records[sweep_file] = _exportable(workspace, sweep_file, files.SWEEP_KEYS)
        run_ids += records[sweep_file].get("members", [])
    for run_id in run_ids:
        records[registry.run_file(run_id)] = _exportable(workspace, registry.run_file(run_id),
                                                         files.RUN_KEYS)
    path = Path(path)
    with files.replacing(path) as stream, \
            zipfile.ZipFile(stream, "w", zipfile.ZIP_DEFLATED) as archive:
        for record_file, record in records.items():
            archive.writestr(_entry_name(registry, record_file), files.record_bytes(record))
            for extra in map(record_file.with_name, RUN_EXTRAS):
                if extra.is_file():
                    archive.write(extra, _entry_name(registry, extra))
    return {"path": str(path), "runs": len(runs), "sweeps": len(sweeps)}


def _exportable(workspace: str, path: Path, required: tuple[str, ...]) -> dict:
    """The record in `path`; a damaged one stops the export (its zip would be refused)."""
    try:
        return files.read_record(path, required)
    except RunError as error:
        raise RunError(f"cannot export workspace {workspace!r}: {error}; delete that run (or "
                       "sweep) and export again") from None


def _entry_name(registry, path: Path) -> str:
    """A file's name in the zip: its place in the home."""
    return path.relative_to(registry.home).as_posix()


def import_workspace(registry, path, workspace: str | None = None,
                     credential: access.Credential | None = None) -> dict:
    """Import a zip that export_workspace wrote, whole or not at all.

    Runs and sweeps keep their ids and workspace; with `workspace` NEW they all get new ids
    and go to workspace NEW (for a zip whose runs this lab already has). Runs that were
    queued or running when exported come back interrupted: an import never starts training.

    Returns {"imported", "workspace"}: `imported` counts single runs and sweeps (a sweep with
    all its networks counts once), as export_workspace counts them. Raises ArchiveRejected
    (the message says why) for a zip it will not take, ValueError for a bad name NEW,
    access.NotAllowed when the credential may not import into the workspace.
    """
    if workspace is not None:
        check_workspace(workspace)
        access.authorize(registry.home, credential, workspace, access.IMPORT)
    path = Path(path)
    staging = registry.home / f".importing-{os.getpid()}-{secrets.token_hex(3)}"
    try:
        _unpack(path, staging)
        runs = _staged_records(path, staging, files.RUNS_DIR, files.RUN_FILE, files.RUN_KEYS)
        sweeps = _staged_records(path, staging, files.SWEEPS_DIR, files.SWEEP_FILE,
                                 files.SWEEP_KEYS)
        found_workspace = _checked(path, runs, sweeps)
        if workspace is None:  # the zip's own workspace: known only once it is read
            access.authorize(registry.home, credential, found_workspace, access.IMPORT)
        with files.home_lock(registry.home):
            if workspace is None:
                _refuse_taken(registry, path, runs, sweeps)
                new_ids = {old: old for old in [*runs, *sweeps]}
            else:
                new_ids = _new_ids(registry, [*runs, *sweeps])
            final_runs = {old: _imported(record, new_ids, workspace)
                          for old, record in runs.items()}
            final_sweeps = {old: _imported(record, new_ids, workspace)
                            for old, record in sweeps.items()}
            _move_in(registry, staging, final_runs, final_sweeps)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    singles = sum(record["kind"] == "single" for record in runs.values())
    return {"imported": singles + len(sweeps), "workspace": workspace or found_workspace}


def _unpack(path: Path, staging: Path) -> None:
    """Extract the zip's expected entries into `staging`, refusing it for any other entry
    and stopping as soon as it unpacks to more than MAX_BYTES."""
    if not path.is_file():
        raise ArchiveRejected(f"no file {path}")
    unpacked = 0
    try:
        with zipfile.ZipFile(path) as archive:
            for info in _expected_entries(path, archive.infolist()):
                target = staging / info.filename
                target.parent.mkdir(parents=True, exist_ok=True)
                with archive.open(info) as source, open(target, "xb") as sink:
                    while chunk := source.read(CHUNK_BYTES):
                        unpacked += len(chunk)
                        if unpacked > MAX_BYTES:
                            raise ArchiveRejected(
                                f"{path} unpacks to more than {MAX_BYTES / 1e6:g} MB, the most "
                                "an import takes")
                        sink.write(chunk)
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError) as error:
        raise ArchiveRejected(f"{path} is not a zip this lab can read: it is damaged, "
                              f"truncated or not a zip at all ({error})") from error


def _expected_entries(path: Path, entries: list[zipfile.ZipInfo]) -> list[zipfile.ZipInfo]:
    """The entries to extract (folders are skipped); ArchiveRejected for any unsafe or
    unexpected one, before anything is extracted."""
    if len(entries) > MAX_ENTRIES:
        raise ArchiveRejected(f"{path} holds {len(entries):,} entries; an import takes at most "
                              f"{MAX_ENTRIES:,}")
    expected = {}
    for entry in entries:
        name = entry.filename
        if name.startswith("/") or "\\" in name or ":" in name or ".." in name.split("/"):
            raise ArchiveRejected(f"{path}: entry {name!r} points outside the folder it would "
                                  "be unpacked into")
        if stat.S_ISLNK(entry.external_attr >> 16):
            raise ArchiveRejected(f"{path}: entry {name!r} is a symbolic link")
        if entry.is_dir():
            continue
        if not _in_layout(name):
            raise ArchiveRejected(
                f"{path}: entry {name!r} is not part of a workspace zip, which holds only "
                "runs/<id>/run.json, model.keras, snapshots.npz and sweeps/<id>/sweep.json")
        if name in expected:
            raise ArchiveRejected(f"{path}: entry {name!r} appears twice")
        if entry.flag_bits & 0x1:
            raise ArchiveRejected(f"{path}: entry {name!r} is encrypted")
        expected[name] = entry
    return list(expected.values())


def _in_layout(name: str) -> bool:
    parts = name.split("/")
    return (len(parts) == 3 and parts[2] in LAYOUT.get(parts[0], ())
            and bool(ID_PATTERN.fullmatch(parts[1])))


def _staged_records(path: Path, staging: Path, folder: str, file_name: str,
                    required: tuple[str, ...]) -> dict[str, dict]:
    """Record of each unpacked run (or sweep) by its folder's name; ArchiveRejected for a
    damaged one (read_record also refuses one whose id is not its folder's)."""
    records = {}
    for directory in sorted((staging / folder).glob("*")):
        try:
            record = files.read_record(directory / file_name, required)
        except RunError as error:  # its message names the file: name it as the zip does
            raise ArchiveRejected(f"{path}: {str(error).replace(f'{staging}/', '')}") from None
        records[directory.name] = record
    return records


def _checked(path: Path, runs: dict[str, dict], sweeps: dict[str, dict]) -> str:
    """The one workspace the records are in; ArchiveRejected when they are not a workspace's
    single runs and whole sweeps."""
    if not runs and not sweeps:
        raise ArchiveRejected(f"{path} holds no runs or sweeps")
    listed = {}  # network -> the sweep that lists it
    for sweep_id, record in sweeps.items():
        members = record.get("members")
        if not isinstance(members, list) or not all(isinstance(run, str) for run in members):
            raise ArchiveRejected(f"{path}: sweeps/{sweep_id}/sweep.json is damaged: its "
                                  "members are not a list of run ids")
        for member in members:
            if runs.get(member, {}).get("sweep_id") != sweep_id:
                raise ArchiveRejected(f"{path}: sweep {sweep_id} lists network {member}, which "
                                      "the zip does not hold")
            listed[member] = sweep_id
    for run_id, record in runs.items():
        if record.get("sweep_id") != listed.get(run_id):
            raise ArchiveRejected(f"{path}: run {run_id} belongs to sweep "
                                  f"{record.get('sweep_id')}, which the zip does not hold "
                                  "(or which does not list it)")
        if record["kind"] != ("single" if run_id not in listed else "sweep_member"):
            raise ArchiveRejected(f"{path}: runs/{run_id}/run.json is of kind "
                                  f"{record['kind']!r}; a zip holds single runs and sweeps")
    workspaces = sorted({repr(record["workspace"]) for record in [*runs.values(),
                                                                 *sweeps.values()]})
    if len(workspaces) > 1:
        raise ArchiveRejected(f"{path} is not one workspace's zip: its runs are in "
                              f"{', '.join(workspaces)}")
    workspace = next(iter(runs.values() or sweeps.values()))["workspace"]
    if not isinstance(workspace, str) or not WORKSPACE_PATTERN.match(workspace):
        raise ArchiveRejected(f"{path}: its workspace {workspace!r} is not a workspace name "
                              "(1 to 40 letters, digits, '-' or '_')")
    return workspace


def _taken(registry, run_ids, sweep_ids) -> set[str]:
    """The ids this lab already has: in its index, or as a folder where they would go (a
    damaged run's, say)."""
    ids = [*run_ids, *sweep_ids]
    with registry.database.connect() as connection:
        indexed = {row[0] for row in connection.execute(
            f"SELECT run_id FROM runs WHERE run_id IN ({','.join('?' * len(ids))})", ids)}
    return (indexed | {run_id for run_id in run_ids if registry.run_dir(run_id).exists()}
            | {sweep_id for sweep_id in sweep_ids if registry.sweep_dir(sweep_id).exists()})


def _refuse_taken(registry, path: Path, run_ids, sweep_ids) -> None:
    taken = sorted(_taken(registry, run_ids, sweep_ids))
    if taken:
        more = f" and {len(taken) - IDS_NAMED} more" if len(taken) > IDS_NAMED else ""
        raise ArchiveRejected(
            f"{path}: this lab already has {', '.join(taken[:IDS_NAMED])}{more}; import them "
            "as new runs with --workspace NEW")


def _new_ids(registry, old_ids: list[str]) -> dict[str, str]:
    """A fresh id for each old one, unique among themselves and in this lab (new_run_id's
    ids share their second, so two of a thousand made at once may well collide)."""
    fresh: set[str] = set()
    while len(fresh) < len(old_ids):
        fresh |= {new_run_id() for _ in range(len(old_ids) - len(fresh))}
        fresh -= _taken(registry, fresh, fresh)
    return dict(zip(old_ids, sorted(fresh), strict=True))


def _imported(record: dict, new_ids: dict[str, str], workspace: str | None) -> dict:
    """The record as this lab stores it: its new ids and workspace, stopped if it was active.
    (The command that reproduces a run names neither its id nor its workspace.)"""
    record = dict(record)
    for key in ("run_id", "sweep_id"):
        if record.get(key) is not None:
            record[key] = new_ids[record[key]]
    if "members" in record:
        record["members"] = [new_ids[member] for member in record["members"]]
    if workspace is not None:
        record["workspace"] = workspace
    if record["state"] in ACTIVE_STATES:
        record = interrupted(record, IMPORTED_ACTIVE.format(state=record["state"]))
    return record


def _move_in(registry, staging: Path, runs: dict[str, dict], sweeps: dict[str, dict]) -> None:
    """Rewrite each staged record, move its folder into place and index them all in one
    transaction; if anything fails, the folders go back to `staging`."""
    moves = []
    for old, record in runs.items():
        files.write_record(staging / files.RUNS_DIR / old / files.RUN_FILE, record)
        moves.append((staging / files.RUNS_DIR / old, registry.run_dir(record["run_id"])))
    for old, record in sweeps.items():
        files.write_record(staging / files.SWEEPS_DIR / old / files.SWEEP_FILE, record)
        moves.append((staging / files.SWEEPS_DIR / old, registry.sweep_dir(record["sweep_id"])))
    moved = []
    try:
        for staged, target in moves:
            if target.exists():  # os.replace would put a folder over an empty one
                raise ArchiveRejected(f"{target} appeared while importing; import again")
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(staged, target)
            moved.append((staged, target))
        with registry.transaction() as connection:
            for record in runs.values():
                insert_row(connection, record)
            for record in sweeps.values():
                insert_sweep_rows(connection, record)
    except sqlite3.Error as error:  # a record whose values the index cannot hold
        _move_back(moved)
        raise ArchiveRejected(f"its records could not be indexed ({error})") from error
    except BaseException:
        _move_back(moved)
        raise


def _move_back(moved: list[tuple[Path, Path]]) -> None:
    for staged, target in reversed(moved):
        os.replace(target, staged)
