"""What to train when a question's run does not exist yet."""

from mnist_core.data.preprocess import INPUT_PIXELS, NUM_CLASSES
from mnist_core.models import config
from mnist_core.sweep import SweepSpec


def _shape(hidden_units) -> str:
    return "-".join(str(units) for units in (INPUT_PIXELS, *hidden_units, NUM_CLASSES))


_DEFAULT = config.RunConfig()
_SWEEP = SweepSpec()
TRAIN_MLP = (f"Train an MLP on the **MLP** page: its defaults are the assignment's "
             f"{_shape(_DEFAULT.model.hidden_units)} network, {_DEFAULT.training.epochs} epochs.")
RUN_SWEEP = (f"Start a sweep on the **Regularization sweep** page: its defaults are the "
             f"assignment's {len(_SWEEP.factors)} factors × {_SWEEP.replicates} replicates of "
             f"the {_shape(_SWEEP.hidden_units)} network, {_SWEEP.epochs} epochs each.")
TRAIN_CNN = ("Train a CNN on the **CNN** page (the **Fast** preset passes 99 % in a few "
             "epochs), and an MLP on the **MLP** page to compare it with.")
TRAIN_ANY = ("Train any network (the **MLP** page's defaults are the assignment's) to see a "
             "run of your own go through these steps.")
# In lecture view the answers come from the lecture's runs, which the instructor prepares.
PREPARE_LECTURE = ("The lecture has no such run yet: `python -m mnist_core lecture prepare` "
                   "trains the lecture pack (the MLP, the sweep and the CNNs).")
