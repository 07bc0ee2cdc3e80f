"""A data set is a list of cases; a source lists them and loads one at a time."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np


@dataclass(frozen=True)
class Case:
    """One image (or volume) with its mask.

    ``id`` is unique in the data set (file stem, BraTS folder name, synthetic index); ``patient``
    groups cases for patient-level splits; ``images`` holds one path per channel file (a single RGB
    file for 2D folders); ``index`` is the position for generated (synthetic) data.
    """

    id: str
    patient: str
    images: tuple[str, ...] = ()
    mask: str | None = None
    index: int = -1
    meta: dict = field(default_factory=dict, compare=False, hash=False)


class DataError(ValueError):
    """A data set that cannot be used; the message lists every bad case by path."""

    def __init__(self, root: str, problems: list[tuple[str, str]]):
        self.problems = problems
        if len(problems) == 1 and problems[0][0] == root:
            # a problem of the data set itself (its list unreadable, no cases), not of a case: one line
            super().__init__(f"{root}: {problems[0][1]}")
            return
        lines = [f"  - {path}: {problem}" for path, problem in problems]
        super().__init__(f"{root}: {len(problems)} bad case(s)\n" + "\n".join(lines))


@dataclass(frozen=True)
class Source:
    """How one ``dataset.kind`` is read.

    ``cases(spec)`` lists every case (sorted by id) and raises DataError for structural problems
    (an image without its mask, …); ``load(spec, case)`` returns ``(image, mask)``: image float32
    ``(C, *spatial)`` normalised, mask float32 ``(1, *spatial)`` in {0, 1}, at the spec's size;
    ``check(spec, case)`` returns the problems of one case (empty when fine) without raising.
    """

    cases: Callable[[dict], list[Case]]
    load: Callable[[dict, Case], tuple[np.ndarray, np.ndarray]]
    check: Callable[[dict, Case], list[str]]
    spatial_dims: Callable[[dict], int]
