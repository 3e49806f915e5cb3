"""`python -m mnist_core export`, `import` and `workspace key`: a workspace as a zip, out and
back in, and the key that lets a browser change it on a class server.

With --json the last line on stdout is one JSON object: {"path", "runs", "sweeps"} for
export, {"imported", "workspace"} for import (see store.archive), {"workspace", "key",
"link"} for `workspace key`.
"""

import json
import urllib.parse

from mnist_core.store import TERMINAL, Registry, archive, check_workspace, keys

DEFAULT_URL = "http://localhost:8501"


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

    workspace = subparsers.add_parser("workspace", help="manage a workspace on a class server")
    actions = workspace.add_subparsers(dest="action", required=True)
    key = actions.add_parser(
        "key", help="issue a workspace's key (replacing a lost one); prints its personal link")
    key.add_argument("name")
    key.add_argument("--url", default=DEFAULT_URL,
                     help=f"the lab's address as students open it (default {DEFAULT_URL})")
    key.add_argument("--json", action="store_true")


def export_command(arguments) -> int:
    result = archive.export_workspace(Registry(), arguments.workspace, arguments.zip)
    return _report(arguments, result, f"exported workspace {arguments.workspace!r} to "
                   f"{result['path']} (runs: {result['runs']}, sweeps: {result['sweeps']})")


def import_command(arguments) -> int:
    result = archive.import_workspace(Registry(), arguments.zip, arguments.workspace, TERMINAL)
    return _report(arguments, result, f"imported into workspace {result['workspace']!r} "
                   f"(runs and sweeps: {result['imported']})")


def key_command(arguments) -> int:
    """A new key for the workspace: the old one (if any) stops working at once."""
    name = check_workspace(arguments.name)
    if name == keys.LECTURE:
        raise ValueError("the lecture workspace's key is the instructor key: set "
                         "MNIST_LAB_INSTRUCTOR_KEY (or instructor_key in .streamlit/secrets.toml) "
                         "and restart the server to change it")
    key = keys.issue(Registry().home, name, replace=True)
    query = urllib.parse.urlencode({"workspace": name, "key": key})
    link = f"{arguments.url.rstrip('/')}/?{query}"
    return _report(arguments, {"workspace": name, "key": key, "link": link},
                   f"workspace {name!r} has a new key (any earlier one no longer works).\n"
                   f"Personal link, for its owner only: {link}")


def _report(arguments, result: dict, text: str) -> int:
    print(json.dumps(result) if arguments.json else text)
    return 0
