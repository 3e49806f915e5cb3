"""A class on one server (issue 13): N students in N browser sessions of one `streamlit run`.

Starts the app as README serves a class (MNIST_LAB_INSTRUCTOR_KEY, MALLOC_ARENA_MAX=2) on a
free loopback port, with a fresh lab home and the full data, through
benchmarks/timed_server.py (which times every script run inside the server), and seeds a
`lecture` run from the CLI. Then, in one headless Chromium, each student (a Playwright
context: its own cookies and Streamlit session) opens the MLP page without ?workspace= and
gets a workspace of its own with its key in a cookie,
trains a 1-epoch MLP on 1,000 images, waits for its results, opens Draw a digit, draws a 1
and reads its own model's answer. Student 1 does so alone first (the one-session memory
baseline); students 2..N then all at once (the class). Finally every student tries to
write where it holds no key, a neighbour's workspace and `lecture`: through the page (Delete
and Train buttons, with and without its key in the URL) and through mnist_core's write
functions with the key from its cookie (delete, request_cancel, jobs.submit,
import_workspace; and, while the queue is full, request_cancel on another student's job).

Figures:
- cross_talk: runs listed in a workspace's run list that belong to neither it nor `lecture`
  (read from each run's caption on the page, checked against the store).
- unauthorised_writes_succeeded: attempts after which the store had changed.
- page_p95_seconds: the 95th percentile of script-run times measured in the server while
  the queue is full (the class's first submission to the start of its last queued job).
- fairness_max_wait_ratio: max over workspaces of wait ÷ (jobs ahead × mean job ÷ workers +
  mean job), from the registry's timestamps.
- server_mb_per_session: (server RSS with N sessions − RSS with one session that has trained
  and predicted) ÷ (N − 1); the server process only, not its workers.

Run: MNIST_NPZ=../shared/data/mnist.npz python benchmarks/classroom.py --sessions 30
Last line: {"sessions", "runs_completed", "cross_talk", "unauthorised_writes_succeeded",
"page_p95_seconds", "fairness_max_wait_ratio", "server_mb_per_session"}
"""

import argparse
import asyncio
import concurrent.futures
import contextlib
import json
import os
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

from benchmarks import classroom_browser as browser  # noqa: E402
from benchmarks import classroom_figures as figures  # noqa: E402
from benchmarks import classroom_writes as writes  # noqa: E402
from benchmarks.streamlit_health import wait_until_healthy  # noqa: E402
from benchmarks.timed_server import (  # noqa: E402
    STACKS_VARIABLE,
    TIMINGS_VARIABLE,
)
from mnist_core.store import Registry  # noqa: E402

DEFAULT_NPZ = Path("/work/shared/data/mnist.npz")
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]
SERVER_START_SECONDS = 90
CLI_SECONDS = 600
# The browsers stand in for the students' own laptops: on the real server they take no CPU.
# Here they share its two cores, so they run below the server, at the workers' priority
# (mnist_core/worker/main.py: os.nice(10)), and take no CPU the server's own runs want.
BROWSER_NICE = 10
STAGGER_SECONDS = 0.1  # between two students' first page: a class starts within seconds
RUN_SECONDS_PER_SESSION = 30  # how long a student waits for its run, per student in class
LECTURE = browser.LECTURE
RESULT_KEYS = ("sessions", "runs_completed", "cross_talk", "unauthorised_writes_succeeded",
               "page_p95_seconds", "fairness_max_wait_ratio", "server_mb_per_session")


