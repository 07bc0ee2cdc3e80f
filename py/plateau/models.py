"""Networks by ``model.family``: ``resunet`` (Lee et al.; ``depth`` is the number of resolution
levels) and U-Nets on VGG/ResNet/EfficientNet encoders (the LV study), always trained from scratch."""

from __future__ import annotations

import torch
from monai.networks.layers import Norm
from monai.networks.nets import FlexibleUNet, UNet

from plateau.networks import vgg  # noqa: F401  (registers the vgg16/vgg19 FlexibleUNet backbones)

from .targets import TargetError, build

# model.family → FlexibleUNet backbone; the names are fixed by ENCODER_FAMILIES in ts/experiment/model.ts.
ENCODER_BACKBONES = {
    "unet-vgg16": "vgg16", "unet-vgg19": "vgg19",
    "unet-resnet18": "resnet18", "unet-resnet34": "resnet34", "unet-resnet50": "resnet50",
    **{f"unet-efficientnet-b{i}": f"efficientnet-b{i}" for i in range(8)},
}


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


def encoder_unet(family: str, spatial_dims: int = 2, in_channels: int = 1, out_channels: int = 1) -> torch.nn.Module:
    """MONAI ``FlexibleUNet`` on the family's encoder, random weights: five encoder maps (1/2 … 1/32),
    a decoder of nearest upsampling + skip concatenation + two conv-BN-ReLU per level with
    256-128-64-32-16 channels, and a 3×3 conv head giving logits. Every backbone here (MONAI's
    ResNet and EfficientNet, our VGG) is written for 2 or 3 spatial dimensions."""
    backbone = ENCODER_BACKBONES.get(family)
    if backbone is None:
        raise ValueError(f"model.family {family!r} is not known to this trainer")
    if spatial_dims not in (2, 3):
        raise ValueError(f"model.family {family!r} supports 2 or 3 spatial dimensions, not {spatial_dims}")
    return FlexibleUNet(in_channels=in_channels, out_channels=out_channels, backbone=backbone,
                        pretrained=False, spatial_dims=spatial_dims)


def target_network(spec: dict, field: str | None = None) -> torch.nn.Module:
    """A network by ``_target_`` (the user's constructor arguments as written), untrained; errors
    name ``field`` (default ``model NAME``)."""
    field = field or f"model {spec['name']}"
    model = build(spec["target"], field)
    if not isinstance(model, torch.nn.Module):
        raise TargetError(f"{field}: {spec['target']['_target_']} gave a {type(model).__name__}, not a torch.nn.Module")
    return model


def one_line(text: str, limit: int = 300) -> str:
    """``text`` (an error's message) as one short line: load_state_dict lists every key, over many lines."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def load_pretrained(model: torch.nn.Module, path: str, field: str) -> torch.nn.Module:
    """``model`` with the state_dict in ``path`` loaded; a file that cannot be read, is not a
    state_dict, or does not fit the network is a TargetError naming ``field``."""
    try:
        state = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as err:  # noqa: BLE001 - OSError, pickle errors, torch's own: all "cannot read"
        why = "no such file" if isinstance(err, FileNotFoundError) else f"not a file torch.save wrote, or not weights alone: {one_line(str(err))}"
        raise TargetError(f"{field}: cannot read pretrained weights {path} ({why})") from err
    if not isinstance(state, dict):
        raise TargetError(f"{field}: {path} holds a {type(state).__name__}, not a state_dict (save it with torch.save(net.state_dict(), FILE))")
    try:
        model.load_state_dict(state)
    except Exception as err:  # noqa: BLE001 - RuntimeError (keys, shapes), TypeError (values)
        raise TargetError(f"{field}: the weights in {path} do not fit {type(model).__name__} ({one_line(str(err))})") from err
    return model


def target_model(spec: dict) -> torch.nn.Module:
    """A network by ``_target_``, with the ``pretrained`` state_dict loaded when given."""
    model = target_network(spec)
    if spec.get("pretrained"):
        load_pretrained(model, spec["pretrained"], f"model {spec['name']}")
    return model


def build_model(spec: dict, spatial_dims: int, in_channels: int, out_channels: int = 1) -> torch.nn.Module:
    """The job's network: by family, or by ``_target_`` (which ignores the sizes given here: the
    user's arguments say them)."""
    family = spec["family"]
    if family == "target":
        return target_model(spec)
    if family == "resunet":
        return resunet(spec["depth"], spec["channels"], spec["res_units"], spatial_dims, in_channels, out_channels)
    return encoder_unet(family, spatial_dims, in_channels, out_channels)


def size_multiple(spec: dict) -> int:
    """What every spatial size of the input must be a multiple of: MONAI's decoders pad a skip/upsample
    mismatch of at most one pixel, so each halving must be exact (the encoders' strided convs round
    odd sizes up, max-pools down). ``resunet`` halves depth-1 times, the encoder U-Nets five times."""
    if spec["family"] == "resunet":
        return 2 ** (spec["depth"] - 1)
    if spec["family"] in ("target", "bundle"):
        return 1  # the user's network: its constructor arguments are theirs to match to the data
    if spec["family"] not in ENCODER_BACKBONES:
        raise ValueError(f"model.family {spec['family']!r} is not known to this trainer")
    return 32


def count_parameters(model: torch.nn.Module) -> int:
    return sum(p.numel() for p in model.parameters() if p.requires_grad)
