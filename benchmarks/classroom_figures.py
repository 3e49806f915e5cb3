"""The figures of benchmarks/classroom.py: script-run times measured in the server, the
queue's fairness from the registry's timestamps, and the server's memory and CPU from /proc."""

import json
import os
import threading
import time
from pathlib import Path

import numpy as np

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
PAGE_SIZE_KB = os.sysconf("SC_PAGE_SIZE") // 1024


def spread(values) -> str:
    """'min … median … p95 … max' of some seconds, or 'none'."""
    values = [value for value in values if value is not None]
    if not values:
        return "none"
    low, median, p95, high = np.percentile(values, [0, 50, 95, 100])
    return (f"min {low:.2f}  median {median:.2f}  p95 {p95:.2f}  max {high:.2f} s "
            f"({len(values)})")


def p95(values) -> float | None:
    return float(np.percentile(values, 95)) if len(values) else None


def script_runs(path: Path) -> list[dict]:
    """The lines benchmarks/timed_server.py wrote: one per script run."""
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def in_window(runs: list[dict], start: float, end: float) -> list[dict]:
    return [run for run in runs if start <= run["start"] <= end]


def fairness(runs: list, workers: int, judged: set | None = None
             ) -> tuple[float | None, list[dict]]:
    """The largest wait ÷ (jobs ahead × mean job time ÷ workers + mean job time) over the
    workspaces of the `judged` run ids (default all), and each run's terms. Jobs ahead of a
    run: those queued when it was created that started before it; the mean job time is over
    all `runs`.
    """
    started = [run for run in runs if run.started_at is not None]
    finished = [run.finished_at - run.started_at for run in started if run.finished_at]
    if not started or not finished:
        return None, []
    mean_job = float(np.mean(finished))
    rows = []
    for run in started:
        ahead = sum(1 for other in started if other is not run
                    and other.created_at <= run.created_at < other.started_at
                    and other.started_at < run.started_at)
        wait = run.started_at - run.created_at
        expected = ahead * mean_job / workers + mean_job
        rows.append({"run_id": run.run_id, "workspace": run.workspace, "wait": wait,
                     "ahead": ahead, "expected": expected, "ratio": wait / expected})
    by_workspace: dict[str, float] = {}
    for row in rows:
        if judged is not None and row["run_id"] not in judged:
            continue
        by_workspace[row["workspace"]] = max(by_workspace.get(row["workspace"], 0), row["ratio"])
    return max(by_workspace.values(), default=None), rows


def _stat_fields(pid: int) -> list[str] | None:
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return text[text.rindex(")") + 2:].split()  # after "pid (comm) "


def _is_chromium(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/comm").read_text().startswith("chrom")
    except OSError:
        return False


def rss_mb(pid: int) -> float | None:
    """Resident memory of one process (not its children), in MB."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def cpu_seconds(pid: int) -> float:
    fields = _stat_fields(pid)
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS if fields else 0.0


def _parents() -> dict[int, int]:
    """pid -> parent pid, of every process now."""
    found = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and (fields := _stat_fields(int(entry.name))):
            found[int(entry.name)] = int(fields[1])
    return found


def children(pid: int) -> list[int]:
    return [child for child, parent in _parents().items() if parent == pid]


def descendants(pid: int, parents: dict[int, int], leaving_out: int) -> list[int]:
    """Every process below `pid` but the subtree of `leaving_out`."""
    below, found = [pid], []
    while below:
        current = below.pop()
        for child, parent in parents.items():
            if parent == current and child != leaving_out:
                found.append(child)
                below.append(child)
    return found


def machine_busy_seconds() -> tuple[float, float]:
    """(busy, total) CPU seconds of the whole machine since boot, over all cores."""
    values = [int(value) for value in Path("/proc/stat").read_text().split("\n")[0].split()[1:]]
    idle = values[3] + values[4]  # idle, iowait
    return (sum(values) - idle) / CLOCK_TICKS, sum(values) / CLOCK_TICKS


class Sampler:
    """Every `interval` seconds: the server's RSS and CPU, its workers' CPU (children of the
    server), the harness's and its browsers', and the whole machine's, so a window's CPU
    shares can be read back."""

    def __init__(self, server_pid: int, interval: float = 0.5):
        self.server_pid, self.interval = server_pid, interval
        self.samples: list[dict] = []
        self._stop = threading.Event()
        self._worker_seconds: dict[int, float] = {}  # the last CPU time seen of each worker
        self._browser_seconds: dict[int, float] = {}  # ...of the harness and its browsers
        self.browser_nice_seen: int | None = None  # the lowest niceness of Chromium's
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *_):
        self._stop.set()
        self._thread.join()

    def sample(self) -> dict:
        parents = _parents()
        for worker in [child for child, parent in parents.items() if parent == self.server_pid]:
            self._worker_seconds[worker] = cpu_seconds(worker) or \
                self._worker_seconds.get(worker, 0.0)
        # This harness and what it started but the server: Playwright's driver, Chromium.
        browsers = descendants(os.getpid(), parents, self.server_pid)
        for process in [os.getpid(), *browsers]:
            self._browser_seconds[process] = cpu_seconds(process) or \
                self._browser_seconds.get(process, 0.0)
        nices = [int(fields[16]) for process in browsers if _is_chromium(process)
                 and (fields := _stat_fields(process))]
        if nices:
            self.browser_nice_seen = min(nices, default=None) if self.browser_nice_seen is None \
                else min(self.browser_nice_seen, *nices)
        busy, total = machine_busy_seconds()
        return {"time": time.time(), "rss_mb": rss_mb(self.server_pid),
                "server_cpu": cpu_seconds(self.server_pid),
                "workers_cpu": sum(self._worker_seconds.values()),
                "browser_cpu": sum(self._browser_seconds.values()), "busy": busy,
                "total": total}

    def _run(self) -> None:
        while not self._stop.is_set():
            self.samples.append(self.sample())
            self._stop.wait(self.interval)

    def shares(self, start: float, end: float) -> dict | None:
        """Cores used over [start, end]: by the server, its workers, everything else, and
        the machine in all; with the peak RSS seen."""
        inside = [sample for sample in self.samples if start <= sample["time"] <= end]
        if len(inside) < 2:
            return None
        first, last = inside[0], inside[-1]
        wall = last["time"] - first["time"]
        cores = (last["total"] - first["total"]) / wall  # ticks of all cores per second
        machine = (last["busy"] - first["busy"]) / wall
        server = (last["server_cpu"] - first["server_cpu"]) / wall
        workers = (last["workers_cpu"] - first["workers_cpu"]) / wall
        browsers = (last["browser_cpu"] - first["browser_cpu"]) / wall
        return {"seconds": wall, "cores": cores, "machine": machine, "server": server,
                "workers": workers, "browsers": browsers,
                "other": max(0.0, machine - server - workers - browsers),
                "peak_rss_mb": max(sample["rss_mb"] or 0 for sample in inside)}
