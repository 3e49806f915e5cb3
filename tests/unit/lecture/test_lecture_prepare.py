"""lecture.prepare in this process, with a tiny pack: what is done is kept, an interrupted
single run trains again as a new run, and a part another process trains is not touched."""

import os
import time

import pytest

from mnist_core import lecture
from mnist_core.store import Registry, RunError
from tests.unit.dead_process import DEAD_PID
from tests.unit.lecture.tiny_pack import CNN, MLP, SWEEP


@pytest.fixture
def registry(lab_home) -> Registry:
    return Registry()


def stored_run(registry, part, state, pid=None) -> str:
    run_id = registry.create(config=part.config.to_dict(), model=part.config.model.kind,
                             workspace="lecture", seed=0, command="test", state="running",
                             pid=pid)
    if state != "running":
        registry.update(run_id, state=state, finished_at=time.time())
    return run_id


def test_an_interrupted_run_trains_again_as_a_new_run_and_a_done_one_is_kept(registry,
                                                                             tiny_mnist):
    killed = stored_run(registry, MLP, "running", pid=DEAD_PID)  # its process died
    done = stored_run(registry, CNN, "done")
    heard = []

    def follow(part, note):
        heard.append((part.name, note))
        return lambda fraction, line=None: None

    prepared = lecture.prepare(registry, tiny_mnist, (MLP, CNN), follow)

    retrained, kept = prepared.runs
    assert retrained.run_id != killed and retrained.state == "done"
    assert retrained.config == registry.get(killed).config
    assert registry.get(killed).state == "interrupted"  # left as it was, not reused
    assert kept.run_id == done and prepared.sweeps == [] and prepared.done
    assert heard == [("tiny MLP", f"training run {retrained.run_id}"),
                     ("tiny CNN", f"already trained: run {done}")]


def test_a_part_training_elsewhere_stops_the_pack_before_anything_trains(registry,
                                                                         tiny_mnist):
    busy = stored_run(registry, CNN, "running", pid=os.getpid())  # alive: this process

    with pytest.raises(RunError, match=f"tiny CNN: {busy} is already queued or training"):
        lecture.prepare(registry, tiny_mnist, (MLP, SWEEP, CNN))

    assert [run.run_id for run in registry.runs()] == [busy] and registry.sweeps() == []
