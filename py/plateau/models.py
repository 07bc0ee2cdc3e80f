"""Networks by ``model.family``; ``depth`` is the number of resolution levels of the U-Net."""

from __future__ import annotations

import torch
from monai.networks.layers import Norm
from monai.networks.nets import UNet


def resunet(depth: int, channels: int = 16, res_units: int = 2, spatial_dims: int = 2,
            in_channels: int = 1, out_channels: int = 1) -> torch.nn.Module:
    """MONAI ``UNet`` with residual units (Kerfoot et al.), ``depth`` levels, channels doubling
    per level: depth 3 → (16, 32, 64) with two stride-2 downsamplings."""
    if depth < 2:
        raise ValueError("depth must be at least 2 resolution levels")
    return UNet(
        spatial_dims=spatial_dims,
        in_channels=in_channels,
        out_channels=out_channels,
        channels=tuple(channels * 2**i for i in range(depth)),
        strides=(2,) * (depth - 1),
        num_res_units=res_units,
        norm=Norm.BATCH,
    )


def build_model(spec: dict, spatial_dims: int, in_channels: int, out_channels: int = 1) -> torch.nn.Module:
    family = spec["family"]
    if family == "resunet":
        return resunet(spec["depth"], spec["channels"], spec["res_units"], spatial_dims, in_channels, out_channels)
    raise ValueError(f"model.family {family!r} is not known to this trainer")


def count_parameters(model: torch.nn.Module) -> int:
    return sum(p.numel() for p in model.parameters() if p.requires_grad)