class ClassroomError(RuntimeError):
    """The class could not be held at all (no data, no server, no lecture run)."""


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    """The app through benchmarks/timed_server.py, in a process group of its own (with the
    workers it starts), its output in `log`."""

    def __init__(self, environment: dict, log: Path, options: dict | None = None):
        self.environment, self.log, self.options = environment, log, options or {}
        self.url = f"http://127.0.0.1:{_free_port()}"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        command = [sys.executable, str(ROOT / "benchmarks" / "timed_server.py"), "run",
                   "streamlit_app.py", "--server.headless", "true",
                   "--server.port", self.url.rsplit(":", 1)[1],
                   "--server.address", "127.0.0.1", "--server.fileWatcherType", "none"]
        for option, value in self.options.items():  # an experiment's, e.g. runner.postScriptGC
            command += [f"--{option}", value]
        with self.log.open("a") as log_file:
            # A process group of its own (to stop it with its workers), but this session:
            # with the kernel's autogroups, niceness only ranks processes of one session, and
            # the browsers must rank below the server (BROWSER_NICE).
            self.process = subprocess.Popen(command, cwd=ROOT, env=self.environment,
                                            stdout=log_file, stderr=subprocess.STDOUT,
                                            process_group=0)

    def wait_until_healthy(self) -> None:
        problem = wait_until_healthy(self.process, self.url, SERVER_START_SECONDS)
        if problem:
            raise ClassroomError(f"{problem}:\n{self.log.read_text()[-3000:]}")

    def stop(self) -> None:
        """Ctrl-C, then SIGKILL for whatever of its group is left (its workers)."""
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)


