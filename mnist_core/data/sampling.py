"""Stratified, seeded samples: every class keeps its share, the same seed gives the same rows."""

import numpy as np

SPLIT_SEED = 0  # every split of the lab is drawn with this seed


def stratified_sample(labels: np.ndarray, size: int, seed: int) -> np.ndarray:
    """Indices of `size` samples, each class represented in proportion, in shuffled order."""
    if not 0 <= size <= len(labels):
        raise ValueError(f"sample size {size} is outside 0..{len(labels)}")
    order = np.random.default_rng(seed).permutation(len(labels))
    shuffled = labels[order]
    # Each sample's rank within its class, as a fraction of the class size: taking the
    # smallest fractions takes the same share of every class.
    fraction = np.empty(len(labels))
    for label in np.unique(shuffled):
        members = np.flatnonzero(shuffled == label)
        fraction[members] = (np.arange(len(members)) + 0.5) / len(members)
    chosen = np.argsort(fraction, kind="stable")[:size]
    return order[np.sort(chosen)]
