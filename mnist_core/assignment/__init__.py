"""The assignment's questions, answered from a student's own stored runs: which runs answer
(`picks`), and one module per question group returning the answer as data, each number
beside the run it comes from (the pages draw them, `ui.assignment_panel`)."""

from mnist_core.assignment import missing, picks
from mnist_core.assignment.convolution import Convolution, Shift, convolution
from mnist_core.assignment.learning import GUESS_LOSS, Curves, Loss, curves, loss
from mnist_core.assignment.network import Network, network
from mnist_core.assignment.preprocessing import Preprocessing, preprocessing
from mnist_core.assignment.weight_decay import WeightDecay, weight_decay

__all__ = ["GUESS_LOSS", "Convolution", "Curves", "Loss", "Network",
           "Preprocessing", "Shift", "WeightDecay", "convolution", "curves", "loss", "missing",
           "network", "picks", "preprocessing", "weight_decay"]
