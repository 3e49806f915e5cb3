"""`python -m mnist_core lecture prepare [--quick]`: train the lecture pack into `lecture`.

Resumable: what is done there already is skipped, a stopped sweep resumed. With --json the
last line on stdout is {"runs": [...], "sweep_id": ..., "seconds": ...}, each run as `runs`
lists it.
"""

import json
import os
import sys
import time

from mnist_core import data, lecture, sweep
from mnist_core.cli import run_list
from mnist_core.cli.progress import ProgressBar
from mnist_core.cli.sweep_command import result_text
from mnist_core.store import Registry


def add_lecture_parser(commands, parser_class) -> None:
    parser = commands.add_parser("lecture", help="the lecture pack: what a lecture shows")
    actions = parser.add_subparsers(dest="action", required=True, parser_class=parser_class)
    prepare = actions.add_parser(
        "prepare", help="train into 'lecture' what a lecture shows and it lacks (resumable)")
    prepare.add_argument("--quick", action="store_true",
                         help="the sweep page's quick sweep, 1 epoch per assignment CNN")
    prepare.add_argument("--json", action="store_true")


def prepare_command(arguments) -> int:
    """0 when every part is done, 1 when one ended otherwise (cancelled, diverged, failed)."""
    started = time.perf_counter()
    pack = lecture.parts(quick=arguments.quick)
    registry = Registry()
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    mnist = data.load_mnist()
    print(f"lecture pack: {len(pack)} parts on {mnist.source}", file=sys.stderr)
    progress = _PartProgress(len(pack))
    prepared = lecture.prepare(registry, mnist, pack, progress)
    progress.end()
    sweep_id = prepared.sweeps[0].sweep_id if prepared.sweeps else None
    result = {"runs": [run_list.run_row(run) for run in prepared.runs], "sweep_id": sweep_id,
              "seconds": round(time.perf_counter() - started, 1)}
    text = "\n".join([*(run_list.run_line(run) for run in prepared.runs),
                      *(result_text(sweep.cli_result(registry, item.sweep_id))
                        for item in prepared.sweeps),
                      f"lecture pack: {'done' if prepared.done else 'not all done'} after "
                      f"{result['seconds']:.0f} s"])
    print(json.dumps(result) if arguments.json else text)
    return 0 if prepared.done else 1


class _PartProgress:
    """Numbers the parts on stderr as they come, and gives each a progress bar with its name."""

    def __init__(self, total: int):
        self._total, self._number = total, 0
        self._bar = ProgressBar()

    def __call__(self, part: lecture.Part, note: str) -> ProgressBar:
        self._bar.end()
        self._number += 1
        label = f"{self._number}/{self._total} {part.name}"
        print(f"{label}: {note}", file=sys.stderr)
        self._bar = ProgressBar(label=f"{label}  ")
        return self._bar

    def end(self) -> None:
        self._bar.end()
