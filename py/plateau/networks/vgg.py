"""VGG16/VGG19 encoders (Simonyan & Zisserman) for MONAI's FlexibleUNet, 2D or 3D, from scratch.

Blocks of 3×3 conv → batch norm → ReLU (the ``vgg*_bn`` variant: batch norm because these are trained
from scratch, where plain 13–16-layer VGG stacks train poorly; bias dropped as the norm cancels it),
64-128-256-512-512 channels, 2×2 max-pool between blocks. FlexibleUNet wants five maps, each half
the size of the last (1/2 … 1/32), so the outputs are blocks 2–5 (1/2 … 1/16) and block 5 pooled
(1/32, the bottleneck) — the skips of segmentation_models' VGG U-Net less its full-resolution one
(block 1), which FlexibleUNet's decoder has no slot for.
"""

from __future__ import annotations

import torch
from monai.networks.blocks import BaseEncoder, Convolution
from monai.networks.layers.factories import Pool
from monai.networks.nets.flexible_unet import FLEXUNET_BACKBONE

VGG_BLOCKS = {"vgg16": (2, 2, 3, 3, 3), "vgg19": (2, 2, 4, 4, 4)}
VGG_CHANNELS = (64, 128, 256, 512, 512)


def conv_block(spatial_dims: int, in_channels: int, out_channels: int, convs: int, norm) -> torch.nn.Sequential:
    return torch.nn.Sequential(*(
        Convolution(spatial_dims, in_channels if i == 0 else out_channels, out_channels, kernel_size=3,
                    act="RELU", norm=norm, bias=norm is None)
        for i in range(convs)
    ))


class VGGEncoder(torch.nn.Module, BaseEncoder):
    """``stages[0]`` is block 1; ``stages[i]`` (i ≥ 1) is a max-pool then block i+1."""

    backbone_names = list(VGG_BLOCKS)

    def __init__(self, blocks=VGG_BLOCKS["vgg16"], spatial_dims: int = 2, in_channels: int = 3,
                 pretrained: bool = False, channels=VGG_CHANNELS, norm="BATCH") -> None:
        super().__init__()
        if pretrained:
            raise ValueError("no pretrained VGG weights: plateau trains its encoders from scratch")
        if len(blocks) != len(channels):
            raise ValueError("one channel count per VGG block")
        pool = Pool[Pool.MAX, spatial_dims]
        stages, prev = [], in_channels
        for i, (convs, ch) in enumerate(zip(blocks, channels)):
            block = conv_block(spatial_dims, prev, ch, convs, norm)
            stages.append(block if i == 0 else torch.nn.Sequential(pool(kernel_size=2, stride=2), block))
            prev = ch
        self.stages = torch.nn.ModuleList(stages)
        self.pool = pool(kernel_size=2, stride=2)

    def forward(self, x: torch.Tensor) -> list[torch.Tensor]:
        x = self.stages[0](x)
        features = []
        for stage in self.stages[1:]:
            x = stage(x)
            features.append(x)
        features.append(self.pool(x))
        return features

    @classmethod
    def get_encoder_parameters(cls) -> list[dict]:
        return [{"blocks": VGG_BLOCKS[n], "spatial_dims": 2, "in_channels": 3, "pretrained": False}
                for n in cls.backbone_names]

    @classmethod
    def num_channels_per_output(cls) -> list[tuple[int, ...]]:
        return [(*VGG_CHANNELS[1:], VGG_CHANNELS[-1])] * len(cls.backbone_names)

    @classmethod
    def num_outputs(cls) -> list[int]:
        return [len(VGG_CHANNELS)] * len(cls.backbone_names)

    @classmethod
    def get_encoder_names(cls) -> list[str]:
        return cls.backbone_names


# Registering makes "vgg16"/"vgg19" valid FlexibleUNet backbones (idempotent: names map to dict keys).
FLEXUNET_BACKBONE.register_class(VGGEncoder)
