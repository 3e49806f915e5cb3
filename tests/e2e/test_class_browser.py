"""A class server in a real browser: the key a session was given stays in its cookie (a reload
and a new tab keep it), a personal link brings it to another device and leaves the address
bar, and a browser without it sees the workspace read-only."""

import urllib.parse

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import SCRIPT_RUN_MILLISECONDS
from tests.e2e.server import FINISHED_RUN, StreamlitServer

pytestmark = pytest.mark.e2e

INSTRUCTOR_KEY = "browser-test-instructor-key"
COOKIE = "mnist_lab_keys"


@pytest.fixture(scope="module")
def class_url(server_environment, tmp_path_factory):
    scratch = tmp_path_factory.mktemp("class_server")
    environment = {**server_environment, "MNIST_LAB_HOME": str(scratch / "lab_home"),
                   "MNIST_LAB_INSTRUCTOR_KEY": INSTRUCTOR_KEY}
    server = StreamlitServer(environment, scratch / "streamlit.log")
    yield server.start()
    server.stop()


def opened(tab, url: str):
    tab.set_default_timeout(SCRIPT_RUN_MILLISECONDS)
    tab.goto(url)
    tab.wait_for_selector(FINISHED_RUN)
    return tab


def workspace_in(url: str) -> str | None:
    return urllib.parse.parse_qs(urllib.parse.urlsplit(url).query).get("workspace", [None])[0]


def keys_in_cookie(context) -> dict[str, str]:
    value = next((cookie["value"] for cookie in context.cookies() if cookie["name"] == COOKIE),
                 "")
    return dict(urllib.parse.unquote(entry).split(":", 1) for entry in value.split("|") if entry)


def train_button(tab):
    return tab.get_by_role("button", name="Train", exact=True)


def test_the_key_stays_with_the_browser_and_travels_by_personal_link(browser, class_url):
    student = browser.new_context()
    tab = opened(student.new_page(), f"{class_url}/MLP")
    tab.wait_for_url(lambda url: workspace_in(url) is not None)
    workspace = workspace_in(tab.url)
    expect(train_button(tab)).to_be_visible()
    tab.wait_for_function(f"document.cookie.includes('{COOKIE}=')")
    key = keys_in_cookie(student)[workspace]

    opened(tab, tab.url)  # a reload: a new Streamlit session, the same browser
    assert workspace_in(tab.url) == workspace
    expect(train_button(tab)).to_be_visible()
    second_tab = opened(student.new_page(), f"{class_url}/")  # a new tab, no workspace asked
    second_tab.wait_for_url(lambda url: workspace_in(url) == workspace)

    stranger = browser.new_context()
    theirs = opened(stranger.new_page(), f"{class_url}/MLP?workspace={workspace}")
    expect(theirs.get_by_text("Read-only.")).to_be_visible()
    expect(train_button(theirs)).to_have_count(0)

    device = browser.new_context()  # the student's phone, from the personal link
    link = opened(device.new_page(), f"{class_url}/MLP?workspace={workspace}&key={key}")
    expect(train_button(link)).to_be_visible()
    link.wait_for_url(lambda url: "key=" not in url)
    for context in (student, stranger, device):
        context.close()
