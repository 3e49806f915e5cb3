"""Helpers for AppTests of the pages: opening one, the Train button, waiting for a run."""

import time
from pathlib import Path

from streamlit.testing.v1 import AppTest

from mnist_core.store import Registry

ROOT = Path(__file__).resolve().parents[2]
HOME = ROOT / "streamlit_app.py"
RUN_TIMEOUT_SECONDS = 240


def page_path(name: str) -> str:
    return str(ROOT / "pages" / name)


def open_page(path: str) -> AppTest:
    """The page as a browser reaches it, through the entry point (call run() next).

    AppTest.from_file(page) would make the page the entry point: the sidebar's menu links,
    relative to the real one, would then not resolve.
    """
    return AppTest.from_file(str(HOME), default_timeout=60).switch_page(path)


def page_text(app: AppTest) -> str:
    return "\n".join(element.value for element in [*app.markdown, *app.caption, *app.info,
                                                    *app.success, *app.warning, *app.error])


def train_button(app: AppTest):
    return next(button for button in app.button if button.label == "Train")


def wait_until_finished(app: AppTest, session_key: str) -> str:
    """Poll like the page's fragment would (it does not tick in AppTest); return the state."""
    registry = Registry()
    deadline = time.monotonic() + RUN_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        run = registry.get(app.session_state[session_key])
        if not run.is_active:
            app.run()
            return run.state
        time.sleep(1)
        app.run()
    raise AssertionError("the run did not finish in time")
