"""mnist_core.models.config: what a run may be, and its JSON form."""

import dataclasses
import json
import math

import pytest

from mnist_core.models import config, reproduce


def run_with(model=None, **training) -> config.RunConfig:
    return config.RunConfig(model=model or config.MlpConfig(),
                            training=config.TrainConfig(**training))


def test_defaults_are_the_assignment_and_valid():
    run = config.RunConfig()

    assert run.model.hidden_units == (64, 64)
    assert run.model.activation == "relu"
    assert (run.training.optimizer, run.training.learning_rate) == ("sgd", 0.1)
    assert (run.training.batch_size, run.training.epochs) == (128, 10)
    assert config.validate(run) is run


BAD_MODELS = {
    "0 units": (config.MlpConfig(hidden_units=(64, 0)), "hidden layer 2.*0"),
    "negative units": (config.MlpConfig(hidden_units=(-3,)), "hidden layer 1.*-3"),
    "fractional units": (config.MlpConfig(hidden_units=(6.5,)), "6.5"),
    "no hidden layer": (config.MlpConfig(hidden_units=()), "got 0"),
    "7 hidden layers": (config.MlpConfig(hidden_units=(8,) * 7), "got 7"),
    "unknown activation": (config.MlpConfig(activation="swoosh"), "swoosh"),
    "negative L2": (config.MlpConfig(l2=-0.01), "L2.*-0.01"),
    "NaN L2": (config.MlpConfig(l2=math.nan), "L2.*nan"),
    "dropout 1.0": (config.MlpConfig(dropout=1.0), "dropout.*1.0"),
    "negative dropout": (config.MlpConfig(dropout=-0.1), "dropout.*-0.1"),
    # 784·4096+4096 + 4096·1024+1024 + 1024·10+10 = 7,420,938 parameters.
    "over 5 million parameters": (config.MlpConfig(hidden_units=(4096, 1024)), "7,420,938"),
}


@pytest.mark.parametrize("model, named", BAD_MODELS.values(), ids=BAD_MODELS)
def test_bad_models_are_rejected_naming_the_value(model, named):
    with pytest.raises(ValueError, match=named):
        config.validate(run_with(model))


def test_just_under_the_parameter_limit_is_fine():
    # 784·6000+6000 + 6000·10+10 = 4,770,010 parameters: under 5 million.
    config.validate(run_with(config.MlpConfig(hidden_units=(6000,))))


BAD_TRAINING = {
    "NaN learning rate": ({"learning_rate": math.nan}, "learning rate.*nan"),
    "infinite learning rate": ({"learning_rate": math.inf}, "learning rate.*inf"),
    "negative learning rate": ({"learning_rate": -0.1}, "learning rate.*-0.1"),
    "zero learning rate": ({"learning_rate": 0.0}, "learning rate.*greater than"),
    "batch 0": ({"batch_size": 0}, "batch size.*0"),
    "huge batch": ({"batch_size": 100_000}, "batch size.*100000"),
    "0 epochs": ({"epochs": 0}, "epochs.*0"),
    "epochs as text": ({"epochs": "3"}, "epochs.*'3'"),
    "train size 5": ({"train_size": 5}, "training-set size.*5"),
    "unknown optimizer": ({"optimizer": "lbfgs"}, "lbfgs"),
    "negative seed": ({"seed": -1}, "seed.*-1"),
    "bool batch size": ({"batch_size": True}, "batch size.*True"),
    "float16": ({"precision": "mixed_float16"}, "precision.*mixed_float16"),
}


@pytest.mark.parametrize("training, named", BAD_TRAINING.values(), ids=BAD_TRAINING)
def test_bad_training_is_rejected_naming_the_value(training, named):
    with pytest.raises(ValueError, match=named):
        config.validate(run_with(**training))


def test_json_round_trip():
    run = config.RunConfig(
        model=config.MlpConfig(hidden_units=(128, 32, 16), activation="tanh", l2=1e-4,
                               dropout=0.25),
        training=config.TrainConfig(optimizer="adam", learning_rate=0.003, batch_size=64,
                                    epochs=7, train_size=2000, seed=42),
    )

    again = config.RunConfig.from_dict(json.loads(json.dumps(run.to_dict())))

    assert again == run
    assert isinstance(again.model.hidden_units, tuple)


def test_from_dict_fills_defaults_and_rejects_unknowns():
    assert config.RunConfig.from_dict({}) == config.RunConfig()
    with pytest.raises(ValueError, match="colour"):
        config.RunConfig.from_dict({"model": {"colour": "red"}})
    with pytest.raises(ValueError, match="momentum"):
        config.RunConfig.from_dict({"training": {"momentum": 0.9}})
    with pytest.raises(ValueError, match="'rnn'"):
        config.RunConfig.from_dict({"model": {"kind": "rnn"}})


def test_configs_are_immutable():
    with pytest.raises(dataclasses.FrozenInstanceError):
        config.MlpConfig().l2 = 0.5


def test_command_line_names_every_setting():
    run = run_with(config.MlpConfig(hidden_units=(32, 16), l2=0.001), epochs=3, seed=9)

    assert reproduce.command_line(run) == (
        "python -m mnist_core train mlp --hidden 32,16 --activation relu --l2 0.001 "
        "--dropout 0 --optimizer sgd --learning-rate 0.1 --batch-size 128 --epochs 3 "
        "--schedule constant --precision float32 --train-size all --seed 9"
    )


def test_a_run_stored_before_precision_existed_reads_as_float32():
    stored = config.RunConfig(training=config.TrainConfig(epochs=3)).to_dict()
    del stored["training"]["precision"]
    assert config.RunConfig.from_dict(stored).training.precision == "float32"
    bfloat16 = run_with(precision="mixed_bfloat16")
    assert config.RunConfig.from_dict(bfloat16.to_dict()) == bfloat16
