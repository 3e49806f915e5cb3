"""One student of benchmarks/classroom.py in a browser: a Playwright context (own cookies, own
Streamlit session) that gets a workspace of its own, trains, draws, and tries to write where
it may not. Async, so many students share one Chromium in one event loop.

Every step records what it saw in a Student; a step that fails says why there and the
student goes on with what it can still do, so one student's failure never ends the class.
"""

import asyncio
import contextlib
import dataclasses
import re
import time
import urllib.parse

from playwright.async_api import Error as PlaywrightError
from playwright.async_api import expect

FINISHED_RUN = "[data-testid='stApp'][data-test-script-state='notRunning']"
KEYS_COOKIE = "mnist_lab_keys"  # NAME:KEY entries joined by '|'
LECTURE = "lecture"
PAGE_MILLISECONDS = 300_000  # a rerun on a server with 30 busy sessions can take long
COOKIE_SECONDS = 180
RUN_LISTED_SECONDS = 120  # pressing Train to its run in the store
# From the run done in the store to its results on the page, and from a stroke to its answer.
RESULTS_MILLISECONDS = ANSWER_MILLISECONDS = PAGE_MILLISECONDS
CAPTION = re.compile(r"^(\S+) · workspace (\S+) · ")  # ui/run_list.py: each run's caption

CANVAS_SIDE = 280  # mnist_core/ui/draw_panels.py: CANVAS_SIDE
# A vertical stroke, clear of the canvas toolbar (tests/e2e/test_draw_browser.py: ONE).
ONE = [(CANVAS_SIDE / 2, 45 + 10 * step) for step in range(20)]


@dataclasses.dataclass
class Attempt:
    """One try at a write the student's key does not allow."""

    how: str  # "page" or "api"
    what: str  # e.g. "delete", "train", "submit"
    target: str  # the workspace it aimed at
    outcome: str  # "refused", "succeeded" (the write happened), "error" (see detail)
    detail: str = ""


@dataclasses.dataclass
class Student:
    index: int
    workspace: str | None = None
    key: str | None = None  # from the cookie
    link_key: str | None = None  # from the sidebar's personal link
    run_id: str | None = None
    results_shown: bool = False
    answer: str | None = None  # what the student's own model said about the drawn 1
    answer_label: str | None = None
    # (the page's workspace, run_id, the run's workspace) for each run in a run list it read
    seen: set = dataclasses.field(default_factory=set)
    own_delete_buttons: int = 0  # Delete buttons on its own runs (it holds the key)
    own_key: str | None = None  # its key through mnist_core's check on its own run: '' if ok
    context: object = None  # its Playwright context and page
    page: object = None
    attempts: list = dataclasses.field(default_factory=list)
    phases: dict = dataclasses.field(default_factory=dict)  # phase -> seconds
    marks: dict = dataclasses.field(default_factory=dict)  # event -> wall-clock time
    problems: list = dataclasses.field(default_factory=list)
    failed: str | None = None  # the step that stopped this student, and why

    def note(self, problem: str) -> None:
        self.problems.append(problem)

    @property
    def credential_keys(self) -> dict:
        return {self.workspace: self.key} if self.workspace and self.key else {}


class Classroom:
    """What every student shares: the server's URL, the store, and who has which run."""

    def __init__(self, url: str, registry, run_seconds: float):
        self.url, self.registry, self.run_seconds = url, registry, run_seconds

    async def store(self, method, *arguments, **keywords):
        """A registry call off the event loop (SQLite and file reads block)."""
        return await asyncio.to_thread(method, *arguments, **keywords)

    async def runs_of(self, workspace: str) -> list:
        runs = await self.store(self.registry.runs, workspace=workspace)
        return [run for run in runs if run.workspace == workspace]


async def step(student: Student, name: str, coroutine) -> bool:
    """Run one step, timing it; a failure is the student's, recorded, never raised."""
    started = time.perf_counter()
    try:
        await coroutine
    except Exception as error:  # (one student's failure is reported, not fatal)
        student.failed = student.failed or f"{name}: {type(error).__name__}: {error}"[:2000]
        return False
    finally:
        student.phases[name] = time.perf_counter() - started
    return True


async def open_page(page, url: str) -> None:
    await page.goto(url, timeout=PAGE_MILLISECONDS)
    await page.wait_for_selector(FINISHED_RUN, timeout=PAGE_MILLISECONDS)


