"""Lecture mode, ?view=lecture: a projector view of the lecture's results.

Text, headings, metrics and chart labels at 1.5× their size, thicker curves, a wide layout
with the sidebar collapsed, and `?hide=a,b` to hide controls (as TensorFlow Playground's
`_hide`): hiding is cosmetic, the server checks every limit whatever is shown. A short link
`?v=CODE` opens a view the instructor stored (store.views).
"""

import re

import streamlit as st

from mnist_core.store import views
from mnist_core.ui import engine, workspace
from mnist_core.ui.contents import PAGES

VIEW = "lecture"
MAX_HIDDEN = 40
_CONTROL = re.compile(r"^[a-z0-9_]{1,30}$")  # a parameter's name, safe inside a CSS selector
# 1.5× the theme's sizes: Streamlit sizes text in rem, so the root size scales it all; the
# charts are SVG (Vega), so their labels and lines are styled here too.
_PROJECTOR_CSS = """
html { font-size: 150% !important; }
[data-testid="stMain"] [data-testid="stMarkdownContainer"] { font-size: 1rem !important; }
[data-testid="stVegaLiteChart"] svg text { font-size: 17px !important; }
[data-testid="stVegaLiteChart"] .mark-line path,
[data-testid="stVegaLiteChart"] path.mark-line { stroke-width: 4px !important; }
"""


def is_lecture() -> bool:
    return st.query_params.get("view") == VIEW


def hidden_controls() -> list[str]:
    """The `hide` list: parameter names only (anything else is dropped), at most 40."""
    names = st.query_params.get("hide", "")[:2000].split(",")
    return [name for name in names if _CONTROL.match(name)][:MAX_HIDDEN]


def apply_view() -> None:
    """At the top of every page: follow a short link, then dress the page for the room."""
    _follow_short_link()
    styles = "".join(f".st-key-{name} {{ display: none !important; }}\n"
                     for name in hidden_controls())
    if is_lecture():
        st.set_page_config(layout="wide", initial_sidebar_state="collapsed")
        styles = _PROJECTOR_CSS + styles
    if styles:
        st.html(f"<style>{styles}</style>")


def _follow_short_link() -> None:
    code = st.query_params.get("v")
    if code is None:
        return
    view = views.load(engine.registry().home, code)
    if view is None:
        st.query_params.pop("v", None)
        st.warning("That short link is not known here: check the code, or ask for the full "
                   "link.", icon=":material/link_off:")
        return
    page = next((path for path in _page_paths() if _url_path(path) == view["page"]),
                "streamlit_app.py")
    st.switch_page(page, query_params=view["parameters"])


def _page_paths() -> list[str]:
    return ["streamlit_app.py", *(page.path for page in PAGES)]





def _url_path(page_path: str) -> str:
    """pages/2_MLP.py -> "MLP", as Streamlit names the page in its URL; home is ""."""
    if page_path == "streamlit_app.py":
        return ""
    return page_path.removeprefix("pages/").removesuffix(".py").split("_", 1)[1]


def try_it_button() -> None:
    """For a student looking at the lecture's view: the same settings in their own workspace
    (on a class server a new one, with its key and personal link, if they have none)."""
    if not st.button("Try it in my workspace", type="primary", icon=":material/science:",
                     key="lecture_try_it"):
        return
    workspace.switch_to(workspace.own_workspace())
    # The same page: its settings (bound to its widgets) stay as they are; only the view goes.
    for name in ("view", "hide"):
        st.query_params.pop(name, None)
    st.rerun()
