"""Share this view: the instructor ticks the controls to hide and gets the link, a short link
to type from a projector (?v=CODE) and a QR code; the lecture view shows the QR code big
enough to scan from the back of a hall. Links never carry a workspace key."""

import io
import math
import urllib.parse

import segno
import streamlit as st

from mnist_core.store import NotAllowed, views
from mnist_core.ui import engine, keyring, lecture_view

QR_ERROR = "m"  # recovers 15 % of the code: a projector's glare and a phone's angle
QR_BORDER = 4  # modules of quiet zone, as the standard asks
PROJECTED_QR_PIXELS, PROJECTED_MODULE_PIXELS = 420, 8
SCREEN_MODULE_PIXELS = 4
_SLOTS = "lab_share_slots"  # this run's places for the panel (sidebar) and the big code
_NOT_SHARED = ("key", "v")


def reserve() -> None:
    """Called by the sidebar before the page draws: the places the page's settings fill
    once it knows them (see url_state.check)."""
    st.session_state[_SLOTS] = {"main": st.container(), "sidebar": st.sidebar.container()}


def may_share() -> bool:
    """The instructor on a class server; anyone on a student's own machine."""
    return not engine.is_class_server() or keyring.is_instructor()


def offer(page: str, controls: list[str]) -> None:
    """The share panel for this page's controls, and the big QR code in lecture view."""
    slots = st.session_state.get(_SLOTS)
    if not slots:
        return
    if lecture_view.is_lecture():
        with slots["main"].expander("Follow on your own screen: scan this",
                                    icon=":material/qr_code_2:"):
            _projected_code(view_link(lecture_view.hidden_controls()))
    if may_share():
        with slots["sidebar"].expander("Share this view", icon=":material/share:"):
            _share_panel(page, controls)


def view_link(hidden: list[str], lecture: bool = True) -> str:
    """This page with its current settings, in the lecture view, with `hidden` hidden."""
    parameters = {name: st.query_params.get_all(name) for name in st.query_params
                  if name not in (*_NOT_SHARED, "view", "hide")}
    if lecture:
        parameters["view"] = [lecture_view.VIEW]
    if hidden:
        parameters["hide"] = [",".join(hidden)]
    return _address(urllib.parse.urlencode(parameters, doseq=True))


def _address(query: str) -> str:
    page = urllib.parse.urlsplit(st.context.url or "http://localhost:8501/")
    return urllib.parse.urlunsplit((page.scheme, page.netloc, page.path, query, ""))


def _share_panel(page: str, controls: list[str]) -> None:
    st.caption("Tick what the room should not see: hiding only tidies the projector, every "
               "limit still holds. Students who open the link see the lecture's results, "
               "read-only, and can try the settings in their own workspace.")
    shown = lecture_view.hidden_controls()
    columns = st.columns(2)
    hidden = [name for index, name in enumerate(controls)
              if columns[index % 2].checkbox(name, value=name in shown, key=f"share_{name}")]
    link = view_link(hidden)
    st.markdown("**Link** (copy with the button at its right):")
    st.code(link, language=None, wrap_lines=True)
    if st.button("Make a short link", key="share_short", icon=":material/link:"):
        parameters = urllib.parse.parse_qs(urllib.parse.urlsplit(link).query)
        try:
            code = views.save(engine.registry().home, _url_path(link), parameters,
                              keyring.credential())
        except (NotAllowed, ValueError) as refusal:
            st.error(str(refusal))
            return
        st.session_state["share_code"] = code
    if code := st.session_state.get("share_code"):
        st.markdown("**Short link**, to type from the projector:")
        st.code(_address(urllib.parse.urlencode({"v": code})), language=None)
    if st.toggle("Show its QR code", key="share_qr"):  # drawn on request, not every rerun
        st.image(qr_png(link, SCREEN_MODULE_PIXELS), caption="QR code of the link",
                 output_format="PNG")  # Streamlit's "auto" may pick JPEG, which blurs modules


def _url_path(link: str) -> str:
    return urllib.parse.urlsplit(link).path.strip("/").rsplit("/", 1)[-1]


def _projected_code(link: str) -> None:
    code = segno.make(link, error=QR_ERROR, boost_error=False)
    modules = code.symbol_size(scale=1, border=QR_BORDER)[0]
    scale = max(PROJECTED_MODULE_PIXELS, math.ceil(PROJECTED_QR_PIXELS / modules))
    st.image(qr_png(link, scale), width=modules * scale, output_format="PNG")
    st.markdown(f"Or type: `{link}`")


@st.cache_data(max_entries=64, show_spinner=False)  # a projected view reruns with one link
def qr_png(link: str, module_pixels: int) -> bytes:
    """The link as a QR code (error correction M), `module_pixels` per module."""
    buffer = io.BytesIO()
    segno.make(link, error=QR_ERROR, boost_error=False).save(
        buffer, kind="png", scale=module_pixels, border=QR_BORDER)
    return buffer.getvalue()
