"""Loads a data set by ``kind`` into memory, once per process (a worker trains many jobs on it)."""

from __future__ import annotations

import json
from functools import lru_cache

import numpy as np

from .synthetic import synthetic_2d

LOADERS = {"synthetic-2d": synthetic_2d}


@lru_cache(maxsize=4)
def _cached(spec_json: str) -> tuple[np.ndarray, np.ndarray]:
    spec = json.loads(spec_json)
    kind = spec["kind"]
    if kind not in LOADERS:
        raise ValueError(f"dataset.kind {kind!r} is not known to this trainer (known: {sorted(LOADERS)})")
    return LOADERS[kind](spec)


def load_dataset(spec: dict) -> tuple[np.ndarray, np.ndarray]:
    """``(images, masks)`` arrays, ``(N, C, *spatial)``; cached by the spec's content."""
    return _cached(json.dumps(spec, sort_keys=True))
