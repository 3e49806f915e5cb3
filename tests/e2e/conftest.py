"""Real-browser fixtures: one `streamlit run` server and one Chromium per session."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from playwright.sync_api import expect, sync_playwright

from tests.e2e.server import FINISHED_RUN, ROOT, StreamlitServer

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]
SCRIPT_RUN_MILLISECONDS = 90_000  # a page's first run may import TensorFlow
CLI_SECONDS = 600  # the fast CNN on the full set: about 10 s on 2 cores
SUBSET_EPOCHS = 3
DRAWING_READER_ACCURACY = 0.9  # a model that reads drawn digits back, not one that guesses

expect.set_options(timeout=30_000)  # a rerun on a busy CI machine can take seconds


@pytest.fixture(scope="session")
def server_scratch(tmp_path_factory) -> Path:
    """The server's folder: its log, lab home and keras home."""
    return tmp_path_factory.mktemp("e2e_server")


@pytest.fixture(scope="session")
def server_environment(server_scratch) -> dict[str, str]:
    """The server's environment, which CLI runs for it share: private lab and keras homes."""
    # Inherited: MNIST_LAB_OFFLINE and MNIST_NPZ (tests/conftest.py); only the homes are private.
    return {**os.environ, "MNIST_LAB_HOME": str(server_scratch / "lab_home"),
            "KERAS_HOME": str(server_scratch / "keras_home")}


@pytest.fixture(scope="session")
def app_url(server_scratch, server_environment):
    """Base URL of `streamlit run streamlit_app.py` on a free port, with a private lab home."""
    server = StreamlitServer(server_environment, server_scratch / "streamlit.log")
    url = server.start()
    yield url
    server.stop()


def _mnist_core(arguments: list[str], environment: dict[str, str]) -> dict:
    """Run `python -m mnist_core ... --json` as the lab's CLI user would; its JSON result."""
    finished = subprocess.run([sys.executable, "-m", "mnist_core", *arguments, "--json"],
                              cwd=ROOT, env=environment, capture_output=True, text=True,
                              timeout=CLI_SECONDS, check=False)
    if finished.returncode != 0:
        pytest.fail(f"python -m mnist_core {' '.join(arguments)} exited with "
                    f"{finished.returncode}:\n{finished.stdout}\n{finished.stderr[-3000:]}")
    return json.loads(finished.stdout.splitlines()[-1])


@pytest.fixture(scope="session")
def fast_cnn(server_environment) -> dict:
    """The fast CNN, trained from the CLI as a lecture run, so every workspace's pages see it.

    It goes into the server's lab home, which the pages read on every run: whether the server
    started before or after does not matter. Returns the CLI's JSON result.
    """
    info = _mnist_core(["info"], server_environment)
    # An epoch is 430 steps on the full set (about 98 %), but only 29 on the 5,000-digit subset.
    epochs = SUBSET_EPOCHS if info["is_subset"] else 1
    result = _mnist_core(["train", "cnn", "--preset", "fast", "--epochs", str(epochs),
                          "--workspace", "lecture"], server_environment)
    if result["status"] != "done" or result["test_accuracy"] < DRAWING_READER_ACCURACY:
        pytest.fail(f"the fast CNN ({epochs} epochs on {info['source']}) ended "
                    f"{result['status']} with test accuracy {result['test_accuracy']}: too "
                    "unreliable to read drawn digits back")
    return result


@pytest.fixture(scope="session")
def browser():
    """Debian's headless Chromium, driven by Playwright; skipped (or failed in CI) if absent."""
    if not CHROMIUM.is_file():
        reason = f"{CHROMIUM} not found: apt-get install chromium to run the browser tests"
        if os.environ.get("MNIST_LAB_REQUIRE_BROWSER") == "1":
            pytest.fail(reason)
        pytest.skip(reason)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                              args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    """A fresh browser tab (own cookies and session) for one test."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    tab.set_default_timeout(SCRIPT_RUN_MILLISECONDS)
    yield tab
    context.close()


def open_tab(context, url: str):
    """A new tab of `context` at `url`, once the page's script has run to its end."""
    tab = context.new_page()
    tab.set_default_timeout(SCRIPT_RUN_MILLISECONDS)
    tab.goto(url)
    tab.wait_for_selector(FINISHED_RUN)
    return tab


@pytest.fixture
def open_app(page, app_url):
    """open_app("Data_and_preprocessing") -> the page once that app page's script has run."""

    def open_path(path: str = ""):
        page.goto(f"{app_url}/{path}")
        page.wait_for_selector(FINISHED_RUN)
        return page

    return open_path
