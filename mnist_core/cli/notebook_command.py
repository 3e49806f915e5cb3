"""`python -m mnist_core export-notebook RUN_ID OUT.ipynb`: a done run as a plain Keras
notebook (TensorFlow, NumPy and Matplotlib only) that trains it again.

With --json the last line on stdout is one JSON object: {"path", "run_id", "cells"}.
"""

import json
import os


def add_notebook_parser(subparsers) -> None:
    notebook = subparsers.add_parser(
        "export-notebook", help="write a finished run as a Keras notebook that trains it again")
    notebook.add_argument("run_id")
    notebook.add_argument("notebook", help="the .ipynb file to write, e.g. run.ipynb")
    notebook.add_argument("--json", action="store_true")


def export_notebook_command(arguments) -> int:
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    from mnist_core import notebook  # building it imports TensorFlow
    from mnist_core.store import Registry

    result = notebook.export(Registry(), arguments.run_id, arguments.notebook)
    print(json.dumps(result) if arguments.json else
          f"wrote run {result['run_id']} as a notebook of {result['cells']} cells to "
          f"{result['path']}")
    return 0
