"""Q3.1 and Q3.2: the student's CNN against their best MLP (chosen on validation): parameters,
test accuracy, and how much each loses when the test digits move a few pixels."""

import dataclasses

from mnist_core.models import config, kinds
from mnist_core.models.layers import LayerRow
from mnist_core.store import Run

TARGET = 0.99  # what the MNIST page says a CNN can reach, and the assignment asks for
# The layers besides Conv2D, pooling and Dense that the assignment asks to describe.
OTHER_LAYERS = {
    "BatchNormalization": "rescales each channel to mean 0, variance 1 over the batch (then a "
                          "learned scale and shift), so every layer sees inputs of a steady "
                          "size and a higher learning rate stays stable.",
    "Dropout": "silences a random share of units at each training step, so no unit can rely "
               "on one particular other; it is off at test time.",
    "Augmentation": "shows each training digit slightly rotated, zoomed and moved each epoch, "
                    "so the network learns the digit, not its exact pixels.",
}


@dataclasses.dataclass(frozen=True)
class Shift:
    """Accuracy on the same test digits moved by 0, 1, ... max_shift pixels."""

    images: int
    cnn: list[float]
    mlp: list[float]

    @property
    def max_shift(self) -> int:
        return len(self.cnn) - 1

    @property
    def cnn_drop(self) -> float:
        return self.cnn[0] - self.cnn[-1]

    @property
    def mlp_drop(self) -> float:
        return self.mlp[0] - self.mlp[-1]


@dataclasses.dataclass(frozen=True)
class Convolution:
    cnn_run_id: str
    mlp_run_id: str
    cnn_layers: list[LayerRow]
    cnn_parameters: int
    mlp_parameters: int
    cnn_test_accuracy: float
    mlp_test_accuracy: float
    other_layers: dict[str, str]  # name -> what it does, for the layers this CNN has
    shift: Shift | None  # None when a model file could not be read

    @property
    def conv_layers(self) -> list[LayerRow]:
        return [row for row in self.cnn_layers if row.name.startswith("Conv2D")]

    @property
    def reached_target(self) -> bool:
        return self.cnn_test_accuracy >= TARGET


def convolution(cnn_run: Run, mlp_run: Run,
                shift_curves: dict[str, list[float]] | None, shift_images: int) -> Convolution:
    """`shift_curves`: evaluate.conv_insight.shift_accuracy of both models ("CNN", "MLP").
    Raises ValueError for a run whose stored config no longer parses."""
    cnn_model = config.RunConfig.from_dict(cnn_run.config).model
    mlp_model = config.RunConfig.from_dict(mlp_run.config).model
    rows = kinds.layers(cnn_model)
    present = {"BatchNormalization": any(row.name == "BatchNormalization" for row in rows),
               "Dropout": cnn_model.dropout > 0, "Augmentation": cnn_model.augment}
    shift = (Shift(shift_images, shift_curves["CNN"], shift_curves["MLP"])
             if shift_curves is not None else None)
    return Convolution(
        cnn_run_id=cnn_run.run_id, mlp_run_id=mlp_run.run_id, cnn_layers=rows,
        cnn_parameters=sum(row.parameters for row in rows),
        mlp_parameters=kinds.parameter_count(mlp_model),
        cnn_test_accuracy=cnn_run.test_accuracy, mlp_test_accuracy=mlp_run.test_accuracy,
        other_layers={name: text for name, text in OTHER_LAYERS.items() if present[name]},
        shift=shift)
