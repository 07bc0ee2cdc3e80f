"""MONAI's synthetic segmentation images (``create_test_image_2d``), seeded per image."""

from __future__ import annotations

import numpy as np
from monai.data import create_test_image_2d


def synthetic_2d(spec: dict) -> tuple[np.ndarray, np.ndarray]:
    """``(images, masks)``, each ``(count, 1, size, size)`` float32; masks are 0/1."""
    count, size = spec["count"], spec["size"]
    images = np.empty((count, 1, size, size), np.float32)
    masks = np.empty((count, 1, size, size), np.float32)
    radius_max = max(2, min(spec["radius_max"], size // 4))
    for i in range(count):
        # One RandomState per image: image i is the same whatever `count` is.
        rng = np.random.RandomState(spec["seed"] * 1_000_003 + i)
        img, seg = create_test_image_2d(
            size, size, num_objs=spec["objects"], rad_max=radius_max, rad_min=min(5, radius_max - 1),
            noise_max=spec["noise"], num_seg_classes=1, random_state=rng,
        )
        images[i, 0] = img
        masks[i, 0] = seg > 0
    return images, masks
