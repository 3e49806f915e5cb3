"""The current workspace as a zip to download (store.archive), built only when clicked, and a
zip to import into it."""

import tempfile
from pathlib import Path

import streamlit as st

from mnist_core.store import DiskFull, NotAllowed, Registry, RunError, archive
from mnist_core.ui import engine, keyring

# Megabytes: a workspace's zip holds its models (server.maxUploadSize in config.toml is this
# too; photos have their own 2 MB). archive refuses more than 500 MB unpacked either way.
MAX_ZIP_MB = 200


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


def workspace_import(workspace: str) -> None:
    """Add an exported zip's runs and sweeps to this workspace as new runs (new ids), so a
    zip of this very workspace can come back too. Only a session holding its key sees it."""
    if not keyring.holds(workspace):
        return
    with st.popover("Import runs from a zip", icon=":material/upload:", width="stretch"):
        upload = st.file_uploader(f"A workspace zip (up to {MAX_ZIP_MB} MB)", type="zip",
                                  max_upload_size=MAX_ZIP_MB, key="sidebar_import_zip")
        if upload is None or not st.button(f"Import into {workspace}", key="sidebar_import"):
            return
        if upload.size > MAX_ZIP_MB * 2**20:
            st.error(f"Nothing was imported: {upload.name} is larger than {MAX_ZIP_MB} MB.")
            return
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "upload.zip"
            path.write_bytes(upload.getvalue())
            try:
                result = archive.import_workspace(engine.registry(), path, workspace,
                                                  keyring.credential())
            except (ValueError, NotAllowed, RunError, DiskFull) as error:  # the zip stays out
                st.error(f"Nothing was imported: {error}", icon=":material/block:")
                return
        st.success(f"Imported {result['imported']} runs and sweeps into {workspace}.")
