"""Real-browser fixtures: one `streamlit run` server and one Chromium per session."""

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from playwright.sync_api import expect, sync_playwright

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]
SERVER_START_SECONDS = 60
SCRIPT_RUN_MILLISECONDS = 90_000  # a page's first run may import TensorFlow
FINISHED_RUN = "[data-testid='stApp'][data-test-script-state='notRunning']"

expect.set_options(timeout=30_000)  # a rerun on a busy CI machine can take seconds


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_until_healthy(url: str, server: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + SERVER_START_SECONDS
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"streamlit exited with code {server.returncode}:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError):
            time.sleep(0.2)
    pytest.fail(f"streamlit not healthy after {SERVER_START_SECONDS} s:\n{log.read_text()}")


@pytest.fixture(scope="session")
def app_url(tmp_path_factory):
    """Base URL of `streamlit run streamlit_app.py` on a free port, with a private lab home."""
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    scratch = tmp_path_factory.mktemp("e2e_server")
    log = scratch / "streamlit.log"
    # The environment is inherited (MNIST_LAB_OFFLINE, MNIST_NPZ); only the homes are private.
    environment = {**os.environ, "MNIST_LAB_HOME": str(scratch / "lab_home"),
                   "KERAS_HOME": str(scratch / "keras_home")}
    command = [sys.executable, "-m", "streamlit", "run", "streamlit_app.py",
               "--server.headless", "true", "--server.port", str(port),
               "--server.address", "127.0.0.1"]
    with log.open("w") as log_file:
        server = subprocess.Popen(command, cwd=ROOT, env=environment, stdout=log_file,
                                  stderr=subprocess.STDOUT)
    try:
        _wait_until_healthy(url, server, log)
        yield url
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


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


@pytest.fixture
def open_app(page, app_url):
    """open_app("Data_and_preprocessing") -> the page once that app page's script has run."""

    def open_path(path: str = ""):
        page.goto(f"{app_url}/{path}")
        page.wait_for_selector(FINISHED_RUN)
        return page

    return open_path
