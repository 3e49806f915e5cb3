"""estimate: training work from layer sizes, and time from measured runs."""

import pytest

from mnist_core.models import config, mlp
from mnist_core.training import estimate


def test_training_work_is_three_forward_passes_per_image_and_epoch():
    model = config.MlpConfig(hidden_units=(64, 64))
    forward = 784 * 64 + 64 * 64 + 64 * 10
    assert estimate.training_work(model, 1000, 2) == 3 * forward * 1000 * 2


def test_estimate_uses_the_median_measured_rate():
    model = config.MlpConfig()
    work = estimate.training_work(model, 55_000, 10)
    finished = [(1e10, estimate.STARTUP_SECONDS + 1.0), (3e10, estimate.STARTUP_SECONDS + 1.0),
                (2e10, estimate.STARTUP_SECONDS + 1.0)]
    seconds, basis = estimate.estimate_seconds(model, 55_000, 10, finished)
    assert seconds == pytest.approx(estimate.STARTUP_SECONDS + work / 2e10)
    assert "3 finished" in basis


def test_estimate_without_history_falls_back_to_the_default_rate():
    model = config.MlpConfig()
    seconds, basis = estimate.estimate_seconds(model, 1000, 1, [])
    expected = estimate.STARTUP_SECONDS + estimate.training_work(model, 1000, 1) / \
        mlp.KIND.default_rate
    assert seconds == pytest.approx(expected)
    assert "measured once" in basis
