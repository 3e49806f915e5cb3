"""Predictions checked by NumPy arithmetic, the model cache, image files."""

import json
import os
import subprocess
import sys
from pathlib import Path

import keras
import numpy as np
import pytest
from PIL import Image

from mnist_core import data
from mnist_core.data import preprocess
from mnist_core.drawing import pipeline, uploads
from mnist_core.evaluate import inference
from mnist_core.models import config, mlp
from mnist_core.store import Registry, RunError
from mnist_core.training import loop

TRAIN_SIZE = 20_000
SAMPLE_SIZE = 50


@pytest.fixture(scope="module")
def mnist() -> data.Mnist:
    """The full set when MNIST_NPZ points at it (conftest sets it), else the 5,000-digit subset."""
    return data.load_mnist()


@pytest.fixture(scope="module")
def trained_model(mnist):
    """The default 784-64-64-10 MLP after 2 epochs on up to 20,000 digits (about 3 s)."""
    splits = data.split(mnist, train_size=TRAIN_SIZE)
    model = mlp.build(config.MlpConfig(), seed=0)
    loop.fit(model, splits, config.TrainConfig(
        optimizer="adam", learning_rate=0.003, batch_size=64, epochs=2, train_size=TRAIN_SIZE))
    return model


@pytest.fixture(scope="module")
def sample(mnist) -> tuple[np.ndarray, np.ndarray]:
    """50 test digits, 5 of each class."""
    index = data.stratified_sample(mnist.y_test, SAMPLE_SIZE, seed=1)
    return mnist.x_test[index], mnist.y_test[index]


@pytest.fixture
def registry(lab_home) -> Registry:
    return Registry()


def stored_run(registry: Registry, model) -> str:
    run_id = registry.create(config=config.RunConfig().to_dict(), model="mlp", workspace="alice",
                             seed=0, command="python -m mnist_core train mlp", state="done")
    registry.save_model(run_id, model)
    return run_id


def small_model(seed: int):
    return mlp.build(config.MlpConfig(hidden_units=(8,)), seed=seed)


def numpy_forward(model, digits: np.ndarray) -> np.ndarray:
    """The MLP by hand: dense layers with ReLU, then a softmax."""
    activations = digits.reshape(len(digits), 784).astype(np.float64) / 255
    *hidden, output = [weights for weights in zip(*[iter(model.get_weights())] * 2, strict=True)]
    for kernel, bias in hidden:
        activations = np.maximum(activations @ kernel + bias, 0)
    logits = activations @ output[0] + output[1]
    exponentials = np.exp(logits - logits.max(axis=1, keepdims=True))
    return exponentials / exponentials.sum(axis=1, keepdims=True)


def test_predict_agrees_with_numpy_and_with_calling_the_model(trained_model, sample,
                                                              monkeypatch):
    digits = sample[0][:7]

    probabilities = inference.predict(trained_model, digits)

    assert probabilities.shape == (7, 10)
    np.testing.assert_allclose(probabilities.sum(axis=1), 1, atol=1e-5)
    np.testing.assert_allclose(probabilities, numpy_forward(trained_model, digits), atol=1e-5)
    called = np.asarray(trained_model(preprocess.scale(digits), training=False))
    np.testing.assert_allclose(probabilities, called, atol=1e-6)
    monkeypatch.setattr(inference, "PREDICT_CHUNK", 3)  # 3 + 3 + 1 digits
    np.testing.assert_allclose(inference.predict(trained_model, digits), probabilities,
                               atol=1e-6)


def test_predict_checks_its_input(trained_model):
    assert inference.predict(trained_model, np.zeros((0, 28, 28), np.uint8)).shape == (0, 10)
    with pytest.raises(ValueError, match=r"\(n, 28, 28\), got \(28, 28\)"):
        inference.predict(trained_model, np.zeros((28, 28), np.uint8))
    with pytest.raises(ValueError, match="float64"):
        inference.predict(trained_model, np.zeros((1, 28, 28)))


