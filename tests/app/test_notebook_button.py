"""AppTest of the results panel's notebook download: offered for a done run, built only when
clicked, and what it serves is the run's notebook."""

import nbformat
from pages_helpers import open_page, page_path

from mnist_core import notebook
from mnist_core.store import Registry
from mnist_core.ui.notebook_download import LABEL
from tests.unit.stored_runs import add_finished_run, small_model


def test_a_done_runs_results_offer_it_as_a_notebook(deferred_downloads, monkeypatch):
    run_id = add_finished_run(Registry(), "alice", model=small_model())
    builds = []
    build = notebook.builder.build
    monkeypatch.setattr(notebook.builder, "build", lambda run: builds.append(run) or build(run))
    app = open_page(page_path("2_MLP.py"))
    app.query_params["workspace"] = "alice"
    app.session_state["mlp_run_id"] = run_id

    app.run()

    assert not app.exception
    button = app.download_button(key=f"results_notebook_{run_id}")
    assert button.label == LABEL and not button.proto.disabled
    assert builds == []  # drawing the button built nothing
    served = nbformat.reads(deferred_downloads[f"mnist-run-{run_id}.ipynb"](), as_version=4)
    nbformat.validate(served)
    assert len(builds) == 1  # built on the click
    expected = notebook.build(Registry().get(run_id))
    assert ([(cell.cell_type, cell.source) for cell in served.cells]
            == [(cell.cell_type, cell.source) for cell in expected.cells])
