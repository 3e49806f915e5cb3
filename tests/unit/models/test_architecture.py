"""mnist_core.models.mlp: parameter arithmetic, checked by hand."""

from mnist_core.models import config, kinds, mlp


def test_default_mlp_has_55050_parameters():
    by_hand = 784 * 64 + 64 + 64 * 64 + 64 + 64 * 10 + 10

    assert by_hand == 55_050
    assert kinds.parameter_count(config.MlpConfig()) == by_hand


def test_one_wide_layer():
    model = config.MlpConfig(hidden_units=(128,))

    assert kinds.parameter_count(model) == 784 * 128 + 128 + 128 * 10 + 10
    assert kinds.multiply_adds(model) == 784 * 128 + 128 * 10


def test_layer_table_of_the_default_mlp():
    rows = mlp.layer_rows(config.MlpConfig())

    assert [row.output_shape for row in rows] == [(784,), (64,), (64,), (10,)]
    assert [row.parameters for row in rows] == [0, 50_240, 4_160, 650]
    assert rows[1].arithmetic == "784·64 + 64 = 50,240"
    assert "relu" in rows[1].name and "softmax" in rows[-1].name
    assert kinds.multiply_adds(config.MlpConfig()) == 784 * 64 + 64 * 64 + 64 * 10
