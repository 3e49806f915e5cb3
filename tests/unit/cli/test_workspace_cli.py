"""`python -m mnist_core export` and `import`: real subprocesses, the last stdout line as JSON."""

import zipfile

from mnist_core.models import config
from mnist_core.store import Registry
from tests.unit.cli.test_cli import lab, last_json


def add_run(workspace: str) -> str:
    return Registry().create(config=config.RunConfig().to_dict(), model="mlp",
                             workspace=workspace, seed=0, command="python -m mnist_core train mlp",
                             state="done")


def assert_one_line_error(result, words: str) -> None:
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert words in result.stderr


def test_a_workspace_goes_to_another_lab_and_back_as_new_runs(tmp_path, monkeypatch):
    alices = sorted([add_run("alice"), add_run("alice")])
    add_run("bob")
    out = tmp_path / "alice.zip"

    exported = lab("export", "--workspace", "alice", str(out), "--json")

    assert exported.returncode == 0, exported.stderr
    assert last_json(exported) == {"path": str(out), "runs": 2, "sweeps": 0}
    assert len(zipfile.ZipFile(out).namelist()) == 2
    assert "(runs: 2, sweeps: 0)" in lab("export", "--workspace", "alice", str(out)).stdout

    monkeypatch.setenv("MNIST_LAB_HOME", str(tmp_path / "lecture_machine"))
    imported = lab("import", str(out), "--json")
    assert imported.returncode == 0, imported.stderr
    assert last_json(imported) == {"imported": 2, "workspace": "alice"}
    listed = last_json(lab("runs", "--json"))["runs"]
    assert sorted(run["run_id"] for run in listed) == alices

    again = lab("import", str(out))
    assert_one_line_error(again, "--workspace NEW")
    assert alices[0] in again.stderr

    copied = lab("import", str(out), "--workspace", "alice2", "--json")
    assert last_json(copied) == {"imported": 2, "workspace": "alice2"}
    assert len(last_json(lab("runs", "--workspace", "alice2", "--json"))["runs"]) == 2


def test_a_bad_zip_is_one_line_and_exit_status_2(tmp_path):
    bad = tmp_path / "homework.zip"
    bad.write_bytes(b"not a zip at all")

    assert_one_line_error(lab("import", str(bad), "--json"), "is not a zip this lab can read")


def test_an_empty_workspace_or_a_bad_name_is_refused(tmp_path):
    out = str(tmp_path / "nothing.zip")
    assert_one_line_error(lab("export", "--workspace", "nobody", out), "has no runs or sweeps")
    assert_one_line_error(lab("export", "--workspace", "no/such", out), "workspace name")
    assert_one_line_error(lab("export", out), "--workspace")  # a usage error: required


def test_workspace_key_issues_a_key_and_its_personal_link(lab_home):
    from mnist_core.store import keys

    first = last_json(lab("workspace", "key", "old", "--url", "http://lab.example:8501/",
                          "--json"))
    assert first["workspace"] == "old"
    assert first["link"] == f"http://lab.example:8501/?workspace=old&key={first['key']}"
    assert keys.matches(lab_home, "old", first["key"])
    again = last_json(lab("workspace", "key", "old", "--json"))  # a lost key, replaced
    assert keys.matches(lab_home, "old", again["key"])
    assert not keys.matches(lab_home, "old", first["key"])


def test_workspace_key_refuses_the_lecture_whose_key_is_the_instructors(lab_home):
    assert_one_line_error(lab("workspace", "key", "lecture"), "instructor key")
    assert_one_line_error(lab("workspace", "key", "../x"), "must be 1 to 40")


def test_the_cli_still_writes_to_the_lecture_and_deletes_in_a_class_home(lab_home):
    from mnist_core.store import keys

    keys.set_instructor_key(lab_home, "the instructor's key")
    run_id = add_run("lecture")
    other = add_run("someone")
    assert lab("delete", run_id).returncode == 0
    assert lab("delete", other).returncode == 0
    assert not Registry().runs()
