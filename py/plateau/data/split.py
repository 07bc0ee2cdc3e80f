"""Seeded train/validation/test splits and nested training subsets."""

from __future__ import annotations

import numpy as np


def split_indices(n: int, split: dict, seed: int) -> dict[str, np.ndarray]:
    """A seeded permutation of ``range(n)`` cut into test, val and the training pool.

    The training pool keeps the permutation's order, so its prefixes are random subsets.
    """
    need = split["train"] + split["val"] + split["test"]
    if need > n:
        raise ValueError(f"split needs {need} cases but the data set has {n}")
    order = np.random.default_rng(seed).permutation(n)
    test, val = order[: split["test"]], order[split["test"] : split["test"] + split["val"]]
    train = order[split["test"] + split["val"] : need]
    return {"train": train, "val": val, "test": test}


def nested_subset(pool: np.ndarray, n_train: int) -> np.ndarray:
    """The first ``n_train`` of the (already shuffled) pool: every smaller fraction's subset is
    contained in every larger one at the same seed."""
    if not 1 <= n_train <= len(pool):
        raise ValueError(f"n_train {n_train} outside 1..{len(pool)}")
    return pool[:n_train]
