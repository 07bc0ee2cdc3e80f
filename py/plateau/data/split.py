"""Seeded, patient-grouped splits and nested training subsets.

Patients (not cases) are shuffled, so one patient's images never cross train / validation / test.
The training pool keeps the shuffled order, so its prefixes are random subsets and a smaller
subset is contained in every larger one at the same seed.
"""

from __future__ import annotations

from collections import OrderedDict

import numpy as np

from .cases import Case


def part_count(part: float, total: int) -> int:
    """A count (integer ≥ 1) or a ratio below 1 of ``total``; the control plane uses the same rule."""
    return int(round(part * total)) if part < 1 else int(part)


def train_count(fraction: float, pool: int) -> int:
    """Training images at a fraction of the pool (at least one), rounded half away from zero like JS."""
    return max(1, int(np.floor(round(fraction * pool, 9) + 0.5)))


def _patients(cases: list[Case], seed: int) -> list[list[int]]:
    groups: OrderedDict[str, list[int]] = OrderedDict()
    for i, c in enumerate(cases):
        groups.setdefault(c.patient, []).append(i)
    order = np.random.default_rng(seed).permutation(len(groups))
    listed = list(groups.values())
    return [listed[k] for k in order]


def _take(groups: list[list[int]], count: int) -> tuple[list[int], list[list[int]]]:
    """Whole patients from the front until at least ``count`` cases are taken."""
    taken: list[int] = []
    while groups and len(taken) < count:
        taken += groups.pop(0)
    return taken, groups


def split_cases(cases: list[Case], split: dict, seed: int, fold: int | None = None) -> dict[str, np.ndarray]:
    """``{"train", "val", "test"}`` case indices for a fixed split or one cross-validation fold."""
    n = len(cases)
    groups = _patients(cases, seed)
    if "folds" in split:
        k = split["folds"]
        if fold is None or not 0 <= fold < k:
            raise ValueError(f"fold {fold} outside 0..{k - 1}")
        test, rest = _take(groups, part_count(split["holdout"], n))
        if len(rest) < k:
            raise ValueError(f"{len(rest)} development patients cannot make {k} folds")
        # Each patient goes to the fold with the fewest cases so far: balanced, still grouped.
        sizes, where = [0] * k, []
        for g in rest:
            f = min(range(k), key=sizes.__getitem__)
            sizes[f] += len(g)
            where.append(f)
        val = [i for g, f in zip(rest, where) if f == fold for i in g]
        pool = [i for g, f in zip(rest, where) if f != fold for i in g]
        return {"train": np.array(pool, int), "val": np.array(val, int), "test": np.array(test, int)}
    need = {name: part_count(split[name], n) for name in ("train", "val", "test")}
    if sum(need.values()) > n:
        raise ValueError(f"split needs {sum(need.values())} cases but the data set has {n}")
    test, groups = _take(groups, need["test"])
    val, groups = _take(groups, need["val"])
    train, _ = _take(groups, need["train"])
    return {"train": np.array(train, int), "val": np.array(val, int), "test": np.array(test, int)}


def split_indices(n: int, split: dict, seed: int) -> dict[str, np.ndarray]:
    """A fixed split of ``n`` cases that are each their own patient."""
    return split_cases([Case(id=str(i), patient=str(i)) for i in range(n)], split, seed)


def nested_subset(pool: np.ndarray, n_train: int) -> np.ndarray:
    """The first ``n_train`` of the (already shuffled) pool: nested across sizes at one seed."""
    if not 1 <= n_train <= len(pool):
        raise ValueError(f"n_train {n_train} outside 1..{len(pool)}")
    return pool[:n_train]