@pytest.mark.parametrize("resample", [Image.Resampling.NEAREST, Image.Resampling.BILINEAR],
                         ids=["nearest", "bilinear"])
def test_real_digits_drawn_ten_times_larger_are_still_recognised(trained_model, sample,
                                                                 resample):
    digits, labels = sample
    drawn = [np.asarray(Image.fromarray(digit).resize((280, 280), resample)) for digit in digits]

    prepared = np.stack([pipeline.prepare(image).digit for image in drawn])

    as_they_are = inference.predict(trained_model, digits).argmax(axis=1) == labels
    after_pipeline = inference.predict(trained_model, prepared).argmax(axis=1) == labels
    assert as_they_are.mean() >= 0.8, "the model did not learn"
    assert after_pipeline[as_they_are].mean() >= 0.9, (as_they_are.mean(), after_pipeline.mean())
    assert after_pipeline.mean() >= as_they_are.mean() - 0.04


def test_real_digits_come_back_from_ten_times_larger_nearly_as_they_were(sample):
    digits = sample[0]
    drawn = [np.asarray(Image.fromarray(digit).resize((280, 280), Image.Resampling.NEAREST))
             for digit in digits]

    prepared = np.stack([pipeline.prepare(image).digit for image in drawn])

    rows, columns = np.indices((28, 28))
    for image_set in (digits, prepared):
        mass = image_set.sum(axis=(1, 2), dtype=np.float64)
        assert abs((image_set * rows).sum(axis=(1, 2)) / mass - 14).mean() < 0.35
        assert abs((image_set * columns).sum(axis=(1, 2)) / mass - 14).mean() < 0.35
    assert np.abs(prepared.astype(int) - digits).mean() < 4  # of 255


@pytest.fixture
def loads(registry, monkeypatch) -> list:
    """The run ids registry.load_model was asked for, in order."""
    calls = []
    original = registry.load_model
    monkeypatch.setattr(registry, "load_model",
                        lambda run_id: calls.append(run_id) or original(run_id))
    return calls


def test_the_cache_keeps_only_the_most_recently_used_models(registry, loads):
    first, second, third = (stored_run(registry, small_model(seed)) for seed in range(3))
    cache = inference.ModelCache(registry, capacity=2)

    model = cache.get(first)
    cache.get(second)
    assert cache.get(first) is model and loads == [first, second]
    cache.get(third)  # evicts the least recently used: second
    assert len(cache) == 2
    assert cache.get(first) is model and loads == [first, second, third]
    cache.get(second)
    assert loads == [first, second, third, second] and len(cache) == 2


def test_a_replaced_model_file_is_loaded_again(registry, loads):
    run_id = stored_run(registry, small_model(0))
    cache = inference.ModelCache(registry)
    digit = np.full((1, 28, 28), 200, np.uint8)
    before = inference.predict(cache.get(run_id), digit)

    registry.save_model(run_id, small_model(1))
    later = registry.model_path(run_id).stat().st_mtime_ns + 1_000_000_000
    os.utime(registry.model_path(run_id), ns=(later, later))

    after = inference.predict(cache.get(run_id), digit)
    assert loads == [run_id, run_id] and len(cache) == 1
    assert not np.allclose(before, after)


def test_a_cache_needs_room(registry):
    with pytest.raises(ValueError, match="at least 1 model, got 0"):
        inference.ModelCache(registry, capacity=0)


