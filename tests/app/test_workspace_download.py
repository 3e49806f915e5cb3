"""AppTest of the sidebar's workspace download: offered with the runs, a zip of only them."""

import io
import zipfile

from pages_helpers import open_page

from mnist_core.models import config
from mnist_core.store import LECTURE_WORKSPACE, Registry

LABEL = "Download this workspace (.zip)"


def add_run(workspace: str) -> str:
    return Registry().create(config=config.RunConfig().to_dict(), model="mlp",
                             workspace=workspace, seed=0, command="python -m mnist_core train mlp",
                             state="done")


def open_home(workspace: str):
    app = open_page("streamlit_app.py")
    app.query_params["workspace"] = workspace
    return app.run()


def test_the_sidebar_offers_the_workspace_as_a_zip_of_its_own_runs(deferred_downloads):
    mine = {add_run("alice"), add_run("alice")}
    others = {add_run("bob"), add_run(LECTURE_WORKSPACE)}  # the lecture's is listed, not zipped

    app = open_home("alice")

    assert not app.exception
    button = app.sidebar.download_button(key="sidebar_workspace_zip")
    assert button.label == LABEL and not button.proto.disabled
    assert set(deferred_downloads) == {"mnist-lab-alice.zip"}
    zipped = zipfile.ZipFile(io.BytesIO(deferred_downloads["mnist-lab-alice.zip"]()))
    assert sorted(zipped.namelist()) == sorted(f"runs/{run_id}/run.json" for run_id in mine)
    assert not any(run_id in name for run_id in others for name in zipped.namelist())


def test_a_workspace_without_runs_has_nothing_to_download(deferred_downloads):
    add_run(LECTURE_WORKSPACE)

    app = open_home("alice")

    assert not app.exception
    assert app.sidebar.download_button(key="sidebar_workspace_zip").proto.disabled
    assert deferred_downloads == {}
