"""AppTest of the sidebar menu: every page lists Home and the lab's pages, in its workspace."""

import pytest
from pages_helpers import open_page

from mnist_core import ui

MENU = ["Home", *(page.title for page in ui.PAGES)]


@pytest.mark.parametrize("path", ["streamlit_app.py", *(page.path for page in ui.PAGES)])
def test_every_page_shows_the_menu_and_keeps_the_workspace_in_its_links(path):
    app = open_page(path)
    app.query_params["workspace"] = "alice"
    app.run()

    assert not app.exception
    links = app.sidebar.page_link
    assert [link.label for link in links] == MENU  # Home, not Streamlit's "streamlit app"
    assert [link.proto.query_string for link in links] == ["workspace=alice"] * len(MENU)
