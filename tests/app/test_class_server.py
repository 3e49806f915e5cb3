"""A class server in AppTest: workspaces of their own, read-only elsewhere, the instructor.

(The cookie that keeps a key across reloads is a browser's: tests/e2e/test_class_browser.py.)
"""

import gc

import pytest

from mnist_core import jobs
from mnist_core.store import Credential, Registry, access, keys
from tests.app.pages_helpers import open_page, page_path, page_text
from tests.unit.stored_runs import SMALL_MLP, add_finished_run

INSTRUCTOR_KEY = "lecture-hall-key-2026"
MLP_PAGE = page_path("2_MLP.py")


@pytest.fixture(autouse=True)
def class_server(monkeypatch):
    monkeypatch.setenv("MNIST_LAB_INSTRUCTOR_KEY", INSTRUCTOR_KEY)


def open_mlp(**query):
    app = open_page(MLP_PAGE)
    app.query_params.update(query)
    return app.run()


def labels(elements) -> list[str]:
    return [element.label for element in elements]


def workspace_of(app) -> str:
    return next(field.value for field in app.sidebar.text_input if field.label == "Workspace")


def test_a_new_session_gets_a_workspace_of_its_own_with_its_key():
    app = open_mlp()
    assert not app.exception
    workspace = workspace_of(app)
    assert workspace not in access.RESERVED and jobs.WORKSPACE_PATTERN.match(workspace)
    assert app.query_params["workspace"] == workspace
    assert "Train" in labels(app.button)
    link = next(code.value for code in app.sidebar.code if "key=" in code.value)
    key = link.split("key=")[1]
    assert keys.matches(Registry().home, workspace, key)
    assert "Your workspace key" in labels(app.sidebar.expander)
    other = open_mlp()
    assert workspace_of(other) != workspace  # another browser: another workspace


def test_the_lecture_is_read_only_for_a_student():
    registry = Registry()
    add_finished_run(registry, access.LECTURE)
    app = open_mlp(workspace="lecture")
    assert not app.exception
    assert "Train" not in labels(app.button)
    assert "Delete" not in labels(app.sidebar.button)
    assert any("Read-only" in info.value and "instructor" in info.value
               for info in app.sidebar.info)
    assert "not your workspace" in page_text(app)


def test_a_personal_link_restores_the_key_and_leaves_the_address_bar():
    key = open_mlp()  # a student's first device makes the workspace
    workspace = workspace_of(key)
    link_key = next(code.value for code in key.sidebar.code if "key=" in code.value).split(
        "key=")[1]
    other_device = open_mlp(workspace=workspace, key=link_key)
    assert not other_device.exception
    assert "key" not in other_device.query_params
    assert "Train" in labels(other_device.button)


def test_a_wrong_key_in_a_link_is_refused_and_said(lab_home):
    registry = Registry()
    access.claim(registry, "alice")
    add_finished_run(registry, "alice")
    app = open_mlp(workspace="alice", key="not-the-key")
    assert "key" not in app.query_params
    assert "Train" not in labels(app.button)
    assert "Delete" not in labels(app.sidebar.button)
    assert any("not the key of 'alice'" in warning.value for warning in app.sidebar.warning)


def test_the_instructor_key_opens_the_lecture_and_the_class_panel():
    registry = Registry()
    add_finished_run(registry, access.LECTURE)
    bobs_key = access.claim(registry, "bob")
    queued = jobs.submit(registry, SMALL_MLP, "bob", Credential(keys={"bob": bobs_key}))
    app = open_mlp(workspace="lecture", key=INSTRUCTOR_KEY)
    assert not app.exception
    assert "Train" in labels(app.button)
    assert "Delete" in labels(app.sidebar.button)
    assert "Class" in labels(app.sidebar.expander)
    assert any("bob · MLP · queued" in caption.value for caption in app.sidebar.caption)
    next(button for button in app.sidebar.button
         if button.key == f"class_cancel_{queued}").click().run()
    assert registry.get(queued).state == "cancelled"


def test_a_student_has_no_class_panel():
    app = open_mlp()
    assert "Class" not in labels(app.sidebar.expander)


