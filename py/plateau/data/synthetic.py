"""MONAI's synthetic segmentation images (``create_test_image_2d/3d``), seeded per case."""

from __future__ import annotations

import numpy as np
from monai.data import create_test_image_2d, create_test_image_3d

from .cases import Case, Source
from .volume import label_channels


def _cases(spec: dict) -> list[Case]:
    return [Case(id=f"synthetic-{i:05d}", patient=f"synthetic-{i:05d}", index=i) for i in range(spec["count"])]


def _load(spec: dict, case: Case) -> tuple[np.ndarray, np.ndarray]:
    # One RandomState per case: case i is the same whatever `count` is.
    rng = np.random.RandomState(spec["seed"] * 1_000_003 + case.index)
    size = spec["size"]
    radius_max = max(2, min(spec["radius_max"], size // 4))
    classes = spec.get("classes")
    # With classes, objects get labels 1..K (MONAI draws each object's intensity, K bands of it).
    k = max(v for values in classes.values() for v in values) if classes else 1
    args = dict(num_objs=spec["objects"], rad_max=radius_max, rad_min=min(5, radius_max - 1),
                noise_max=spec["noise"], num_seg_classes=k, random_state=rng)
    if spec["kind"] == "synthetic-3d":
        img, seg = create_test_image_3d(size, size, size, **args)
    else:
        img, seg = create_test_image_2d(size, size, **args)
    return img[None].astype(np.float32), label_channels(seg, spec)


def _check(spec: dict, case: Case) -> list[str]:
    return []


SYNTHETIC_2D = Source(cases=_cases, load=_load, check=_check, spatial_dims=lambda spec: 2)
SYNTHETIC_3D = Source(cases=_cases, load=_load, check=_check, spatial_dims=lambda spec: 3)

