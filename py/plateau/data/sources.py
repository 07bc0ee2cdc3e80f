"""``dataset.kind`` → its Source. File-based kinds register themselves here."""

from __future__ import annotations

from .brats2020 import BRATS2020
from .cases import Source
from .datalist import DATALIST
from .decathlon import DECATHLON
from .image_folder import IMAGE_FOLDER
from .nnunet import NNUNET
from .synthetic import SYNTHETIC_2D, SYNTHETIC_3D

SOURCES: dict[str, Source] = {"synthetic-2d": SYNTHETIC_2D, "synthetic-3d": SYNTHETIC_3D,
                              "image-folder": IMAGE_FOLDER, "brats2020": BRATS2020, "decathlon": DECATHLON,
                              "nnunet": NNUNET, "datalist": DATALIST}


def source(spec: dict) -> Source:
    kind = spec["kind"]
    if kind not in SOURCES:
        raise ValueError(f"dataset.kind {kind!r} is not known to this trainer (known: {sorted(SOURCES)})")
    return SOURCES[kind]
