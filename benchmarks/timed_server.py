"""`streamlit run` with every script run timed inside the server, the app left unchanged.

Run: MNIST_LAB_SCRIPT_TIMINGS=runs.jsonl python benchmarks/timed_server.py run streamlit_app.py
(any arguments of `streamlit`). Each script run appends one line to the file: {"start":
wall-clock seconds, "seconds": its duration, "cleanup_seconds": see below, "kind": "full" or
"fragment", "page": the page's name, "session": Streamlit's session id, "event": how it
ended}; and each full garbage collection one, of kind "gc" (its thread's name in "event").

What is timed: from the moment a ScriptRunner picks up a rerun request (the top of
`ScriptRunner._run_script`, the loop that runs one request after another) to the moment it
sends the browser the run's finished message (in `_on_script_finished`): the server's own
work for one run, the time a browser waits on it. What follows in `_on_script_finished`
(widget-state cleanup, and the full garbage collection Streamlit runs after every run,
`runner.postScriptGC`) is "cleanup_seconds": the browser does not wait for it, but it holds
the GIL, so other sessions' runs do. A run that ends in `st.rerun()` is one line, and the run
it triggers (within the same call) the next.
"""

import gc
import json
import os
import sys
import threading
import time
from pathlib import Path

TIMINGS_VARIABLE = "MNIST_LAB_SCRIPT_TIMINGS"
# Optional, and not free (it holds the GIL while it looks): where script threads spend time.
STACKS_VARIABLE = "MNIST_LAB_SCRIPT_STACKS"
FINISHED_EVENTS = ("SCRIPT_STOPPED", "FRAGMENT_STOPPED")  # ScriptRunnerEvent names


def install(path: str) -> None:
    """Wrap ScriptRunner so each script run's start, duration and kind go to `path`."""
    from streamlit.runtime.scriptrunner import script_runner

    runner_class = script_runner.ScriptRunner
    run_script, on_finished = runner_class._run_script, runner_class._on_script_finished
    out = open(path, "a", buffering=1)  # noqa: SIM115  (open for the server's whole life)
    lock = threading.Lock()
    started = threading.local()  # one ScriptRunner thread per session run

    def shown(sender, event=None, **_) -> None:
        """The run's end as the browser sees it: Streamlit sends it its finished message."""
        if getattr(event, "name", "").startswith(FINISHED_EVENTS):
            started.shown = time.perf_counter()

    def timed_run_script(self, rerun_data):
        if getattr(self, "_timed_receiver", None) is None:
            self._timed_receiver = shown  # held here: the signal keeps a weak reference
            self.on_event.connect(shown)  # after the AppSession's, which sends the message
        started.at = (time.time(), time.perf_counter())
        started.shown = None
        return run_script(self, rerun_data)

    def timed_on_finished(self, ctx, event, premature_stop, run_descriptor):
        try:
            return on_finished(self, ctx, event, premature_stop, run_descriptor)
        finally:
            wall, clock = getattr(started, "at", (time.time(), time.perf_counter()))
            end = time.perf_counter()
            finished = getattr(started, "shown", None) or end
            try:
                page = self._pages_manager.get_pages().get(ctx.page_script_hash, {})
                page_name = page.get("page_name", "")
            except Exception:  # (the timing must never break a run)
                page_name = ""
            record = {"start": wall, "seconds": finished - clock,
                      "cleanup_seconds": end - finished,
                      "kind": "fragment" if run_descriptor.fragment_ids else "full",
                      "page": page_name, "session": self._session_id,
                      "event": getattr(event, "name", str(event))}
            with lock:
                out.write(json.dumps(record) + "\n")
            started.at = (time.time(), time.perf_counter())  # the next run of this call
            started.shown = None

    runner_class._run_script = timed_run_script
    runner_class._on_script_finished = timed_on_finished

    # Full garbage collections hold the GIL, whichever thread runs them (Streamlit runs one
    # after every script run: runner.postScriptGC): each one's start and duration too.
    collecting = threading.local()

    def on_gc(phase: str, info: dict) -> None:
        if info.get("generation") != 2:
            return
        if phase == "start":
            collecting.at = (time.time(), time.perf_counter())
        elif hasattr(collecting, "at"):
            wall, clock = collecting.at
            with lock:
                out.write(json.dumps({"start": wall, "seconds": time.perf_counter() - clock,
                                      "kind": "gc", "page": "", "session": "",
                                      "event": threading.current_thread().name}) + "\n")

    gc.callbacks.append(on_gc)


def sample_stacks(path: str, interval: float = 0.05, flush_every: float = 5.0) -> None:
    """Every `interval` s, where each script thread is (its innermost frame, and the
    innermost in mnist_core, the app's pages or streamlit); the counts, one JSON line per
    flush (the tally so far), go to `path`: where the wall time of script runs goes."""
    import collections
    import traceback

    def where(frame) -> str:
        stack = traceback.extract_stack(frame)
        ours = next((f"{Path(entry.filename).name}:{entry.name}" for entry in reversed(stack)
                     if "mnist_core" in entry.filename or "/pages/" in entry.filename), "-")
        inner = stack[-1]
        library = inner.filename.split("site-packages/")[-1].split("/")[0]
        return f"{ours} < {library}:{inner.name}"

    def run() -> None:
        tally: collections.Counter = collections.Counter()
        flushed = time.monotonic()
        while True:
            time.sleep(interval)
            names = {thread.ident: thread.name for thread in threading.enumerate()}
            for ident, frame in sys._current_frames().items():
                if names.get(ident, "").startswith("ScriptRunner"):
                    tally[where(frame)] += 1
            if time.monotonic() - flushed > flush_every:
                flushed = time.monotonic()
                with open(path, "a") as out:
                    out.write(json.dumps({"time": time.time(), "interval": interval,
                                          "tally": tally.most_common(60)}) + "\n")

    threading.Thread(target=run, name="stack-sampler", daemon=True).start()


def main() -> None:
    path = os.environ.get(TIMINGS_VARIABLE)
    if path:
        install(path)
    if stacks := os.environ.get(STACKS_VARIABLE):
        sample_stacks(stacks)
    from streamlit.web import cli

    cli.main(args=sys.argv[1:], prog_name="streamlit")


if __name__ == "__main__":
    main()
