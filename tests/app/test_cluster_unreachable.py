"""A server told to train on a Ray cluster that is not there: the page still works, the
run waits queued, and the page says why. No cluster is needed: the dispatcher finds nothing
listening at the address (on loopback) and says so in the lab home."""

import socket
import sys
import time

from pages_helpers import open_page, page_path, page_text, train_button

from mnist_core.store import Registry, cluster_status

STATUS_SECONDS = 120  # the dispatcher imports TensorFlow's data layer first


def test_an_unreachable_cluster_keeps_the_run_queued_with_a_note(monkeypatch):
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        address = f"127.0.0.1:{probe.getsockname()[1]}"
    monkeypatch.setenv("MNIST_LAB_EXECUTOR", "ray")
    monkeypatch.setenv("RAY_ADDRESS", address)
    app = open_page(page_path("2_MLP.py"))
    app.query_params["workspace"] = "alice"
    app.run()
    app.radio(key="train").set_value("1,000")
    train_button(app).click().run()
    assert not app.exception
    run_id = app.session_state["mlp_run_id"]
    assert f"Connecting to the Ray cluster at {address}" in page_text(app)

    deadline = time.monotonic() + STATUS_SECONDS
    while cluster_status.read(Registry().home) is None and time.monotonic() < deadline:
        time.sleep(0.5)
    app.run()
    assert not app.exception
    assert "Training waits for the Ray cluster, since" in page_text(app)
    assert f"the Ray cluster at {address} cannot be reached: nothing answers there" in \
        page_text(app)
    assert "Queued jobs stay queued and start when it is back" in page_text(app)
    assert Registry().get(run_id).state == "queued"
    app.switch_page(page_path("1_Data_and_preprocessing.py")).run()  # other pages still work
    assert not app.exception
    assert "ray" not in sys.modules
