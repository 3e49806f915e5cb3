"""The current workspace as a zip to download (store.archive), built only when clicked."""

import tempfile
from pathlib import Path

import streamlit as st

from mnist_core.store import Registry, archive
from mnist_core.ui import engine


def workspace_download(workspace: str) -> None:
    """Disabled while the workspace has no runs or sweeps of its own."""
    registry = engine.registry()
    runs, sweeps = archive.workspace_contents(registry, workspace)
    st.download_button(
        "Download this workspace (.zip)", data=lambda: workspace_zip(registry, workspace),
        file_name=f"mnist-lab-{workspace}.zip", mime="application/zip",
        key="sidebar_workspace_zip", disabled=not (runs or sweeps), icon=":material/download:",
        help="Its own runs and sweeps (not the lecture's), with their settings, curves and "
             "models: to take home, hand in, or add to another lab with "
             "`python -m mnist_core import FILE`.")


def workspace_zip(registry: Registry, workspace: str) -> bytes:
    """The zip's bytes; Streamlit calls this on its own thread, so it takes the registry."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "workspace.zip"
        archive.export_workspace(registry, workspace, path)
        return path.read_bytes()
