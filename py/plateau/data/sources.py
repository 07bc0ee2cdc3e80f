"""``dataset.kind`` → its Source. File-based kinds register themselves here."""

from __future__ import annotations

from .cases import Source
from .synthetic import SYNTHETIC_2D, SYNTHETIC_3D

SOURCES: dict[str, Source] = {"synthetic-2d": SYNTHETIC_2D, "synthetic-3d": SYNTHETIC_3D}


def source(spec: dict) -> Source:
    kind = spec["kind"]
    if kind not in SOURCES:
        raise ValueError(f"dataset.kind {kind!r} is not known to this trainer (known: {sorted(SOURCES)})")
    return SOURCES[kind]
