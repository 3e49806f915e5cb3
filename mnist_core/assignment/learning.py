"""Q2.2 and Q2.3: the loss the student's MLP reached against guessing, and what the gap
between its training and validation curves says."""

import dataclasses
import math

from mnist_core.data.preprocess import NUM_CLASSES
from mnist_core.store import Run

# An untrained network spreads its guess evenly: -log(1/10) = ln 10 ≈ 2.303 per image.
GUESS_LOSS = math.log(NUM_CLASSES)
# Training accuracy this far (1 point) above validation counts as a gap worth a word.
GAP_WORTH_NOTING = 0.01


@dataclasses.dataclass(frozen=True)
class Loss:
    run_id: str
    first_loss: float  # the first epoch's training loss
    train_loss: float  # the last epoch's
    val_loss: float | None
    test_loss: float | None
    includes_penalty: bool  # an L2 factor adds λ·Σw² to the training loss Keras reports
    guess_loss: float = GUESS_LOSS

    @staticmethod
    def true_digit_probability(loss: float) -> float:
        """The (geometric) mean probability a loss gives the true digit: e^-L."""
        return math.exp(-loss)


@dataclasses.dataclass(frozen=True)
class Curves:
    run_id: str
    history: list[dict]
    train_accuracy: float  # the last epoch's
    val_accuracy: float
    best_val_accuracy: float
    best_val_epoch: int
    val_loss_lowest_epoch: int | None

    @property
    def epochs(self) -> int:
        return len(self.history)

    @property
    def gap(self) -> float:
        """Training minus validation accuracy at the last epoch."""
        return self.train_accuracy - self.val_accuracy

    @property
    def verdict(self) -> str:
        if self.gap < 0:
            return ("Validation is above training. That is no miracle: Keras' training "
                    "accuracy is the mean over an epoch while the weights still improve, the "
                    "validation accuracy is measured once at its end with the final weights.")
        if self.gap < GAP_WORTH_NOTING:
            return ("The curves stay together: the network does about as well on digits it "
                    "never trained on as on its own, so it is not overfitting yet; more epochs "
                    "or units could still help.")
        stalled = self.best_val_epoch < self.epochs or (
            self.val_loss_lowest_epoch is not None and self.val_loss_lowest_epoch < self.epochs)
        if stalled:
            return ("Training keeps improving while validation has stalled: the network has "
                    "begun to memorise its training digits (overfitting). Weight decay, "
                    "dropout or fewer epochs narrow such a gap.")
        return ("Training is ahead of validation, but both still improve: some memorising, "
                "and still learning what carries over to new digits.")


def _epochs(run: Run) -> list[dict]:
    if not run.history:
        raise ValueError(f"run {run.run_id} stored no epochs to answer from")
    return run.history


def loss(run: Run) -> Loss:
    """Raises ValueError for a run without epochs (so do curves)."""
    history = _epochs(run)
    first, last = history[0], history[-1]
    l2 = run.config.get("model", {}).get("l2", 0.0) or 0.0
    return Loss(run_id=run.run_id, first_loss=first["loss"], train_loss=last["loss"],
                val_loss=last.get("val_loss"), test_loss=run.test_loss, includes_penalty=l2 > 0)


def curves(run: Run) -> Curves:
    history = _epochs(run)
    val = [epoch["val_accuracy"] for epoch in history]
    best = max(range(len(val)), key=val.__getitem__)  # the first of equal bests
    val_losses = [epoch.get("val_loss") for epoch in history]
    lowest = (min(range(len(val_losses)), key=val_losses.__getitem__) + 1
              if all(value is not None for value in val_losses) else None)
    return Curves(run_id=run.run_id, history=history,
                  train_accuracy=history[-1]["accuracy"], val_accuracy=val[-1],
                  best_val_accuracy=val[best], best_val_epoch=best + 1,
                  val_loss_lowest_epoch=lowest)
