"""A job's own MONAI dict transforms (``dataset.transforms.train`` / ``.eval``): ``_target_``
entries applied to ``{"image", "label"}`` after plateau has loaded (and cached) a case, so random
augmentation draws anew every epoch while files are read once."""

from __future__ import annotations

import torch
from monai.transforms import Compose

from ..targets import build


def compose(specs: list[dict], field: str, seed: int) -> Compose:
    """The transforms of ``specs`` in order, their random state seeded by the job's seed."""
    chain = Compose([build(s, f"{field}[{i}]") for i, s in enumerate(specs)])
    chain.set_random_state(seed=seed % 2**32)
    return chain


class Transformed(torch.utils.data.Dataset):
    """``(image, label, index)`` items of ``base`` passed through ``transform`` as a dict."""

    def __init__(self, base: torch.utils.data.Dataset, transform: Compose):
        self.base, self.transform = base, transform

    def __len__(self) -> int:
        return len(self.base)

    def __getitem__(self, i: int):
        image, label, index = self.base[i]
        out = self.transform({"image": image, "label": label})
        if isinstance(out, list):  # a cropping transform with num_samples > 1: the first sample
            out = out[0]
        as_tensor = lambda t: t.as_tensor() if hasattr(t, "as_tensor") else torch.as_tensor(t)  # noqa: E731
        return as_tensor(out["image"]).float().contiguous(), as_tensor(out["label"]).float().contiguous(), index


def with_transforms(dataset: torch.utils.data.Dataset, spec: dict, role: str, seed: int) -> torch.utils.data.Dataset:
    """``dataset`` with the data set's ``transforms[role]`` ("train" or "eval"), or as it is."""
    specs = (spec.get("transforms") or {}).get(role) or []
    return Transformed(dataset, compose(specs, f"dataset.transforms.{role}", seed)) if specs else dataset
