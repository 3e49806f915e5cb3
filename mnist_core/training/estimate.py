"""How long will a run take? From the speed of runs this machine already finished."""

import statistics

from mnist_core.models import kinds

# Measured here (55k images): about 1.5 s to build and trace; then each kind's own
# multiply-adds per second (ModelKind.default_rate), until runs of it have finished here.
STARTUP_SECONDS = 1.5


def training_work(model_config, train_images: int, epochs: int) -> float:
    """Multiply-adds of one run: forward + backward ≈ 3× forward, per image, per epoch."""
    return 3.0 * kinds.multiply_adds(model_config) * train_images * epochs


def measured_rate(finished: list[tuple[float, float]]) -> float | None:
    """Median multiply-adds per second over (work, seconds) pairs of finished runs."""
    rates = [work / (seconds - STARTUP_SECONDS) for work, seconds in finished
             if work > 0 and seconds > STARTUP_SECONDS]
    return statistics.median(rates) if rates else None


def estimate_seconds(model_config, train_images: int, epochs: int,
                     finished: list[tuple[float, float]]) -> tuple[float, str]:
    """Seconds, and what the estimate rests on (shown next to it)."""
    rate = measured_rate(finished)
    basis = (f"measured on {len(finished)} finished run(s) here" if rate
             else "from a speed measured once on this kind of machine")
    work = training_work(model_config, train_images, epochs)
    return STARTUP_SECONDS + work / (rate or kinds.of(model_config).default_rate), basis
