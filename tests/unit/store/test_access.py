"""Who may change a workspace: keys stored as salted hashes, and every write function's check."""

import hashlib
import json
import threading

import pytest

from mnist_core import jobs, sweep
from mnist_core.models import config
from mnist_core.store import TERMINAL, Credential, NotAllowed, Registry, access, archive, keys
from tests.unit.stored_runs import SMALL_MLP, add_finished_run

INSTRUCTOR_KEY = "correct horse battery staple"
QUICK_SWEEP = sweep.SweepSpec(hidden_units=(8,), factors=(0.0, 1e-4), replicates=1, epochs=1,
                              train_size=1000)


@pytest.fixture
def class_home(lab_home):
    """A class home with two students' workspaces, each with a finished run, and the
    lecture's run; returns (registry, {workspace: key})."""
    registry = Registry(lab_home)
    keys.set_instructor_key(lab_home, INSTRUCTOR_KEY)
    held = {name: access.claim(registry, name) for name in ("alice", "bob")}
    held[access.LECTURE] = INSTRUCTOR_KEY
    for workspace in held:
        add_finished_run(registry, workspace)
    return registry, held


def only(workspace: str, key: str) -> Credential:
    return Credential(keys={workspace: key})


def run_of(registry, workspace: str) -> str:
    return next(run.run_id for run in registry.runs() if run.workspace == workspace)


# The stored key files.

def test_an_issued_key_is_stored_as_a_salted_sha256_and_never_in_clear(lab_home):
    key = keys.issue(lab_home, "alice")
    stored = json.loads(keys.key_file(lab_home, "alice").read_text())
    assert len(key) >= 22 and key not in keys.key_file(lab_home, "alice").read_text()
    assert stored["scheme"] == "sha256"
    salt = bytes.fromhex(stored["salt"])
    assert len(salt) == 16
    assert stored["hash"] == hashlib.sha256(salt + key.encode()).hexdigest()
    assert keys.issue(lab_home, "bob") != key  # and another salt, so equal keys hash apart
    assert json.loads(keys.key_file(lab_home, "bob").read_text())["salt"] != stored["salt"]


def test_the_instructor_key_is_stored_with_scrypt(lab_home):
    assert keys.set_instructor_key(lab_home, INSTRUCTOR_KEY)
    stored = json.loads(keys.key_file(lab_home, access.LECTURE).read_text())
    assert stored["scheme"] == "scrypt"
    expected = hashlib.scrypt(INSTRUCTOR_KEY.encode(), salt=bytes.fromhex(stored["salt"]),
                              n=2**14, r=8, p=1, dklen=32).hex()
    assert stored["hash"] == expected
    assert not keys.set_instructor_key(lab_home, INSTRUCTOR_KEY)  # unchanged: not rewritten
    assert keys.set_instructor_key(lab_home, "a new key for a new term")
    assert not keys.matches(lab_home, access.LECTURE, INSTRUCTOR_KEY)


@pytest.mark.parametrize("offered", [None, "", "wrong", "x" * 10_000, 42])
def test_a_wrong_or_odd_key_does_not_match(lab_home, offered):
    keys.issue(lab_home, "alice")
    assert not keys.matches(lab_home, "alice", offered)


def test_a_damaged_key_file_matches_no_key(lab_home):
    key = keys.issue(lab_home, "alice")
    keys.key_file(lab_home, "alice").write_text("{not json")
    assert not keys.matches(lab_home, "alice", key)


def test_a_replaced_key_stops_the_old_one(lab_home):
    old = keys.issue(lab_home, "alice")
    with pytest.raises(keys.WorkspaceTaken):
        keys.issue(lab_home, "alice")
    new = keys.issue(lab_home, "alice", replace=True)
    assert keys.matches(lab_home, "alice", new) and not keys.matches(lab_home, "alice", old)


