"""run_charts and diagram: the data each chart carries, and the DOT graph's layers."""

import numpy as np

from mnist_core.charts import run_charts
from mnist_core.models import config, diagram

HISTORY = [{"epoch": 1, "loss": 0.5, "accuracy": 0.8, "val_loss": 0.4, "val_accuracy": 0.85},
           {"epoch": 2, "loss": 0.3, "accuracy": 0.9, "val_loss": 0.35, "val_accuracy": 0.88}]


def test_curves_has_a_training_and_a_validation_point_per_epoch():
    chart = run_charts.curves(HISTORY, "accuracy")
    frame = chart.data
    assert len(frame) == 4
    assert frame[frame.split == "validation"]["accuracy"].tolist() == [0.85, 0.88]


def test_confusion_chart_holds_every_cell_and_a_named_selection():
    matrix = np.arange(100).reshape(10, 10)
    spec = run_charts.confusion(matrix).to_dict()
    values = next(iter(spec["datasets"].values()))
    assert len(values) == 100
    assert {"true": 3, "predicted": 4, "count": 34, "correct": False} in values
    assert run_charts.CONFUSION_SELECTION in str(spec)


def test_overlay_has_one_line_per_run():
    frame = run_charts.overlay({"a": HISTORY, "b": HISTORY[:1]}).data
    assert sorted(frame.run.unique()) == ["a", "b"] and len(frame) == 3


def test_mlp_diagram_names_every_layer_in_order():
    dot = diagram.dot(config.MlpConfig(hidden_units=(32, 16)))
    assert dot.index("Dense 1") < dot.index("Dense 2") < dot.index("Dense output")
    assert "784·" not in dot and "25,120 parameters" in dot  # 784*32 + 32
    assert dot.count("->") == 4