def _lecture_run(environment: dict) -> subprocess.Popen:
    """The instructor's run, from the CLI (trusted: it writes into `lecture`)."""
    return subprocess.Popen(
        [sys.executable, "-m", "mnist_core", "train", "mlp", "--epochs", "1",
         "--train-size", "1000", "--json"], cwd=ROOT, env=environment,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _lecture_result(process: subprocess.Popen) -> dict:
    try:
        out, err = process.communicate(timeout=CLI_SECONDS)
    except subprocess.TimeoutExpired:
        process.kill()
        raise ClassroomError(f"the lecture run took over {CLI_SECONDS} s") from None
    if process.returncode != 0:
        raise ClassroomError(f"the lecture run exited {process.returncode}:\n{out}\n"
                             f"{err[-3000:]}")
    result = json.loads(out.strip().splitlines()[-1])
    if result.get("status") != "done" or result.get("workspace") != LECTURE:
        raise ClassroomError(f"the lecture run did not end done in `lecture`: {result}")
    return result


# --- the class in the browser ------------------------------------------------------------


async def _lesson(student, browser_instance, room, delay: float = 0.0) -> None:
    """Join, train, look at the run list, draw and read the answer; while the run is queued,
    try to cancel another student's job."""
    await asyncio.sleep(delay)
    context = await browser_instance.new_context(viewport={"width": 1280, "height": 900})
    page = await context.new_page()
    page.set_default_timeout(browser.PAGE_MILLISECONDS)
    student.context, student.page = context, page
    if not await browser.step(student, "join", browser.join_class(student, page, room)):
        return
    canceller = asyncio.create_task(_cancel_another(student, room))
    trained = await browser.step(student, "train", browser.train(student, page, room))
    if not trained:
        canceller.cancel()
        return
    await canceller
    await browser.step(student, "run list", browser.check_own_list(student, page, room))
    await browser.step(student, "draw", browser.draw_and_read(student, page, room))


async def _cancel_another(student, room) -> None:
    """Once its own run is in the store, request_cancel the newest active job of another
    student (there is none for a student alone), with the student's own key."""
    while student.run_id is None:
        await asyncio.sleep(0.5)
    if not student.key:
        return
    try:
        active = [run for run in await room.store(room.registry.runs)
                  if run.is_active and run.workspace not in (student.workspace, LECTURE)]
        if active:
            student.attempts.append(await asyncio.to_thread(
                writes.cancel_attempt, room.registry.home, student.credential_keys,
                active[0].run_id, active[0].workspace))
    except Exception as error:  # (reported with the student, never fatal)
        student.note(f"cancelling another student's job: {type(error).__name__}: {error}")


async def _intrude(student, room, target: tuple[str, str] | None, lecture_run: str) -> None:
    """Writes where the student holds no key, the neighbour's workspace and the lecture's, all
    at once: each workspace's page in a tab of its own (the student's browser, so its cookie)
    and mnist_core's write functions."""
    if student.workspace is None or student.page is None:
        return
    targets = {LECTURE: lecture_run}
    if target is not None:
        targets = {target[0]: target[1], **targets}
    tabs = [student.page]
    try:
        while len(tabs) < len(targets):
            tabs.append(await student.context.new_page())
            tabs[-1].set_default_timeout(browser.PAGE_MILLISECONDS)
    except Exception as error:  # (reported with the student, never fatal)
        student.note(f"a tab for the page writes: {type(error).__name__}: {error}")
        tabs = tabs[:1]
    await asyncio.gather(
        *(browser.step(student, f"page writes ({'lecture' if name == LECTURE else 'neighbour'})",
                       browser.intrude_by_page(student, tab, room, name))
          for tab, name in zip(tabs, targets, strict=False)),
        _api_writes(student, room, targets))
    for tab in tabs[1:]:
        await tab.close()


async def _api_writes(student, room, targets: dict[str, str]) -> None:
    if not student.key:
        student.note("no key from the cookie: mnist_core's write functions not tried")
        return
    started = time.perf_counter()
    try:
        student.attempts += await asyncio.to_thread(
            writes.write_attempts, room.registry.home, student.credential_keys,
            student.workspace, targets)
    except Exception as error:  # (reported with the student, never fatal)
        student.note(f"mnist_core's write functions: {type(error).__name__}: {error}")
    student.phases["api writes"] = time.perf_counter() - started


def _chromium_at(niceness: int, folder: Path, log) -> Path:
    """Chromium itself, or a launcher that starts it (and so every process it forks) at a
    lower CPU priority. Chromium sets its own processes' priorities (its GPU process to
    nice -8, renderers back to 0), which it can as root: the launcher takes that right
    (CAP_SYS_NICE) away first, so nothing of it runs above `niceness`."""
    if not niceness:
        return CHROMIUM
    nice = f"nice -n {int(niceness)} {CHROMIUM}"
    if shutil.which("setpriv"):
        nice = f"setpriv --bounding-set -sys_nice --inh-caps -sys_nice {nice}"
    elif os.geteuid() == 0:
        log("warning: no setpriv: Chromium, as root, may raise its processes' priority")
    launcher = folder / "chromium-niced"
    launcher.write_text(f'#!/bin/sh\nexec {nice} "$@"\n')
    launcher.chmod(0o755)
    return launcher


async def _hold_class(url: str, home: Path, sessions: int, lecture_run: str, sampler,
                      chromium_path: Path, baseline: bool, log) -> dict:
    from playwright.async_api import async_playwright

    registry = Registry(home)
    room = browser.Classroom(url, registry, run_seconds=max(600, RUN_SECONDS_PER_SESSION
                                                            * sessions))
    students = [browser.Student(index + 1) for index in range(sessions)]
    marks = {"baseline": baseline and sessions > 1}
    class_ = students[1:] if marks["baseline"] else students
    async with async_playwright() as playwright:
        chromium = await playwright.chromium.launch(
            executable_path=str(chromium_path), headless=True, args=CHROMIUM_ARGS)
        try:
            marks["alone_start"] = time.time()
            if marks["baseline"]:
                await _lesson(students[0], chromium, room)
                await asyncio.sleep(1)
                marks["rss_one"] = figures.rss_mb(sampler.server_pid)
                log(f"student 1 alone: {_phase_line(students[0])}")
            marks["class_start"] = time.time()
            await asyncio.gather(*(_lesson(student, chromium, room, index * STAGGER_SECONDS)
                                   for index, student in enumerate(class_)))
            marks["class_end"] = time.time()
            await asyncio.sleep(1)
            marks["rss_all"] = figures.rss_mb(sampler.server_pid)
            marks["runs"] = await room.store(registry.runs)
            finished = [student for student in students if student.run_id and
                        student.results_shown]
            await asyncio.gather(*(
                _intrude(student, room, _neighbour(student, finished), lecture_run)
                for student in students))
            marks["intrusions_end"] = time.time()
            for student in students:  # the control: its own key does pass
                if student.run_id and student.key:
                    student.own_key = await asyncio.to_thread(
                        writes.own_key_accepted, home, student.credential_keys,
                        student.run_id)
        finally:
            await chromium.close()
    marks["students"] = students
    return marks


def _neighbour(student, finished: list) -> tuple[str, str] | None:
    """The next student (in order) with a finished run: its workspace and run."""
    others = [other for other in finished if other is not student]
    if not others:
        return None
    after = [other for other in others if other.index > student.index] or others
    return after[0].workspace, after[0].run_id


def _phase_line(student) -> str:
    if student.failed:
        return f"FAILED at {student.failed}"
    return ", ".join(f"{name} {seconds:.1f} s" for name, seconds in student.phases.items())


# --- the figures ---------------------------------------------------------------------------


def _cross_talk(students, runs) -> tuple[int, list[str]]:
    """Runs a workspace's run list showed that belong to neither that workspace nor the
    lecture, by their caption or by the store, over every list a student read."""
    owners = {run.run_id: run.workspace for run in runs}
    found = []
    for student in students:
        for page_workspace, run_id, workspace in sorted(student.seen):
            true_workspace = owners.get(run_id, workspace)
            if {workspace, true_workspace} - {page_workspace, LECTURE}:
                found.append(f"student {student.index}: the run list of {page_workspace} "
                             f"showed {run_id} of {workspace} (the store: {true_workspace})")
    return len(found), found


def summarise(marks: dict, records: list[dict], sampler, workers: int, log) -> dict:
    students = marks["students"]
    runs = marks["runs"]
    timings = [record for record in records if record["kind"] != "gc"]
    collections = [record for record in records if record["kind"] == "gc"]
    own_ids = {student.run_id for student in students if student.run_id}
    student_runs = [run for run in runs if run.run_id in own_ids]
    alone_id = students[0].run_id if marks["baseline"] else None  # student 1's, alone
    class_runs = [run for run in student_runs if run.run_id != alone_id] or student_runs
    done = {run.run_id for run in student_runs if run.state == "done"}
    completed = [student for student in students if student.run_id in done
                 and student.results_shown]
    cross_talk, cross_lines = _cross_talk(students, runs)
    attempts = [(student, attempt) for student in students for attempt in student.attempts]
    succeeded = [(s, a) for s, a in attempts if a.outcome == "succeeded"]

    # The queue is full from the class's first submission until its last queued job starts.
    queue_start = min((run.created_at for run in class_runs), default=None)
    queue_end = max((run.started_at for run in class_runs if run.started_at), default=None)
    full = figures.in_window(timings, queue_start, queue_end) if queue_start and queue_end \
        else []
    page_p95 = figures.p95([run["seconds"] for run in full])
    # Judged on the class: student 1's run, alone, waits only for the pool's cold start.
    max_ratio, fairness_rows = figures.fairness(student_runs, workers,
                                                {run.run_id for run in class_runs})
    rss_one, rss_all = marks.get("rss_one"), marks.get("rss_all")
    per_session = (rss_all - rss_one) / (len(students) - 1) \
        if len(students) > 1 and rss_one and rss_all else None

    log(f"\n{len(students)} students, {workers} workers, {os.cpu_count()} cores; "
        f"the class (students {2 if marks['baseline'] else 1}..{len(students)}) started "
        f"{STAGGER_SECONDS:g} s apart")
    log(f"runs completed (done in the store, results on the page): {len(completed)}/"
        f"{len(students)}")
    for student in students:
        if student.failed or student.problems:
            log(f"  student {student.index} ({student.workspace}): "
                + "; ".join(filter(None, [student.failed and f"FAILED {student.failed}",
                                          *student.problems])))
    log("per phase, over students (seconds):")
    for name in dict.fromkeys(name for student in students for name in student.phases):
        log(f"  {name:<26} {figures.spread([s.phases.get(name) for s in students])}")
    by_id = {run.run_id: run for run in student_runs}
    waits = [by_id[s.run_id].started_at - by_id[s.run_id].created_at for s in students
             if s.run_id in by_id and by_id[s.run_id].started_at]
    trains = [run.finished_at - run.started_at for run in student_runs
              if run.finished_at and run.started_at]
    lags = [s.marks["results_shown"] - by_id[s.run_id].finished_at for s in students
            if "results_shown" in s.marks and by_id[s.run_id].finished_at]
    answers = [s.marks["answered"] - s.marks["drew"] for s in students if "answered" in s.marks]
    log(f"  {'queued (created→started)':<26} {figures.spread(waits)}")
    log(f"  {'training (started→done)':<26} {figures.spread(trains)}")
    log(f"  {'done→results on the page':<26} {figures.spread(lags)}")
    log(f"  {'stroke→answer on the page':<26} {figures.spread(answers)}")
    said = [s.answer for s in students if s.answer]
    log(f"own models' answers to the drawn 1: {sum(a.startswith('1 ') for a in said)} of "
        f"{len(said)} read 1 ({', '.join(sorted(set(said))) or 'none'})")

    log(f"cross-talk: {cross_talk}" + "".join(f"\n  {line}" for line in cross_lines[:20]))
    outcomes = {}
    for _, attempt in attempts:
        key = (attempt.how, attempt.what, attempt.outcome)
        outcomes[key] = outcomes.get(key, 0) + 1
    log(f"writes without the key: {len(attempts)} tried, {len(succeeded)} succeeded")
    for (how, what, outcome), count in sorted(outcomes.items()):
        log(f"  {how:<4} {what:<16} {outcome:<12} {count}")
    for student, attempt in [*succeeded, *[(s, a) for s, a in attempts
                                           if a.outcome in ("error", "not refused")]][:10]:
        log(f"  e.g. student {student.index}: {attempt.how} {attempt.what} → "
            f"{attempt.target}: {attempt.outcome}: {attempt.detail}")
    controls = [student.own_key for student in students]
    log(f"own key accepted (page: Delete shown on its own run "
        f"{sum(bool(s.own_delete_buttons) for s in students)}/{len(students)}; "
        f"api: request_cancel of its own run {sum(c == '' for c in controls)}/"
        f"{len(students)})"
        + "".join(f"\n  student {s.index}: {c}" for s, c in zip(students, controls,
                                                                strict=True) if c))

    log(_page_time_lines(full, queue_start, queue_end, sampler, timings, marks, class_runs,
                         collections))
    judged = [row for row in fairness_rows if row["run_id"] != alone_id] or fairness_rows
    if judged and trains:
        worst = max(judged, key=lambda row: row["ratio"])
        log(f"fairness (the class's runs): mean job {statistics.mean(trains):.2f} s; worst "
            f"wait {worst['wait']:.1f} s with {worst['ahead']} jobs ahead (expected "
            f"{worst['expected']:.1f} s): ratio {worst['ratio']:.2f} ({worst['workspace']})")
        alone = [row for row in fairness_rows if row["run_id"] == alone_id]
        if alone:
            log(f"  student 1's run, alone (the pool's workers start with it): waited "
                f"{alone[0]['wait']:.1f} s, ratio {alone[0]['ratio']:.2f}")
    log(f"server RSS: {rss_one:.0f} MB with one session that trained and predicted, "
        f"{rss_all:.0f} MB with {len(students)}" if rss_one and rss_all else
        "server RSS: not measured")
    return {
        "sessions": len(students),
        "runs_completed": len(completed),
        "cross_talk": cross_talk,
        "unauthorised_writes_succeeded": len(succeeded),
        "page_p95_seconds": _rounded(page_p95),
        "fairness_max_wait_ratio": _rounded(max_ratio),
        "server_mb_per_session": _rounded(per_session),
        "details": {"students": students, "attempts": attempts, "fairness": fairness_rows,
                    "script_runs_while_full": full, "cross_talk": cross_lines},
    }


def _rounded(value):
    return None if value is None else round(float(value), 3)


def _expected_live_reruns(runs, start: float, end: float) -> float:
    """Fragment reruns per second the live job panels ask for over [start, end]: one a
    second for each session whose run is queued or running (ui/job_panel.py)."""
    active_seconds = sum(max(0.0, min(end, run.finished_at or end) - max(start, run.created_at))
                         for run in runs)
    return active_seconds / max(end - start, 1e-9)


def _page_time_lines(full, start, end, sampler, timings, marks, runs, collections) -> str:
    if not full:
        return "page time: no script runs while the queue was full"
    wall = max(end - start, 1e-9)
    fragments = sum(run["kind"] == "fragment" for run in full)
    lines = [f"script runs while the queue was full ({wall:.1f} s, {len(full)} runs, "
             f"{len(full) / wall:.1f} per second; live-panel fragments {fragments / wall:.1f} "
             f"per second of the {_expected_live_reruns(runs, start, end):.1f} the waiting "
             "sessions' timers ask for):"]
    for kind in ("full", "fragment"):
        for page in sorted({run["page"] for run in full if run["kind"] == kind}):
            seconds = [run["seconds"] for run in full if run["kind"] == kind
                       and run["page"] == page]
            lines.append(f"  {kind:<8} {page or '?':<14} {figures.spread(seconds)}")
    in_flight = sum(run["seconds"] for run in full) / max(end - start, 1e-9)
    lines.append(f"  script runs in flight on average: {in_flight:.1f} (one Python process: "
                 "they share its GIL)")
    full_gcs = figures.in_window(collections, start, end)
    gc_share = sum(record["seconds"] for record in full_gcs) / wall
    if full_gcs:
        lines.append(f"  full garbage collections (Python's own, holding the "
                     f"GIL): {len(full_gcs)}, {figures.spread([r['seconds'] for r in full_gcs])}"
                     f"; {gc_share:.0%} of the time")
    shares = sampler.shares(start, end)
    if shares:
        lines.append(f"  CPU while full, in cores of {shares['cores']:.0f}: machine "
                     f"{shares['machine']:.2f}: server {shares['server']:.2f}, workers "
                     f"{shares['workers']:.2f} (nice 10), Chromium and this harness "
                     f"{shares['browsers']:.2f} (Chromium at nice ≥ "
                     f"{sampler.browser_nice_seen}), other "
                     f"processes {shares['other']:.2f}")
        limits = []
        if shares["machine"] > 0.9 * shares["cores"]:
            limits.append("the machine's cores are saturated, so script runs wait for CPU")
        if shares["server"] > 0.85:
            limits.append("the server uses about a whole core: its one GIL serialises the "
                          "sessions' script runs")
        if gc_share > 0.2:
            limits.append(f"full garbage collections hold the GIL {gc_share:.0%} of the time")
        if in_flight > 1.5:
            limits.append(f"{in_flight:.1f} runs at once in one interpreter stretch each "
                          "other's wall time")
        lines.append("  what limits it: " + ("; ".join(limits) if limits else
                                               "no saturation seen"))
    idle = [run["seconds"] for run in timings
            if marks["alone_start"] <= run["start"] < marks["class_start"]]  # none unless
    # student 1 went first, alone
    if idle:
        lines.append(f"  for comparison, student 1 alone: {figures.spread(idle)}")
    return "\n".join(lines)


def run_classroom(sessions: int = 30, npz: Path | None = None, workers: int | None = None,
                  keep: Path | None = None, browser_nice: int = BROWSER_NICE,
                  profile: bool = False, server_options: dict | None = None,
                  baseline: bool = True, log=print) -> dict:
    """Hold the class; return the figures (RESULT_KEYS) and their details.

    `baseline`: student 1 first trains and predicts alone (the one-session memory figure),
    then the others at once; without it all at once, and server_mb_per_session is None.

    `npz`: the data set (MNIST_NPZ); None keeps this environment's (the test subset when
    MNIST_NPZ is unset). `keep`: a folder to keep the lab home, logs and timings in.
    """
    if not CHROMIUM.is_file():
        raise ClassroomError(f"{CHROMIUM} not found: apt-get install chromium")
    if npz is not None and not Path(npz).is_file():
        raise ClassroomError(f"MNIST not found at {npz}: set MNIST_NPZ to the full data "
                             "(mnist.npz in the layout of keras.datasets.mnist)")
    scratch = Path(keep) if keep else Path(tempfile.mkdtemp(prefix="classroom-"))
    scratch.mkdir(parents=True, exist_ok=True)
    home, timings_path = scratch / "lab_home", scratch / "script_runs.jsonl"
    workers = workers or int(os.environ.get("MNIST_LAB_WORKERS", 0)) or 2
    environment = {**os.environ, "MNIST_LAB_HOME": str(home),
                   "KERAS_HOME": str(scratch / "keras_home"), "MNIST_LAB_OFFLINE": "1",
                   "MNIST_LAB_INSTRUCTOR_KEY": secrets.token_urlsafe(16),
                   "MNIST_LAB_WORKERS": str(workers), TIMINGS_VARIABLE: str(timings_path),
                   "TF_CPP_MIN_LOG_LEVEL": "2",
                   "MALLOC_ARENA_MAX": "2"}  # as README serves a class
    if npz is not None:
        environment["MNIST_NPZ"] = str(npz)
    if profile:
        environment[STACKS_VARIABLE] = str(scratch / "script_stacks.jsonl")
    server = Server(environment, scratch / "streamlit.log", server_options)
    if server_options:
        log(f"streamlit options of this experiment: {server_options}")
    try:
        lecture = _lecture_run(environment)  # trains while the server starts
        server.start()
        server.wait_until_healthy()
        lecture_result = _lecture_result(lecture)
        log(f"server {server.url} (pid {server.process.pid}), lab home {home}; lecture run "
            f"{lecture_result['run_id']} ({lecture_result['test_accuracy']:.2%})")
        # The class in a thread of its own: the caller may have an event loop (pytest with
        # Playwright's sync API), and asyncio.run() refuses to nest in one.
        with figures.Sampler(server.process.pid) as sampler, \
                concurrent.futures.ThreadPoolExecutor(1) as thread:
            marks = thread.submit(asyncio.run, _hold_class(
                server.url, home, sessions, lecture_result["run_id"], sampler,
                _chromium_at(browser_nice, scratch, log), baseline, log)).result()
        marks["browser_nice"] = browser_nice
        result = summarise(marks, figures.script_runs(timings_path), sampler, workers, log)
        if keep:
            (scratch / "samples.json").write_text(json.dumps(sampler.samples))
            (scratch / "students.json").write_text(json.dumps(
                [_as_json(student) for student in marks["students"]], indent=1))
        return result
    finally:
        server.stop()
        if not keep:
            shutil.rmtree(scratch, ignore_errors=True)


def _as_json(student) -> dict:
    fields = {name: value for name, value in vars(student).items()
              if name not in ("context", "page")}
    fields["seen"] = sorted(fields["seen"])
    fields["attempts"] = [vars(attempt) for attempt in student.attempts]
    return fields


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sessions", type=int, default=30)
    parser.add_argument("--keep", type=Path, help="keep the lab home, logs and timings here")
    parser.add_argument("--browser-nice", type=int, default=BROWSER_NICE,
                        help="Chromium's niceness (0: the server's own priority)")
    parser.add_argument("--streamlit-option", action="append", default=[],
                        metavar="NAME=VALUE", help="an experiment: a config option of "
                        "`streamlit run`, e.g. runner.postScriptGC=false (repeatable)")
    parser.add_argument("--profile", action="store_true",
                        help="sample where the server's script threads are (costs CPU)")
    arguments = parser.parse_args()
    npz = Path(os.environ.get("MNIST_NPZ") or DEFAULT_NPZ)
    try:
        result = run_classroom(arguments.sessions, npz, keep=arguments.keep,
                               browser_nice=arguments.browser_nice,
                               profile=arguments.profile,
                               server_options=dict(option.split("=", 1) for option
                                                   in arguments.streamlit_option))
    except ClassroomError as error:
        raise SystemExit(str(error)) from None
    print(json.dumps({key: result[key] for key in RESULT_KEYS}))


if __name__ == "__main__":
    main()
