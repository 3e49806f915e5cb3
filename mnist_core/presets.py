"""Named CNN runs: the assignment's two convolutional models and our fast one."""

from mnist_core.cnn_config import CnnConfig, ConvBlock
from mnist_core.config import RunConfig, TrainConfig

# Ours: small, batch-normalized, Adam with warm-up and cosine decay; ≥ 99 % in 3 epochs.
FAST = RunConfig(
    model=CnnConfig(conv_blocks=(ConvBlock(16, 3, batch_norm=True),
                                 ConvBlock(32, 3, batch_norm=True)),
                    dense_units=(128,), dropout=0.25),
    training=TrainConfig(optimizer="adam", learning_rate=3e-3, batch_size=128, epochs=3,
                         schedule="warmup_cosine"),
)
# The assignment's model 1 (99.12 % after 60 epochs there), 'valid' padding as there.
ASSIGNMENT_1 = RunConfig(
    model=CnnConfig(conv_blocks=(ConvBlock(20, 5), ConvBlock(40, 5)), dense_units=(100,),
                    dense_activation="sigmoid"),
    training=TrainConfig(optimizer="sgd", learning_rate=0.1, batch_size=128, epochs=10),
)
# The assignment's model 2 (99.50 % after 30 epochs there).
ASSIGNMENT_2 = RunConfig(
    model=CnnConfig(conv_blocks=(ConvBlock(32, 5, convs=2, batch_norm=True),
                                 ConvBlock(64, 3, convs=2, batch_norm=True)),
                    dense_units=(256, 128, 84), dense_batch_norm=True, dropout=0.25,
                    last_dense_l2=0.1),
    training=TrainConfig(optimizer="adam", learning_rate=1e-3, batch_size=64, epochs=5,
                         schedule="reduce_on_plateau"),
)
PRESETS = {"fast": FAST, "assignment1": ASSIGNMENT_1, "assignment2": ASSIGNMENT_2}
# What the assignment trained for; the presets default to fewer so a lesson can wait for them.
ASSIGNMENT_EPOCHS = {"assignment1": 60, "assignment2": 30}
# Names the CLI also accepts for the assignment's models.
ALIASES = {"seed1": "assignment1", "seed2": "assignment2"}


def preset_name(model: CnnConfig) -> str | None:
    """The preset whose network this is (augmentation aside), if any."""
    for name, preset in PRESETS.items():
        if preset.model == CnnConfig(**{**model.__dict__, "augment": preset.model.augment}):
            return name
    return None
