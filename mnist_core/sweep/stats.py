"""A sweep's numbers per factor: mean ± std over replicates, diverged ones counted apart.

The standard deviation is the sample one (ddof=1): with 3 replicates, the assignment's
np.std (ddof=0) would draw error bars about 18% (1 - √(2/3)) narrower than the spread the
replicates show. It needs two finished replicates; with one it is None.
"""

import dataclasses
import math

import numpy as np

STD_DDOF = 1


@dataclasses.dataclass(frozen=True)
class Outcome:
    """One stored network, reduced to what the statistics need."""

    factor_index: int
    replicate: int
    status: str  # "done" or "diverged"
    val_accuracy: float | None = None
    test_accuracy: float | None = None
    train_accuracy: float | None = None  # on training images, with the final weights
    kernel_norm: float | None = None  # √Σw² over the hidden kernels at the end


@dataclasses.dataclass(frozen=True)
class FactorStats:
    factor: float
    finished: int  # replicates averaged below
    diverged: int  # replicates whose loss blew up: counted here, never averaged
    test_mean: float | None
    test_std: float | None
    val_mean: float | None
    val_std: float | None
    train_mean: float | None
    gap_mean: float | None  # train minus test accuracy: how much the network overfits
    kernel_norm_mean: float | None


@dataclasses.dataclass(frozen=True)
class Summary:
    factors: list[FactorStats]
    best_factor: float | None  # the highest validation mean; the test set plays no part
    best_mean_accuracy: float | None  # the best factor's test mean: the number to report
    ddof: int = STD_DDOF


def summarize(factors: tuple[float, ...], outcomes: list[Outcome]) -> Summary:
    """Per factor statistics of the finished networks, and the factor chosen on validation."""
    rows = []
    for index, factor in enumerate(factors):
        mine = [outcome for outcome in outcomes if outcome.factor_index == index]
        done = [outcome for outcome in mine if outcome.status == "done" and all(
            _finite(value) for value in (outcome.val_accuracy, outcome.test_accuracy))]
        test = [outcome.test_accuracy for outcome in done]
        train = [outcome.train_accuracy for outcome in done]
        gaps = [outcome.train_accuracy - outcome.test_accuracy for outcome in done
                if _finite(outcome.train_accuracy)]
        rows.append(FactorStats(
            factor=factor,
            finished=len(done),
            diverged=sum(outcome.status == "diverged" for outcome in mine),
            test_mean=_mean(test),
            test_std=_std(test),
            val_mean=_mean([outcome.val_accuracy for outcome in done]),
            val_std=_std([outcome.val_accuracy for outcome in done]),
            train_mean=_mean([value for value in train if _finite(value)]),
            gap_mean=_mean(gaps),
            kernel_norm_mean=_mean([outcome.kernel_norm for outcome in done
                                    if _finite(outcome.kernel_norm)]),
        ))
    candidates = [row for row in rows if row.val_mean is not None]
    best = max(candidates, key=lambda row: row.val_mean) if candidates else None  # first of ties
    return Summary(rows, best.factor if best else None, best.test_mean if best else None)


def _finite(value) -> bool:
    return value is not None and math.isfinite(value)


def _mean(values: list[float]) -> float | None:
    return float(np.mean(values)) if values else None


def _std(values: list[float]) -> float | None:
    return float(np.std(values, ddof=STD_DDOF)) if len(values) > STD_DDOF else None
