"""mnist_core.models.kinds: a kind registered from outside goes the whole way through the lab.

The toy kind is softmax regression (784 -> 10, 7,850 parameters). Nothing in mnist_core
knows its name: config parsing, building, the layer table, the reproduce command, the
estimate, the CLI, the queue, training, storage and listing all find it in KINDS.
"""

import argparse
import dataclasses

import pytest

from mnist_core import jobs
from mnist_core.cli import build_parser
from mnist_core.cli.train_command import run_config_from
from mnist_core.data.preprocess import INPUT_PIXELS, NUM_CLASSES
from mnist_core.models import config, kinds, reproduce
from mnist_core.models.layers import LayerRow, dense_row
from mnist_core.store import Registry
from mnist_core.training import estimate, loop, runner


@dataclasses.dataclass(frozen=True)
class SoftmaxConfig:
    kind: str = "softmax"

    @classmethod
    def from_dict(cls, values: dict) -> "SoftmaxConfig":
        return cls(**values)


def _build(model_config, seed):
    import keras

    return keras.Sequential([
        keras.Input(shape=(28, 28)), keras.layers.Flatten(),
        keras.layers.Dense(NUM_CLASSES, activation="softmax",
                           kernel_initializer=keras.initializers.GlorotUniform(seed=seed))])


SOFTMAX = kinds.ModelKind(
    name="softmax", label="Softmax regression", config_class=SoftmaxConfig,
    from_dict=SoftmaxConfig.from_dict, validate=lambda model: None,
    layer_rows=lambda model: [LayerRow("Flatten", (INPUT_PIXELS,), "no weights", 0, 0),
                              dense_row("Dense output, softmax", INPUT_PIXELS, NUM_CLASSES)],
    build=_build, add_cli_arguments=lambda parser: None,
    from_cli=lambda arguments: (SoftmaxConfig(), None), cli_flags=lambda model: "",
    cli_help="softmax regression: one Dense layer", default_rate=4.5e10)
TINY = config.TrainConfig(epochs=1, train_size=1000)


@pytest.fixture
def softmax_kind(monkeypatch):
    monkeypatch.setitem(kinds.KINDS, SOFTMAX.name, SOFTMAX)
    return SOFTMAX


def test_a_toy_kind_goes_from_config_to_a_listed_trained_run(softmax_kind, tiny_mnist):
    run_config = config.validate(config.RunConfig(model=SoftmaxConfig(), training=TINY))
    assert kinds.parameter_count(run_config.model) == 784 * 10 + 10 == 7_850
    assert config.RunConfig.from_dict(run_config.to_dict()) == run_config
    assert reproduce.command_line(run_config).startswith("python -m mnist_core train softmax ")
    seconds, _ = estimate.estimate_seconds(run_config.model, 1000, 1, finished=[])
    assert seconds > estimate.STARTUP_SECONDS

    registry = Registry()
    run_id = jobs.submit(registry, run_config, "toy")
    claimed = jobs.claim_next(registry, pid=1)
    assert claimed.run_id == run_id and claimed.model == "softmax"
    run = runner.execute(registry, run_id, tiny_mnist)

    assert run.state == "done" and run.params == 7_850
    assert [listed.run_id for listed in registry.runs(workspace="toy")] == [run_id]
    assert registry.load_model(run_id).count_params() == 7_850
    assert 0.5 < run.test_accuracy <= 1  # a linear model still reads most digits


def test_the_cli_offers_a_train_command_for_every_registered_kind(softmax_kind):
    arguments = build_parser().parse_args(["train", "softmax", "--epochs", "2"])
    run_config = run_config_from(arguments)
    assert run_config.model == SoftmaxConfig()
    assert run_config.training == config.TrainConfig(epochs=2)


def test_an_unknown_kind_is_named():
    with pytest.raises(ValueError, match="unknown model kind 'rnn'"):
        config.RunConfig.from_dict({"model": {"kind": "rnn"}})


def test_the_training_loop_knows_every_optimizer_a_config_may_name():
    assert tuple(loop.OPTIMIZERS) == config.OPTIMIZERS


def test_the_cli_flags_of_every_kind_read_back_as_the_same_network():
    parser = build_parser()
    for run_config in (config.RunConfig(), config.RunConfig(
            model=kinds.get("cnn").from_cli(argparse.Namespace(
                conv=None, preset="assignment2", augment=True))[0])):
        arguments = parser.parse_args(reproduce.command_line(run_config).split()[3:])
        assert run_config_from(arguments).model == run_config.model