def test_two_sessions_claiming_one_name_at_once_get_one_key(lab_home):
    registry = Registry(lab_home)
    won, lost = [], []

    def claim():
        try:
            won.append(access.claim(registry, "carol"))
        except keys.WorkspaceTaken:
            lost.append(True)

    threads = [threading.Thread(target=claim) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(won) == 1 and len(lost) == 7
    assert keys.matches(lab_home, "carol", won[0])


@pytest.mark.parametrize("name", ["default", "lecture"])
def test_reserved_names_cannot_be_claimed(lab_home, name):
    with pytest.raises(keys.WorkspaceTaken):
        access.claim(Registry(lab_home), name)


def test_a_workspace_with_runs_but_no_key_cannot_be_claimed(lab_home):
    registry = Registry(lab_home)
    add_finished_run(registry, "old")
    with pytest.raises(keys.WorkspaceTaken, match="already in use"):
        access.claim(registry, "old")


def test_a_repair_keeps_ownership(class_home):
    registry, held = class_home
    from mnist_core.store import repair
    repair(registry.home, jobs.is_process_alive)
    assert keys.matches(registry.home, "alice", held["alice"])
    assert access.is_class_home(registry.home)


# The policy.

def test_outside_a_class_home_everything_is_allowed_as_before(lab_home):
    registry = Registry(lab_home)
    run_id = add_finished_run(registry, "anyone")
    assert access.authorize(lab_home, None, "anyone", access.DELETE) is access.Role.OWN_MACHINE
    registry.delete(run_id)  # no credential, as every caller before keys
    assert not registry.runs()


@pytest.mark.parametrize("action", [access.TRAIN, access.CANCEL, access.DELETE, access.IMPORT])
def test_the_owner_may_do_anything_in_their_workspace(class_home, action):
    registry, held = class_home
    role = access.authorize(registry.home, only("alice", held["alice"]), "alice", action)
    assert role is access.Role.STUDENT


@pytest.mark.parametrize("action", [access.TRAIN, access.CANCEL, access.DELETE, access.IMPORT])
@pytest.mark.parametrize("who", ["no credential", "no key", "a wrong key", "bob's key",
                                 "bob's key as alice's"])
def test_anyone_else_is_refused(class_home, action, who):
    registry, held = class_home
    credential = {"no credential": None, "no key": Credential(),
                  "a wrong key": only("alice", "guess"),
                  "bob's key": only("bob", held["bob"]),
                  "bob's key as alice's": only("alice", held["bob"])}[who]
    with pytest.raises(NotAllowed, match="only a session holding its key"):
        access.authorize(registry.home, credential, "alice", action)


def test_a_students_key_cannot_change_the_lecture(class_home):
    registry, held = class_home
    with pytest.raises(NotAllowed):
        access.authorize(registry.home, only("alice", held["alice"]), access.LECTURE,
                         access.DELETE)


def test_the_instructor_may_cancel_any_job_but_not_change_a_students_work(class_home):
    registry, held = class_home
    instructor = only(access.LECTURE, INSTRUCTOR_KEY)
    assert access.authorize(registry.home, instructor, access.LECTURE,
                            access.DELETE) is access.Role.INSTRUCTOR
    assert access.authorize(registry.home, instructor, "alice",
                            access.CANCEL) is access.Role.INSTRUCTOR
    for action in (access.TRAIN, access.DELETE, access.IMPORT):
        with pytest.raises(NotAllowed):
            access.authorize(registry.home, instructor, "alice", action)


def test_the_terminal_is_trusted_everywhere(class_home):
    registry, _ = class_home
    for workspace in ("alice", access.LECTURE, "keyless"):
        assert access.authorize(registry.home, TERMINAL, workspace,
                                access.DELETE) is access.Role.TERMINAL


def test_a_workspace_made_before_keys_is_read_only_and_says_how_to_get_one(class_home):
    registry, held = class_home
    with pytest.raises(NotAllowed, match="workspace key old"):
        access.authorize(registry.home, only("alice", held["alice"]), "old", access.TRAIN)


# Every write function checks the credential it is given.

def test_delete_refuses_another_students_key_and_keeps_the_run(class_home):
    registry, held = class_home
    bobs = run_of(registry, "bob")
    for target in (bobs, run_of(registry, access.LECTURE)):
        with pytest.raises(NotAllowed):
            registry.delete(target, only("alice", held["alice"]))
        with pytest.raises(NotAllowed):
            registry.delete(target)  # a caller that forgot its credential
        assert registry.get(target).state == "done"
        assert registry.run_file(target).exists()
    registry.delete(bobs, only("bob", held["bob"]))
    assert bobs not in {run.run_id for run in registry.runs()}


def test_submit_and_cancel_check_the_key(class_home):
    registry, held = class_home
    with pytest.raises(NotAllowed):
        jobs.submit(registry, SMALL_MLP, "bob", only("alice", held["alice"]))
    run_id = jobs.submit(registry, SMALL_MLP, "bob", only("bob", held["bob"]))
    with pytest.raises(NotAllowed):
        registry.request_cancel(run_id, only("alice", held["alice"]))
    assert registry.get(run_id).state == "queued"
    registry.request_cancel(run_id, only(access.LECTURE, INSTRUCTOR_KEY))  # the instructor
    assert registry.get(run_id).state == "cancelled"


def test_sweeps_check_the_key_to_submit_cancel_resume_and_delete(class_home):
    registry, held = class_home
    alice, bob = only("alice", held["alice"]), only("bob", held["bob"])
    with pytest.raises(NotAllowed):
        sweep.submit(registry, QUICK_SWEEP, "bob", alice)
    sweep_id = sweep.submit(registry, QUICK_SWEEP, "bob", bob)
    with pytest.raises(NotAllowed):
        sweep.cancel(registry, sweep_id, alice)
    sweep.cancel(registry, sweep_id, bob)
    with pytest.raises(NotAllowed):
        sweep.resume(registry, sweep_id, alice)
    with pytest.raises(NotAllowed):
        registry.delete_sweep(sweep_id, alice)
    assert registry.get_sweep(sweep_id).state == "cancelled"
    registry.delete_sweep(sweep_id, bob)
    assert not registry.sweeps()


def test_import_checks_the_key_of_the_workspace_it_writes_to(class_home, tmp_path):
    registry, held = class_home
    zip_path = tmp_path / "bob.zip"
    archive.export_workspace(registry, "bob", zip_path)
    before = len(registry.runs())
    for target, credential in ((None, only("alice", held["alice"])),   # into bob, by alice
                               ("bob", only("alice", held["alice"])),
                               (access.LECTURE, only("alice", held["alice"]))):
        with pytest.raises(NotAllowed):
            archive.import_workspace(registry, zip_path, target, credential)
    assert len(registry.runs()) == before
    assert not list(registry.home.glob(".importing-*"))  # its staging folder went too
    result = archive.import_workspace(registry, zip_path, "alice", only("alice", held["alice"]))
    assert result == {"imported": 1, "workspace": "alice"}


# Limits for a class.

def test_a_students_job_size_is_capped_but_the_instructors_is_not(class_home):
    registry, held = class_home
    huge = config.RunConfig(model=config.MlpConfig(hidden_units=(64,)),
                            training=config.TrainConfig(epochs=31))  # 31 × 55,000 images
    with pytest.raises(jobs.JobTooLarge, match="1,705,000 images"):
        jobs.submit(registry, huge, "alice", only("alice", held["alice"]))
    wide = config.RunConfig(model=config.MlpConfig(hidden_units=(4000,)),
                            training=config.TrainConfig(epochs=1, train_size=1000))
    with pytest.raises(jobs.JobTooLarge, match="parameters"):
        jobs.submit(registry, wide, "alice", only("alice", held["alice"]))
    jobs.submit(registry, huge, access.LECTURE, only(access.LECTURE, INSTRUCTOR_KEY))


def test_the_full_sweep_is_the_instructors_setting(class_home):
    from mnist_core.store import class_settings
    registry, held = class_home
    alice = only("alice", held["alice"])
    full = sweep.SweepSpec()  # 5 factors × 3 replicates × 40 epochs on every image
    with pytest.raises(jobs.JobTooLarge):
        sweep.submit(registry, full, "alice", alice)
    with pytest.raises(NotAllowed):
        class_settings.write(registry.home, class_settings.ClassSettings(True), alice)
    class_settings.write(registry.home, class_settings.ClassSettings(True),
                         only(access.LECTURE, INSTRUCTOR_KEY))
    assert sweep.submit(registry, full, "alice", alice)


def test_the_class_queue_has_a_cap_with_a_clear_message(class_home, monkeypatch):
    registry, held = class_home
    monkeypatch.setattr(jobs.limits, "MAX_QUEUED_IN_CLASS", 2)
    small = config.RunConfig(model=config.MlpConfig(hidden_units=(8,)),
                             training=config.TrainConfig(epochs=1, train_size=1000))
    jobs.submit(registry, small, "alice", only("alice", held["alice"]))
    jobs.submit(registry, small, "alice", only("alice", held["alice"]))
    with pytest.raises(jobs.QueueFull, match="class's queue is full"):
        jobs.submit(registry, small, "bob", only("bob", held["bob"]))
    # The instructor still gets in: the lecture never waits behind a full class.
    jobs.submit(registry, small, access.LECTURE, only(access.LECTURE, INSTRUCTOR_KEY))
