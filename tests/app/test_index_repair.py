"""A damaged or deleted run index is rebuilt by the app on its own, and the page says so."""

import os

import pytest
from pages_helpers import open_page, page_path

from mnist_core.models import config, reproduce
from mnist_core.store import Registry


def stored_run(registry, workspace="alice") -> str:
    run_config = config.RunConfig()
    run_id = registry.create(config=run_config.to_dict(), model="mlp", workspace=workspace,
                             seed=0, command=reproduce.command_line(run_config),
                             state="running", pid=1)
    registry.update(run_id, state="done", test_accuracy=0.97, seconds=3.0,
                    history=[{"epoch": 1, "loss": 0.3, "accuracy": 0.9, "val_loss": 0.2,
                              "val_accuracy": 0.95}])
    return run_id


def sidebar_text(app) -> str:
    return "\n".join(element.value for element in [*app.sidebar.info, *app.sidebar.markdown,
                                                    *app.sidebar.caption])


@pytest.mark.parametrize("damage, what", [
    (lambda index: index.write_bytes(os.urandom(100)), "damaged"),
    (lambda index: index.unlink(), "missing"),
])
def test_the_app_rebuilds_a_lost_index_and_says_so(lab_home, damage, what):
    run_id = stored_run(Registry())
    app = open_page(page_path("2_MLP.py"))
    app.query_params["workspace"] = "alice"
    app.run()
    assert not app.exception and run_id in sidebar_text(app)

    damage(lab_home / "registry.sqlite")
    app.run()  # the same server, its registry already open

    assert not app.exception
    notice = next(info.value for info in app.sidebar.info if "rebuilt" in info.value)
    assert f"was {what}" in notice and "recovered: 1" in notice
    assert run_id in sidebar_text(app)  # listed again, from its run file
    assert Registry().get(run_id).test_accuracy == 0.97