def test_typing_a_new_name_claims_it_and_an_others_name_is_read_only():
    registry = Registry()
    access.claim(registry, "bob")
    app = open_mlp()
    field = next(field for field in app.sidebar.text_input if field.label == "Workspace")
    field.set_value("my-own").run()
    assert workspace_of(app) == "my-own"
    assert keys.has_key(registry.home, "my-own")
    assert "Train" in labels(app.button)
    field = next(field for field in app.sidebar.text_input if field.label == "Workspace")
    field.set_value("bob").run()
    assert workspace_of(app) == "bob"
    assert "Train" not in labels(app.button)
    field = next(field for field in app.sidebar.text_input if field.label == "Workspace")
    field.set_value("my-own").run()  # the session kept its key
    assert "Train" in labels(app.button)


def test_a_workspace_made_before_keys_is_read_only_with_the_reason():
    registry = Registry()
    add_finished_run(registry, "old")
    app = open_mlp(workspace="old")
    assert "Train" not in labels(app.button)
    assert not keys.has_key(registry.home, "old")  # opening it did not claim it
    assert any("made before workspaces had keys" in info.value for info in app.sidebar.info)


def test_the_import_is_offered_only_in_ones_own_workspace():
    zip_upload = "A workspace zip (up to 200 MB)"
    mine = open_mlp()
    assert zip_upload in labels(mine.sidebar.get("file_uploader"))
    registry = Registry()
    access.claim(registry, "bob")
    theirs = open_mlp(workspace="bob")
    assert zip_upload not in labels(theirs.sidebar.get("file_uploader"))


def test_a_short_instructor_key_is_refused_with_a_reason(monkeypatch):
    monkeypatch.setenv("MNIST_LAB_INSTRUCTOR_KEY", "short")
    app = open_mlp()
    assert not app.exception
    assert any("at least 8 characters" in error.value for error in app.error)


def test_the_instructor_key_can_come_from_secrets(monkeypatch):
    monkeypatch.delenv("MNIST_LAB_INSTRUCTOR_KEY")
    app = open_page(MLP_PAGE)
    app.secrets["instructor_key"] = INSTRUCTOR_KEY
    app.query_params.update(workspace="lecture", key=INSTRUCTOR_KEY)
    app.run()
    assert "Train" in labels(app.button)
    assert keys.matches(Registry().home, access.LECTURE, INSTRUCTOR_KEY)


def test_a_zip_imported_in_the_sidebar_lands_in_ones_own_workspace(tmp_path):
    from mnist_core.store import archive

    registry = Registry()
    add_finished_run(registry, "bob")
    zip_path = tmp_path / "bob.zip"
    archive.export_workspace(registry, "bob", zip_path)
    app = open_mlp()
    mine = workspace_of(app)
    uploader = next(uploader for uploader in app.sidebar.get("file_uploader")
                    if uploader.label.startswith("A workspace zip"))
    uploader.set_value(("bob.zip", zip_path.read_bytes(), "application/zip")).run()
    next(button for button in app.sidebar.button if button.key == "sidebar_import").click().run()
    assert not app.exception
    assert any("Imported 1 runs" in success.value for success in app.sidebar.success)
    assert [run.workspace for run in registry.runs()].count(mine) == 1
    uploader = next(uploader for uploader in app.sidebar.get("file_uploader")
                    if uploader.label.startswith("A workspace zip"))
    uploader.set_value(("junk.zip", b"not a zip at all", "application/zip")).run()
    next(button for button in app.sidebar.button if button.key == "sidebar_import").click().run()
    assert any("Nothing was imported" in error.value for error in app.sidebar.error)
    assert len(registry.runs()) == 2


def test_a_class_server_freezes_its_long_lived_objects_once(monkeypatch):
    frozen = []
    monkeypatch.setattr(gc, "freeze", lambda: frozen.append(True))
    assert not open_mlp().exception
    assert not open_mlp().exception
    assert frozen == [True]  # once for the server, not per run


def test_a_students_own_machine_is_not_tuned(monkeypatch):
    monkeypatch.delenv("MNIST_LAB_INSTRUCTOR_KEY")
    frozen = []
    monkeypatch.setattr(gc, "freeze", lambda: frozen.append(True))
    assert not open_mlp().exception
    assert frozen == []