def parse_keys(value: str) -> dict:
    """The cookie's value ('NAME:KEY|NAME:KEY', each part percent-encoded) as a dict."""
    pairs = (entry.split(":", 1) for entry in value.strip('"').split("|") if ":" in entry)
    return {urllib.parse.unquote(name): urllib.parse.unquote(key) for name, key in pairs}


async def join_class(student: Student, page, room: Classroom) -> None:
    """Open the MLP page without ?workspace=: the server gives a workspace and its key."""
    student.marks["joined"] = time.time()
    await open_page(page, f"{room.url}/MLP")
    with contextlib.suppress(PlaywrightError):
        await page.wait_for_url(lambda url: "workspace=" in url, timeout=PAGE_MILLISECONDS)
    query = urllib.parse.parse_qs(urllib.parse.urlparse(page.url).query)
    if "workspace" not in query:
        raise AssertionError(f"no ?workspace= in the URL after opening /MLP: {page.url}")
    student.workspace = query["workspace"][0]
    # The page sets the cookie from a script it draws (ui/keyring.py), once the run is shown.
    with contextlib.suppress(PlaywrightError):
        await page.wait_for_function(f"document.cookie.includes('{KEYS_COOKIE}=')",
                                     timeout=COOKIE_SECONDS * 1000)
    cookies = {cookie["name"]: cookie["value"] for cookie in await page.context.cookies()}
    if KEYS_COOKIE in cookies:
        student.key = parse_keys(cookies[KEYS_COOKIE]).get(student.workspace)
    if not student.key:
        student.note(f"no key for {student.workspace} in the {KEYS_COOKIE} cookie after "
                     f"{COOKIE_SECONDS} s (cookies: {sorted(cookies)})")
    try:
        student.link_key = await personal_link_key(page, student.workspace)
    except PlaywrightError as error:
        student.note(f"the sidebar's personal link could not be read: {error}"[:300])
        return
    if student.link_key is None:
        student.note(f"no personal link for {student.workspace} in 'Your workspace key'")
    elif student.link_key != student.key:
        student.note(f"the sidebar's personal link has key {student.link_key!r}, the cookie "
                     f"{student.key!r}")


async def personal_link_key(page, workspace: str) -> str | None:
    """The key in the sidebar's 'Your workspace key' link (…?workspace=NAME&key=KEY)."""
    panel = page.get_by_test_id("stSidebar").get_by_test_id("stExpander").filter(
        has_text="Your workspace key")
    if not await panel.count():
        return None
    await panel.first.locator("summary").click()
    text = await panel.first.get_by_test_id("stCode").first.text_content(
        timeout=PAGE_MILLISECONDS)
    query = urllib.parse.parse_qs(urllib.parse.urlparse(text.strip()).query)
    if query.get("workspace", [None])[0] != workspace:
        return None
    return query.get("key", [None])[0]


async def train(student: Student, page, room: Classroom) -> None:
    """One epoch on 1,000 images from the MLP page; wait until the page shows the results."""
    await page.get_by_test_id("stRadio").get_by_text("1,000", exact=True).click()
    epochs = page.get_by_role("slider", name="Epochs")
    await epochs.focus()
    await epochs.press("Home")  # the slider's minimum: one epoch
    await expect(epochs).to_have_value("1", timeout=PAGE_MILLISECONDS)
    await page.wait_for_selector(FINISHED_RUN, timeout=PAGE_MILLISECONDS)
    student.marks["submitted"] = time.time()
    train_button = page.get_by_role("button", name="Train", exact=True)
    await train_button.click()
    pressed_again = False
    deadline = time.monotonic() + RUN_LISTED_SECONDS
    while not (own := await room.runs_of(student.workspace)):
        if time.monotonic() > deadline:
            raise AssertionError(f"no run in the store for {student.workspace} "
                                 f"{RUN_LISTED_SECONDS} s after pressing Train")
        if not pressed_again and time.monotonic() > deadline - RUN_LISTED_SECONDS / 2:
            # A click during a rerun can be lost; a second one cannot queue a second run
            # (ui/job_panel.py refuses while this session's run is active).
            pressed_again = True
            student.note("no run a minute after pressing Train: pressed it again")
            await train_button.click()
        await asyncio.sleep(0.5)
    run = own[0]
    student.run_id = run.run_id
    training = run.config.get("training", {})
    if training.get("epochs") != 1 or training.get("train_size") != 1000:
        student.note(f"run {run.run_id} was submitted with {training}, not 1 epoch on 1,000")
    deadline = time.monotonic() + room.run_seconds
    while run.is_active:
        if time.monotonic() > deadline:
            raise AssertionError(f"run {run.run_id} still {run.state} after "
                                 f"{room.run_seconds:.0f} s")
        await asyncio.sleep(1)
        run = await room.store(room.registry.get, run.run_id)
    student.marks["finished_in_store"] = time.time()
    if run.state != "done":
        raise AssertionError(f"run {run.run_id} ended {run.state}: {run.error}")
    await page.get_by_text("finished 1 epochs").wait_for(timeout=RESULTS_MILLISECONDS)
    await page.get_by_text("Test accuracy").first.wait_for(timeout=RESULTS_MILLISECONDS)
    await page.get_by_role("heading", name="Confusion matrix").wait_for(
        timeout=RESULTS_MILLISECONDS)
    student.marks["results_shown"] = time.time()
    student.results_shown = True