def test_a_damaged_missing_or_misshapen_model_fails_alone(registry, trained_model, sample):
    good = stored_run(registry, trained_model)
    damaged = stored_run(registry, small_model(0))
    registry.model_path(damaged).write_bytes(b"not a keras file")
    missing = registry.create(config={}, model="mlp", workspace="alice", seed=0, command="-")
    misshapen = stored_run(registry, keras.Sequential([keras.Input((10,)), keras.layers.Dense(10)]))
    cache = inference.ModelCache(registry)

    with pytest.raises(RunError, match=f"run {damaged}: .* damaged"):
        cache.get(damaged)
    answers = inference.predict_each(cache, [damaged, good, missing, misshapen], sample[0][0])

    assert [answer.run_id for answer in answers] == [damaged, good, missing, misshapen]
    assert answers[1].error is None and answers[1].label == sample[1][0]
    assert answers[1].probabilities.shape == (10,)
    assert "damaged" in answers[0].error and answers[0].label is None
    assert "missing" in answers[2].error
    assert "cannot classify 28×28 digits" in answers[3].error
    assert len(cache) == 1


def png_file(path, pixels: np.ndarray) -> str:
    Image.fromarray(pixels).save(path)
    return str(path)


def test_predict_files_reads_either_ink_polarity(registry, trained_model, sample, tmp_path):
    digits, labels = sample
    confident = inference.predict(trained_model, digits).max(axis=1) > 0.99
    index = int(np.flatnonzero(confident)[0])
    drawn = np.asarray(Image.fromarray(digits[index]).resize((280, 280)))
    white_on_black = png_file(tmp_path / "drawn.png", drawn)
    on_paper = png_file(tmp_path / "scan.jpg", np.repeat(255 - drawn[..., None], 3, axis=2))
    trained, untrained = stored_run(registry, trained_model), stored_run(registry, small_model(0))

    rows = inference.predict_files([white_on_black, on_paper], [trained, untrained], registry)

    assert [(row["image"], row["run_id"]) for row in rows] == [
        (white_on_black, trained), (white_on_black, untrained),
        (on_paper, trained), (on_paper, untrained)]
    assert rows[0]["label"] == rows[2]["label"] == labels[index]
    assert all(len(row["probabilities"]) == 10 for row in rows)
    assert all(row["label"] == int(np.argmax(row["probabilities"])) for row in rows)
    np.testing.assert_allclose(rows[0]["probabilities"], rows[2]["probabilities"], atol=0.02)
    json.dumps(rows)  # ready for --json


def test_predict_files_refuses_a_bad_file_and_reports_a_bad_run_in_its_rows(registry, tmp_path):
    run_id = stored_run(registry, small_model(0))
    text = tmp_path / "notes.txt"
    text.write_text("seven")
    blank = png_file(tmp_path / "blank.png", np.zeros((280, 280), np.uint8))

    with pytest.raises(uploads.UploadError, match=f"{text}: the file is not an image"):
        inference.predict_files([text], [run_id], registry)
    with pytest.raises(uploads.UploadError, match=f"{blank}: no digit found"):
        inference.predict_files([blank], [run_id], registry)
    with pytest.raises(uploads.UploadError, match="absent.png: cannot read it"):
        inference.predict_files([tmp_path / "absent.png"], [run_id], registry)
    drawn = png_file(tmp_path / "one.png", np.pad(np.full((200, 30), 255, np.uint8), 40))
    good, bad = inference.predict_files([drawn], [run_id, "no-such-run"], registry)
    assert good["error"] is None and good["label"] == int(np.argmax(good["probabilities"]))
    assert bad["label"] is None and bad["probabilities"] is None
    assert "no-such-run" in bad["error"]  # the other model still answered
    assert inference.predict_files([], [run_id], registry) == []


def test_limit_threads_takes_effect_only_before_tensorflow_starts(trained_model):
    assert inference.limit_threads() is False  # this process has run TensorFlow already

    probe = ("from mnist_core.evaluate import inference; import tensorflow as tf; "
             "print(inference.limit_threads(), "
             "tf.config.threading.get_intra_op_parallelism_threads(), "
             "tf.config.threading.get_inter_op_parallelism_threads())")
    fresh = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                           check=True, cwd=Path(inference.__file__).parents[2])
    assert fresh.stdout.split() == ["True", "1", "1"]
