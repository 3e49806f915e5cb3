"""Q1.1: the preprocessing, with the numbers of the data the student's runs train on."""

import dataclasses

from mnist_core.data.preprocess import NUM_CLASSES
from mnist_core.store import Run


@dataclasses.dataclass(frozen=True)
class Preprocessing:
    raw_dtype: str
    raw_max: int  # the brightest grey level: what every pixel is divided by
    raw_megabytes: float
    scaled_dtype: str
    scaled_min: float
    scaled_max: float
    scaled_megabytes: float
    classes: int  # the length of a one-hot label
    run_id: str | None  # the student's latest done run, which trained on these images
    run_source: str | None  # where its data came from, as it stored it
    run_sha256: str | None


def preprocessing(comparison: dict, run: Run | None) -> Preprocessing:
    """`comparison` is data.explore.scaling_comparison of the training images."""
    raw, scaled = comparison["before"]["summary"], comparison["after"]["summary"]
    stored = run.data if run is not None else {}
    return Preprocessing(
        raw_dtype=raw["dtype"], raw_max=raw["max"], raw_megabytes=raw["megabytes"],
        scaled_dtype=scaled["dtype"], scaled_min=scaled["min"], scaled_max=scaled["max"],
        scaled_megabytes=scaled["megabytes"], classes=NUM_CLASSES,
        run_id=run.run_id if run is not None else None,
        run_source=stored.get("source"), run_sha256=stored.get("sha256"))