EXPANDERS = "[data-testid=stSidebar] [data-testid=stExpander]"
OPEN_EXPANDERS = f"""() => document.querySelectorAll(
    '{EXPANDERS} details:not([open]) > summary').forEach(summary => summary.click())"""
# An open expander draws its widgets a moment later: skeletons until then.
DRAWN = f"""() => !document.querySelector('{EXPANDERS} details[open] [data-testid=stSkeleton]')"""
READ_EXPANDERS = f"""() => [...document.querySelectorAll('{EXPANDERS}')].map(expander => ({{
    captions: [...expander.querySelectorAll('[data-testid=stCaptionContainer]')]
        .map(caption => caption.innerText.trim()),
    buttons: [...expander.querySelectorAll('button')].map(button => button.innerText.trim())
}}))"""
DELETE = re.compile(r"\bDelete\b")  # the button's label ("delete" is an icon's name)
EXPANDERS_DRAWN_MILLISECONDS = PAGE_MILLISECONDS  # a busy browser draws them late


async def run_list(page) -> list[dict]:
    """The sidebar's run list: each run's id, workspace and Delete buttons (read in one go,
    as the list can change between two reads)."""
    await page.evaluate(OPEN_EXPANDERS)  # buttons are drawn only in an open expander
    drawn = True
    try:
        await page.wait_for_function(DRAWN, timeout=EXPANDERS_DRAWN_MILLISECONDS)
    except PlaywrightError:
        drawn = False  # read what there is; its absent buttons prove nothing
    listed = []
    for expander in await page.evaluate(READ_EXPANDERS):
        found = next(filter(None, map(CAPTION.match, expander["captions"])), None)
        if found is not None:  # else not a run (the workspace key, rejected data sources)
            listed.append({"run_id": found[1], "workspace": found[2], "drawn": drawn,
                           "delete": sum(bool(DELETE.search(text))
                                         for text in expander["buttons"])})
    return listed


async def read_run_list(student: Student, page, workspace: str) -> list[dict]:
    """The run list of the page of `workspace`, noted in what the student has seen."""
    listed = await run_list(page)
    student.seen |= {(workspace, entry["run_id"], entry["workspace"]) for entry in listed}
    return listed


async def check_own_list(student: Student, page, room: Classroom) -> None:
    """The own workspace's list: its own run with a Delete button, the lecture's without."""
    listed = await read_run_list(student, page, student.workspace)
    own = [entry for entry in listed if entry["workspace"] == student.workspace]
    if student.run_id not in {entry["run_id"] for entry in own}:
        student.note(f"its run {student.run_id} is not in its own run list")
    student.own_delete_buttons = sum(entry["delete"] for entry in own)
    for entry in listed:
        if entry["workspace"] != student.workspace and entry["delete"]:
            await try_page_delete(student, page, room, entry, "own workspace's page")


def verdicts(within):
    """Each model's answer box: a success ('7 (98%)') or a warning ('not sure: 4 or 9?')."""
    return within.get_by_test_id("stAlertContentSuccess").or_(
        within.get_by_test_id("stAlertContentWarning"))


