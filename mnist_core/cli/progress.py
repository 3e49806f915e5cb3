"""The CLI's progress bar: one line on stderr redrawn in place, with lines printed above it."""

import sys
import time

WIDTH = 30  # characters of the bar itself


class ProgressBar:
    """`bar(fraction, line)`: print `line` (if any) above the bar, then redraw the bar at
    `fraction` (if given) with an ETA. `label` names what trains, before the bar."""

    def __init__(self, label: str = ""):
        self._label = label
        self._first: tuple[float, float] | None = None  # (time, fraction): resumed sweeps
        self._drawn = 0  # the bar's width on screen, so a shorter line covers it

    def __call__(self, fraction: float | None, line: str | None = None) -> None:
        if line:
            sys.stderr.write(f"\r{line.ljust(self._drawn)}\n")
        if fraction is not None:
            text = f"{self._label}{self._bar(fraction)}"
            self._drawn = len(text)
            sys.stderr.write(f"\r{text}")
        sys.stderr.flush()

    def _bar(self, fraction: float) -> str:
        now = time.monotonic()
        self._first = self._first or (now, fraction)
        gained = fraction - self._first[1]
        eta = (now - self._first[0]) * (1 - fraction) / gained if gained > 0 else 0
        filled = int(WIDTH * fraction)
        return f"[{'#' * filled}{'.' * (WIDTH - filled)}] {fraction:4.0%} eta {eta:5.0f} s"

    def end(self) -> None:
        """End the bar's line, if it was drawn, so what follows starts on a line of its own."""
        if self._drawn:
            sys.stderr.write("\n")
            sys.stderr.flush()
            self._drawn = 0
