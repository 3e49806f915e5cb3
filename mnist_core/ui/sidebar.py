"""The sidebar every page shows: the menu, the workspace (and on a class server whose it is,
and the instructor's class panel), its runs, their zip out and in, where the data came from."""

import streamlit as st

from mnist_core import data
from mnist_core.data import explore
from mnist_core.ui import engine, keyring, lecture_view, loaders, sharing, url_state
from mnist_core.ui.class_panel import class_panel, record_presence
from mnist_core.ui.contents import PAGES
from mnist_core.ui.run_list import run_list
from mnist_core.ui.workspace import workspace_field
from mnist_core.ui.workspace_archive import workspace_download, workspace_import

HOME = "streamlit_app.py"  # the entry point; st.page_link paths are relative to its folder


def sidebar() -> str:
    """Draw the shared sidebar and return the workspace name.

    Stops the page with the reason when no MNIST can be found.
    """
    engine.ensure_index()
    try:
        engine.is_class_server()  # stores a configured instructor key, once per server
    except ValueError as error:
        st.error(f"This server cannot serve a class: {error}.", icon=":material/key_off:")
        st.stop()
    lecture_view.apply_view()
    sharing.reserve()
    with st.sidebar:
        menu_slot = st.container()  # on top, but drawn once the workspace is known
        workspace = workspace_field()
        record_presence(workspace)
        with menu_slot:
            menu(workspace)
            url_state.copy_link_button()
        class_panel()
        try:
            mnist = loaders.mnist()
        except data.DataError as error:
            st.error(str(error))
            st.stop()
        if notice := st.session_state.get(engine.REPAIR_NOTICE):
            st.info(notice, icon=":material/build:")
        run_list(workspace)
        workspace_download(workspace)
        workspace_import(workspace)
        data_source_panel(mnist)
        if engine.is_class_server():
            keyring.remember_in_browser()
    return workspace


def menu(workspace: str) -> None:
    """Links to Home and every page (Streamlit's own menu, off in config.toml, would call Home
    "streamlit app"); each link opens its page in this workspace and view."""
    in_workspace = {**url_state.kept(), "workspace": workspace}
    st.page_link(HOME, label="Home", icon=":material/home:", query_params=in_workspace)
    for page in PAGES:
        st.page_link(page.path, label=page.title, icon=page.icon, query_params=in_workspace)


def data_source_panel(mnist: data.Mnist) -> None:
    """Which data set this is, a warning when it is only a subset, and rejected sources."""
    st.subheader("Data")
    st.markdown(explore.source_summary(mnist))
    st.caption(f"Loaded from {mnist.source}")
    if mnist.is_subset:
        st.warning(
            "This is only a subset of MNIST, so accuracies will be lower than with the full "
            "set. To use the full set, start the lab with `MNIST_NPZ=/path/to/mnist.npz`, or "
            "run it once online (without `MNIST_LAB_OFFLINE=1`): it then downloads MNIST "
            f"into the Keras cache at `{data.keras_cache_path()}`.",
            icon=":material/warning:",
        )
    if mnist.problems:
        with st.expander(f"Sources tried and rejected ({len(mnist.problems)})"):
            st.markdown("\n".join(f"- {problem}" for problem in mnist.problems))