async def draw_and_read(student: Student, page, room: Classroom) -> None:
    """Draw a 1 on the Draw page of its own workspace and read its own model's answer."""
    await open_page(page, f"{room.url}/Draw_a_digit?workspace={student.workspace}")
    canvas = page.locator("canvas.upper-canvas")
    await canvas.wait_for(timeout=PAGE_MILLISECONDS)
    await asyncio.sleep(0.5)  # the component mounts its Fabric.js handlers after drawing
    box = await canvas.bounding_box()
    student.marks["drew"] = time.time()
    await page.mouse.move(box["x"] + ONE[0][0], box["y"] + ONE[0][1])
    await page.mouse.down()
    for x, y in ONE[1:]:
        await page.mouse.move(box["x"] + x, box["y"] + y, steps=4)
    await page.mouse.up()
    main = page.get_by_test_id("stMain")
    await verdicts(main).first.wait_for(timeout=ANSWER_MILLISECONDS)
    student.marks["answered"] = time.time()
    # Answers are in the order of the models, newest first: its own run (newer than the
    # lecture's, and no other student's run is listed) comes first.
    column = main.get_by_test_id("stColumn").filter(has=verdicts(page)).first
    student.answer_label = (await column.get_by_test_id("stMarkdownContainer").first
                            .text_content()).strip()
    student.answer = (await verdicts(column).first.text_content()).strip()
    run = await room.store(room.registry.get, student.run_id)
    if run.test_accuracy is not None and f"{run.test_accuracy:.2%}" not in student.answer_label:
        student.note(f"the first answer is from {student.answer_label!r}, not its own run "
                     f"({run.test_accuracy:.2%})")
    await read_run_list(student, page, student.workspace)


async def try_page_delete(student: Student, page, room: Classroom, entry: dict,
                          where: str) -> None:
    """A Delete button shown on a run the student may not delete: press it, see if it went."""
    expander = page.get_by_test_id("stSidebar").get_by_test_id("stExpander").filter(
        has_text=entry["run_id"])
    await expander.get_by_role("button", name="Delete").first.click(timeout=30_000)
    await asyncio.sleep(2)
    await page.wait_for_selector(FINISHED_RUN, timeout=PAGE_MILLISECONDS)
    still_there = entry["run_id"] in {run.run_id for run in
                                      await room.runs_of(entry["workspace"])}
    student.attempts.append(Attempt("page", "delete", entry["workspace"],
                                    "refused" if still_there else "succeeded",
                                    f"a Delete button on {entry['run_id']} in the {where}"))


async def intrude_by_page(student: Student, page, room: Classroom, target: str) -> None:
    """Open another workspace's MLP page (plain, then with the student's own key in the URL):
    no Train and no Delete may show; any that does is pressed and its effect checked."""
    for query in ({"workspace": target}, {"workspace": target, "key": student.key or "x"}):
        await open_page(page, f"{room.url}/MLP?{urllib.parse.urlencode(query)}")
        label = "with its own key in the URL" if "key" in query else "by name"
        listed = await read_run_list(student, page, target)
        shown = [entry for entry in listed if entry["workspace"] == target]
        if not shown:
            student.note(f"{target}'s page ({label}) lists none of {target}'s runs")
        for entry in shown:
            if entry["delete"]:
                await try_page_delete(student, page, room, entry, f"{target}'s page, {label}")
            elif entry["drawn"]:
                student.attempts.append(Attempt("page", "delete", target, "refused",
                                                f"no Delete button ({label})"))
            else:
                student.attempts.append(Attempt(
                    "page", "delete", target, "error",
                    f"the run list was not drawn in {EXPANDERS_DRAWN_MILLISECONDS} ms ({label})"))
        train_buttons = page.get_by_test_id("stMain").get_by_role("button", name="Train",
                                                                  exact=True)
        if await train_buttons.count() and await train_buttons.first.is_enabled():
            before = {run.run_id for run in await room.runs_of(target)}
            await train_buttons.first.click()
            await asyncio.sleep(3)
            added = {run.run_id for run in await room.runs_of(target)} - before
            student.attempts.append(Attempt(
                "page", "train", target, "succeeded" if added else "refused",
                f"a Train button ({label}); runs added: {sorted(added)}"))
        else:
            student.attempts.append(Attempt("page", "train", target, "refused",
                                            f"no Train button ({label})"))
