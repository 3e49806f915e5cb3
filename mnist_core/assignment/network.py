"""Q2.1: the layers, neurons, activations and parameter count of the student's MLP, with the
arithmetic of the layer table the architecture panel shows (models.kinds.layers)."""

import dataclasses

from mnist_core.data.preprocess import IMAGE_SIZE, INPUT_PIXELS, NUM_CLASSES
from mnist_core.models import config, kinds
from mnist_core.models.layers import LayerRow
from mnist_core.store import Run

# Why each hidden activation the MLP page offers suits this problem, in one sentence.
WHY_ACTIVATION = {
    "relu": "max(0, x) is cheap, and its gradient is exactly 1 wherever a unit is active, so "
            "gradients reach the first layer without shrinking layer by layer.",
    "sigmoid": "it squashes to (0, 1); its gradient is at most 0.25, so deep stacks of it "
               "learn slowly, which is why ReLU replaced it in hidden layers.",
    "tanh": "it squashes to (-1, 1), centred on 0, but saturates like the sigmoid for large "
            "inputs, where its gradient vanishes.",
    "elu": "like ReLU for positive inputs, smooth and slightly negative below 0, so units "
           "never go completely silent.",
    "gelu": "a smooth ReLU that weighs each input by how likely it is to be positive; the "
            "usual choice in transformers.",
    "selu": "a scaled ELU that keeps activations near mean 0 and variance 1 from layer to "
            "layer without batch normalisation.",
}
WHY_SOFTMAX = ("Softmax on the output turns the 10 scores into probabilities that are "
               "positive and add up to 1: one per digit, what the one-hot label is compared "
               "with.")


@dataclasses.dataclass(frozen=True)
class Network:
    run_id: str
    layers: list[LayerRow]  # Flatten, the hidden Dense layers, the output
    hidden_units: tuple[int, ...]
    activation: str
    parameters: int  # the sum of the layer table's parameters
    stored_parameters: int | None  # what the run stored when it was trained
    inputs: int  # 28·28 pixels, flattened
    image_size: int
    outputs: int  # one per digit

    @property
    def dense_layers(self) -> int:
        """Layers with weights: the hidden ones and the output."""
        return len(self.hidden_units) + 1

    @property
    def why_activation(self) -> str:
        return WHY_ACTIVATION.get(self.activation, "")


def network(run: Run) -> Network:
    """Raises ValueError for a run whose stored config no longer parses."""
    model = config.RunConfig.from_dict(run.config).model
    rows = kinds.layers(model)
    return Network(
        run_id=run.run_id, layers=rows, hidden_units=tuple(model.hidden_units),
        activation=model.activation, parameters=sum(row.parameters for row in rows),
        stored_parameters=run.params, inputs=INPUT_PIXELS, image_size=IMAGE_SIZE,
        outputs=NUM_CLASSES)
