"""`python -m mnist_core export` and `import`: a workspace as a zip, out and back in.

With --json the last line on stdout is one JSON object: {"path", "runs", "sweeps"} for
export, {"imported", "workspace"} for import (see store.archive).
"""

import json

from mnist_core.store import Registry, archive


def add_workspace_parsers(subparsers) -> None:
    """Register `export` and `import` on the CLI's subparsers."""
    export = subparsers.add_parser(
        "export", help="write a workspace's runs and sweeps, with their models, to a zip")
    export.add_argument("--workspace", required=True)
    export.add_argument("zip", help="the zip to write, e.g. alice.zip")
    export.add_argument("--json", action="store_true")

    imported = subparsers.add_parser("import", help="add the runs and sweeps of an exported zip")
    imported.add_argument("zip")
    imported.add_argument("--workspace", default=None, metavar="NEW",
                          help="import them as new runs (new ids) into workspace NEW")
    imported.add_argument("--json", action="store_true")


def export_command(arguments) -> int:
    result = archive.export_workspace(Registry(), arguments.workspace, arguments.zip)
    return _report(arguments, result, f"exported workspace {arguments.workspace!r} to "
                   f"{result['path']} (runs: {result['runs']}, sweeps: {result['sweeps']})")


def import_command(arguments) -> int:
    result = archive.import_workspace(Registry(), arguments.zip, arguments.workspace)
    return _report(arguments, result, f"imported into workspace {result['workspace']!r} "
                   f"(runs and sweeps: {result['imported']})")


def _report(arguments, result: dict, text: str) -> int:
    print(json.dumps(result) if arguments.json else text)
    return 0
