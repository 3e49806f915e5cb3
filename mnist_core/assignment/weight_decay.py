"""Q2.4: the student's sweep. The factor is chosen on validation and its test mean ± std
reported once, then set against Hinton's 0.9847 (the assignment chose on test)."""

import dataclasses

from mnist_core.data.splits import FULL_TRAIN_SIZE, FULL_VALIDATION_SIZE
from mnist_core.store import Sweep
from mnist_core.sweep import HINTON_ACCURACY, SweepSpec
from mnist_core.sweep.stats import FactorStats, Summary


@dataclasses.dataclass(frozen=True)
class WeightDecay:
    sweep_id: str
    spec: SweepSpec
    factors: list[FactorStats]  # every factor, finished replicates or not
    chosen: FactorStats  # the highest validation mean
    chosen_on_test: FactorStats  # what choosing on test, as the assignment did, would pick
    ddof: int
    hinton: float = HINTON_ACCURACY

    @property
    def distance(self) -> float:
        """The chosen factor's test mean minus Hinton's figure (negative: below it)."""
        return self.chosen.test_mean - self.hinton

    @property
    def reasons(self) -> list[str]:
        """What may explain the distance, most specific first."""
        full = SweepSpec()
        found = []
        if self.spec.epochs < full.epochs or self.spec.train_size is not None:
            images = "all" if self.spec.train_size is None else f"{self.spec.train_size:,}"
            found.append(f"This sweep trained {self.spec.epochs} epochs on {images} training "
                         f"images; the assignment's is {full.epochs} epochs on all of them.")
        if self.chosen.test_std is not None:
            means = [row.test_mean for row in self.factors if row.test_mean is not None]
            span = max(means) - min(means)
            found.append(
                f"Replicates of one factor differ by ± {self.chosen.test_std:.4f} (one standard "
                f"deviation) while the factors' test means span {span:.4f}: " + (
                    "the noise is as large as the effect, so these replicates cannot rank the "
                    "factors with confidence." if 2 * self.chosen.test_std >= span else
                    "the factors differ by more than the noise."))
        found.append("Hinton's entry on the MNIST page gives neither his learning rate or its "
                     "schedule, nor the batch size, epochs, initialisation, the exact "
                     "weight-decay form or how he chose it; each moves the last tenths of a "
                     "percent.")
        found.append(f"Here {FULL_VALIDATION_SIZE:,} of the {FULL_TRAIN_SIZE:,} training "
                     "images are held out for validation, so each network trains on fewer "
                     "images than Hinton's could.")
        return found


def weight_decay(item: Sweep, summary: Summary) -> WeightDecay | None:
    """None while no factor has a finished replicate."""
    scored = [row for row in summary.factors if row.val_mean is not None]
    if summary.best_factor is None or not scored:
        return None
    chosen = next(row for row in scored if row.factor == summary.best_factor)
    on_test = max(scored, key=lambda row: row.test_mean)
    return WeightDecay(sweep_id=item.sweep_id, spec=SweepSpec.from_dict(item.spec),
                       factors=summary.factors, chosen=chosen, chosen_on_test=on_test,
                       ddof=summary.ddof)
