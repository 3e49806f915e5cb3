"""A lecture pack small enough for the fast suite, and the real CLI running it:
`python -m tests.unit.lecture.tiny_pack [--json]` is `python -m mnist_core lecture prepare`
with these parts in place of the real ones."""

import sys

from mnist_core import cli, lecture
from mnist_core.models import cnn, config
from mnist_core.sweep import SweepSpec

MLP = lecture.RunPart("tiny MLP", config.RunConfig(
    model=config.MlpConfig(hidden_units=(16,)),
    training=config.TrainConfig(epochs=1, train_size=1000)))
SWEEP = lecture.SweepPart("tiny sweep", SweepSpec(
    hidden_units=(16,), factors=(1e-4, 1e-3), replicates=1, epochs=1, train_size=1000))
CNN = lecture.RunPart("tiny CNN", config.RunConfig(
    model=cnn.CnnConfig(conv_blocks=(cnn.ConvBlock(4, 3),), dense_units=(16,)),
    training=config.TrainConfig(optimizer="adam", learning_rate=1e-3, epochs=1,
                                train_size=1000)))
PARTS = (MLP, SWEEP, CNN)

if __name__ == "__main__":
    lecture.parts = lambda quick=False: PARTS
    sys.exit(cli.main(["lecture", "prepare", *sys.argv[1:]]))
