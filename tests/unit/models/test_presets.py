"""The CNN presets: the fast one passes 99 % in its 3 epochs on the full data (slow)."""

import pytest

from mnist_core import data
from mnist_core.models import cnn, kinds
from mnist_core.training import loop


@pytest.mark.slow
@pytest.mark.parametrize("seed", [1, 2])
def test_fast_preset_reaches_99_percent_on_full_mnist(full_npz, monkeypatch, seed):
    monkeypatch.setenv("MNIST_NPZ", str(full_npz))
    fast = cnn.FAST
    run = fast.training.__class__(**{**fast.training.__dict__, "seed": seed})
    step = loop.seconds_per_step_estimate(kinds.multiply_adds(fast.model),
                                              run.batch_size)
    result = loop.fit(kinds.build(fast.model, seed), data.split(data.load_mnist()), run,
                          seconds_per_step=step)
    assert result.status == "done"
    assert result.test_accuracy >= 0.99


def test_the_cli_aliases_name_the_assignment_models():
    assert set(cnn.ALIASES.values()) <= set(cnn.PRESETS)
    assert cnn.preset_name(cnn.ASSIGNMENT_2.model) == "assignment2"
    assert kinds.parameter_count(cnn.ASSIGNMENT_1.model) == 85_670
