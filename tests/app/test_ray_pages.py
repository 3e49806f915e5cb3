"""The MLP page on a real Ray cluster: Train queues the run, the dispatcher trains it there,
and the page shows where (marked ray: a loopback-only network namespace)."""

import sys

import pytest
from pages_helpers import open_page, page_path, page_text, train_button, wait_until_finished

from mnist_core.store import Registry

pytestmark = pytest.mark.ray


def test_the_mlp_page_trains_on_the_cluster_and_says_so(ray_head, monkeypatch):
    monkeypatch.setenv("MNIST_LAB_EXECUTOR", "ray")
    monkeypatch.setenv("RAY_ADDRESS", ray_head.address)
    app = open_page(page_path("2_MLP.py"))
    app.query_params["workspace"] = "alice"
    app.run()
    app.slider(key="epochs").set_value(1)
    app.radio(key="train").set_value("1,000")
    app.run()
    train_button(app).click().run()
    assert not app.exception
    assert wait_until_finished(app, "mlp_run_id") == "done"
    assert not app.exception
    run = Registry().get(app.session_state["mlp_run_id"])
    assert run.versions["node"].startswith("127.")
    assert f"finished 1 epochs in {run.seconds:.1f} s on node {run.versions['node']}" in \
        page_text(app)
    assert any(metric.label == "Test accuracy" for metric in app.metric)
    assert "ray" not in sys.modules  # the page's process never imports Ray
