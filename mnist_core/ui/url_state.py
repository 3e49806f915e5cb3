"""Every setting of a page in its URL, so a copied address bar opens the same view.

Widgets are bound with Streamlit's own `bind="query-params"` (the widget's key is the
parameter's name). A bound widget drops a value it cannot take without a word, so each page
first checks the raw `st.query_params` against its Params here and says which parameters it
ignored and why. Values are length-limited before they are parsed, and nothing from the URL
is rendered as markup: the notice names only this page's own parameters.
"""

import dataclasses
import math
import re
from collections.abc import Callable, Sequence

import streamlit as st
from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx

from mnist_core.ui import sharing

MAX_VALUE_LENGTH = 200  # characters; anything longer is refused unread
# Parameters every page keeps (they survive page switches) or that another module reads.
SHARED = ("workspace", "view", "hide", "key", "v")
_READABLE_NAME = re.compile(r"^[a-z0-9_]{1,30}$")
_NOTICE = "lab_url_notice"  # page -> the notice its link earned, shown until the session ends
_PAGE = "lab_url_page"  # the page whose settings the session's widget state holds


@dataclasses.dataclass(frozen=True)
class Param:
    """One URL parameter, bound to the widget whose key is `name`. `problem(raw)` says why a
    raw value is not one the widget can take, or None when it is."""

    name: str
    problem: Callable[[str], str | None]
    repeated: bool = False  # a multiselect: ?models=a&models=b
    format_func: Callable = str  # a selection widget's, which also writes its URL values

    @property
    def widget(self) -> dict:
        """The widget arguments that bind it: `st.slider(..., **EPOCHS.widget)`."""
        return {"key": self.name, "bind": "query-params"}


def integer(name: str, low: int, high: int) -> Param:
    return _ranged(name, low, high, int, "not a whole number")


def number(name: str, low: float, high: float) -> Param:
    return _ranged(name, low, high, float, "not a number")


def _ranged(name: str, low, high, parse: Callable, wrong_type: str) -> Param:
    def problem(raw: str) -> str | None:
        try:
            value = parse(raw)
        except ValueError:
            return wrong_type
        if not math.isfinite(value):
            return "not a finite number"
        return None if low <= value <= high else f"out of range: {_shown(low)} to {_shown(high)}"

    return Param(name, problem)


def _shown(bound) -> str:
    return f"{bound:,}" if isinstance(bound, int) else f"{bound:g}"


def choice(name: str, options: Sequence, format_func: Callable = str,
           repeated: bool = False) -> Param:
    """One of `options` as the widget writes it to the URL: as the widget shows it (its
    format_func), which is how Streamlit binds selection widgets."""
    allowed = {format_func(option) for option in options}

    def problem(raw: str) -> str | None:
        return None if raw in allowed else "not one of the offered options"

    return Param(name, problem, repeated, format_func)


def flag(name: str) -> Param:
    return choice(name, ("true", "false"))


def text(name: str, max_length: int) -> Param:
    def problem(raw: str) -> str | None:
        return None if len(raw) <= max_length else f"longer than {max_length} characters"

    return Param(name, problem)


def check(page: str, params: Sequence[Param]) -> None:
    """Before the page's widgets are drawn: a notice naming each URL parameter it ignores.

    Parameters it ignores are taken out of the URL. The notice stays on the page for the
    rest of the session.
    """
    own = {param.name: param for param in params}
    if st.session_state.get(_PAGE) != page:
        # Pages share readable names (epochs, lr): a value left by another page's widget
        # would otherwise become this page's. This page starts from its own URL.
        for name in own:
            st.session_state.pop(name, None)
        st.session_state[_PAGE] = page
    problems = []
    for name in list(st.query_params):
        if name in SHARED:
            continue
        if name not in own:
            shown = f"`{name}`" if _READABLE_NAME.match(name) else "a parameter"
            problems.append(f"{shown} (not a setting of this page)")
            del st.query_params[name]
            continue
        param = own[name]
        values = st.query_params.get_all(name) if param.repeated else [st.query_params[name]]
        reasons = {_problem(param, raw) for raw in values} - {None}
        if reasons:
            problems += [f"`{name}` ({reason})" for reason in sorted(reasons)]
            del st.query_params[name]
    if problems:
        _forget_removed_values()
        st.session_state.setdefault(_NOTICE, {})[page] = (
            "Some settings in this link were ignored, and their defaults used instead: "
            + "; ".join(problems) + ".")
    if notice := st.session_state.get(_NOTICE, {}).get(page):
        st.warning(notice, icon=":material/link_off:")
    sharing.offer(page, list(own))


def _forget_removed_values() -> None:
    """Bound widgets seed themselves from the URL as the page was loaded, not from
    st.query_params; Streamlit 1.67 raises (OverflowError) instead of dropping `inf` for a
    whole-number input. So the values removed above must leave that snapshot too, through
    the one internal call that sets it from the current parameters (as Streamlit itself
    does after a page switch)."""
    context = get_script_run_ctx()
    if context is not None:
        with context.session_state.query_params() as query_params:
            query_params.set_initial_query_params_from_current()


def _problem(param: Param, raw: str) -> str | None:
    if len(raw) > MAX_VALUE_LENGTH:
        return f"longer than {MAX_VALUE_LENGTH} characters"
    return param.problem(raw)


def kept() -> dict[str, str]:
    """The parameters a page switch carries over: the workspace, the view, hidden controls."""
    return {name: st.query_params[name] for name in ("workspace", "view", "hide")
            if name in st.query_params and len(st.query_params[name]) <= MAX_VALUE_LENGTH}


# Copies the address bar as it is (every bound setting is already in it), without a key in
# case one is still there. navigator.clipboard needs HTTPS or localhost; a class server on
# plain HTTP falls back to the older copy command.
_COPY_LINK = """
<button id="lab-copy-link" type="button" style="font: inherit; color: inherit;
  background: transparent; border: 1px solid rgba(128, 128, 128, 0.4); border-radius: 0.5rem;
  padding: 0.25rem 0.75rem; cursor: pointer; width: 100%;">Copy link to this view</button>
<script>
(() => {
  const button = document.getElementById("lab-copy-link");
  if (!button || button.dataset.ready) return;
  button.dataset.ready = "yes";
  button.addEventListener("click", async () => {
    const link = new URL(window.location.href);
    link.searchParams.delete("key");
    const text = link.toString();
    try {
      await navigator.clipboard.writeText(text);
    } catch (refused) {
      const area = document.createElement("textarea");
      area.value = text;
      document.body.appendChild(area);
      area.select();
      document.execCommand("copy");
      area.remove();
    }
    window.labCopiedLink = text;
    button.textContent = "Copied: paste it anywhere";
    setTimeout(() => { button.textContent = "Copy link to this view"; }, 2500);
  });
})();
</script>
"""


def copy_link_button() -> None:
    """A button that copies this view's link: page, workspace and every bound setting."""
    st.html(_COPY_LINK, unsafe_allow_javascript=True)
