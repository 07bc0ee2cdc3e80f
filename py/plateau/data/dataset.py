"""Cases as a torch Dataset, loaded on first use and kept in memory up to a byte budget."""

from __future__ import annotations

import json
import os
from collections import OrderedDict

import numpy as np
import torch

from .cases import Case, Source

# Shared by every job of a worker process: the same data set is loaded once, not once per job.
_CACHE: OrderedDict[tuple[str, str], tuple[np.ndarray, np.ndarray]] = OrderedDict()
_BUDGET = int(float(os.environ.get("PLATEAU_CACHE_MB", "4096")) * 2**20)


def _cached_load(src: Source, spec: dict, case: Case) -> tuple[np.ndarray, np.ndarray]:
    key = (json.dumps(spec, sort_keys=True), case.id)
    hit = _CACHE.get(key)
    if hit is not None:
        _CACHE.move_to_end(key)
        return hit
    pair = src.load(spec, case)
    _CACHE[key] = pair
    used = sum(a.nbytes + b.nbytes for a, b in _CACHE.values())
    while used > _BUDGET and len(_CACHE) > 1:
        _, (a, b) = _CACHE.popitem(last=False)
        used -= a.nbytes + b.nbytes
    return pair


class CaseDataset(torch.utils.data.Dataset):
    """``(image, mask, index)`` for the chosen cases; index points back into ``cases``."""

    def __init__(self, src: Source, spec: dict, cases: list[Case], indices: np.ndarray):
        self.src, self.spec, self.cases, self.indices = src, spec, cases, [int(i) for i in indices]

    def __len__(self) -> int:
        return len(self.indices)

    def __getitem__(self, i: int):
        image, mask = _cached_load(self.src, self.spec, self.cases[self.indices[i]])
        return torch.from_numpy(image), torch.from_numpy(mask), self.indices[i]
