"""The lecture pack's parts, checked by hand, and how a page finds its result in `lecture`."""

import time

import pytest

from mnist_core import jobs, lecture, sweep
from mnist_core.models import cnn, config
from mnist_core.models.cnn import CnnConfig, ConvBlock
from mnist_core.store import Registry, Sweep
from mnist_core.sweep import SweepSpec

ASSIGNMENT_FACTORS = (1e-6, 0.00025075, 0.0005005, 0.00075025, 1e-3)  # np.linspace(1e-6, 1e-3, 5)


@pytest.fixture
def registry(lab_home) -> Registry:
    return Registry()


def by_name(pack) -> dict:
    return {part.name: part for part in pack}


def test_the_full_pack_is_each_pages_default_and_the_assignments_sweep():
    parts = by_name(lecture.parts())

    assert list(parts) == ["MLP (the page's default)", "L2 sweep 500-300", "fast CNN",
                           "assignment CNN 1", "assignment CNN 2"]
    mlp = parts["MLP (the page's default)"].config
    assert mlp.model == config.MlpConfig(hidden_units=(64, 64), activation="relu")
    assert mlp.training == config.TrainConfig(optimizer="sgd", learning_rate=0.1,
                                              batch_size=128, epochs=10, train_size=None)
    spec = parts["L2 sweep 500-300"].spec
    assert (spec.hidden_units, spec.replicates, spec.epochs, spec.train_size) == (
        (500, 300), 3, 40, None)
    assert spec.factors == pytest.approx(ASSIGNMENT_FACTORS)
    assert (spec.learning_rate, spec.batch_size, spec.seed) == (0.1, 128, 0)
    assert parts["fast CNN"].config == cnn.FAST and cnn.FAST.training.epochs == 3
    first, second = parts["assignment CNN 1"].config, parts["assignment CNN 2"].config
    assert first.model == CnnConfig(conv_blocks=(ConvBlock(20, 5), ConvBlock(40, 5)),
                                    dense_units=(100,), dense_activation="sigmoid")
    assert (first.training.epochs, first.training.train_size) == (10, None)
    assert second.model.conv_blocks == (ConvBlock(32, 5, convs=2, batch_norm=True),
                                        ConvBlock(64, 3, convs=2, batch_norm=True))
    assert (second.training.epochs, second.training.train_size) == (5, None)


def test_the_quick_pack_is_the_quick_sweep_and_one_epoch_per_assignment_cnn():
    full, quick = lecture.parts(), lecture.parts(quick=True)
    parts = by_name(quick)

    assert parts["MLP (the page's default)"].config == config.RunConfig()
    # What the sweep page's quick toggle builds: the page labels it quick from this spec.
    assert parts["L2 sweep 500-300 · quick"].spec == SweepSpec(
        hidden_units=(500, 300), factors=sweep.parse_factors("linspace:1e-06:0.001:5"),
        replicates=3, epochs=10, train_size=10_000, learning_rate=0.1, batch_size=128)
    assert parts["fast CNN"].config == cnn.FAST
    for name, preset in (("assignment CNN 1", cnn.ASSIGNMENT_1),
                         ("assignment CNN 2", cnn.ASSIGNMENT_2)):
        quick_config = parts[name].config
        assert quick_config.training.epochs == 1 and quick_config.training.train_size is None
        assert quick_config.model == preset.model
        assert {**quick_config.training.__dict__, "epochs": preset.training.epochs} == (
            preset.training.__dict__)
    assert by_name(full)["assignment CNN 1"].config == cnn.ASSIGNMENT_1  # presets untouched


def done_run(registry, run_config: config.RunConfig, workspace="lecture",
             state="done") -> str:
    run_id = registry.create(config=run_config.to_dict(), model=run_config.model.kind,
                             workspace=workspace, seed=0, command="test", state="running")
    registry.update(run_id, state=state, finished_at=time.time())
    return run_id


def done_sweep(registry, spec: SweepSpec, workspace="lecture", state="done") -> str:
    sweep_id = sweep.start(registry, spec, workspace)
    registry.update_sweep(sweep_id, state=state, finished_at=time.time())
    return sweep_id


TINY_SPEC = SweepSpec(hidden_units=(8,), factors=(1e-4, 1e-3), replicates=1, epochs=1)
# (find, store one, what a page asks for, something else), for a single run and a sweep.
CASES = {
    "mlp": (lecture.lecture_run, done_run, config.RunConfig(),
            config.RunConfig(training=config.TrainConfig(epochs=11))),
    "cnn": (lecture.lecture_run, done_run, cnn.ASSIGNMENT_2, cnn.ASSIGNMENT_1),
    "sweep": (lecture.lecture_sweep, done_sweep, TINY_SPEC,
              SweepSpec(hidden_units=(8,), factors=(1e-4, 1e-3), replicates=2, epochs=1)),
}


@pytest.mark.parametrize("find, store, wanted, other", CASES.values(), ids=CASES)
def test_a_page_finds_the_newest_done_lecture_result_of_its_settings(registry, find, store,
                                                                     wanted, other):
    def found() -> str | None:
        record = find(registry, wanted)
        return record and (record.sweep_id if isinstance(record, Sweep) else record.run_id)

    assert found() is None
    store(registry, other)
    store(registry, wanted, workspace="alice")
    store(registry, wanted, state="interrupted")
    assert found() is None

    older = store(registry, wanted)
    assert found() == older
    newer = store(registry, wanted)
    assert found() == newer


def test_a_run_queued_from_the_page_matches_once_done(registry):
    # Through the queue, as the page submits it: its stored config has lists, not tuples.
    run_id = jobs.submit(registry, cnn.FAST, "lecture")
    registry.update(run_id, state="done", finished_at=time.time())

    assert lecture.lecture_run(registry, cnn.FAST).run_id == run_id
