import pytest
import torch

from plateau.models import ENCODER_BACKBONES, build_model, size_multiple
from plateau.networks.vgg import VGGEncoder

FAMILIES = sorted(ENCODER_BACKBONES)
SCHEMA_FAMILIES = (["unet-vgg16", "unet-vgg19", "unet-resnet18", "unet-resnet34", "unet-resnet50"]
                   + [f"unet-efficientnet-b{i}" for i in range(8)])


def params(m):
    return sum(p.numel() for p in m.parameters())


def forward(family, spatial_dims, in_channels, size):
    net = build_model({"family": family}, spatial_dims, in_channels).eval()
    x = torch.randn(1, in_channels, *(size,) * spatial_dims)
    with torch.no_grad():
        return net(x)


def test_every_schema_family_is_known():
    assert sorted(SCHEMA_FAMILIES) == FAMILIES


# One forward per family at 64×64 (1/32 is 2×2), channel counts spread over the families to keep
# the suite fast; all three counts on one MONAI backbone and on our VGG below.
@pytest.mark.parametrize("family,in_channels", [(f, (1, 3, 4)[i % 3]) for i, f in enumerate(FAMILIES)])
def test_family_forward_2d(family, in_channels):
    assert forward(family, 2, in_channels, 64).shape == (1, 1, 64, 64)


@pytest.mark.parametrize("family", ["unet-resnet18", "unet-vgg16"])
@pytest.mark.parametrize("in_channels", [1, 3, 4])
def test_grey_rgb_and_mri_channels(family, in_channels):
    assert forward(family, 2, in_channels, 32).shape == (1, 1, 32, 32)


def test_sizes_must_be_multiples_of_32():
    assert size_multiple({"family": "unet-efficientnet-b3"}) == 32
    assert size_multiple({"family": "resunet", "depth": 4}) == 8
    assert forward("unet-resnet18", 2, 1, 96).shape == (1, 1, 96, 96)  # 96 = 3·32: not a power of two
    with pytest.raises(RuntimeError):  # 48: 3 → 2 at 1/32 (strided convs round up), 2 → 4 ≠ 3 on the way back
        forward("unet-resnet18", 2, 1, 48)


@pytest.mark.parametrize("family", ["unet-vgg16", "unet-resnet18", "unet-efficientnet-b0"])
def test_family_forward_3d(family):
    assert forward(family, 3, 4, 32).shape == (1, 1, 32, 32, 32)


def test_vgg_block_structure():
    for blocks, name in (((2, 2, 3, 3, 3), "vgg16"), ((2, 2, 4, 4, 4), "vgg19")):
        enc = VGGEncoder(blocks, spatial_dims=2, in_channels=3)
        convs = [sum(isinstance(m, torch.nn.Conv2d) for m in s.modules()) for s in enc.stages]
        assert convs == list(blocks), name
        widths = [[m.out_channels for m in s.modules() if isinstance(m, torch.nn.Conv2d)][-1] for s in enc.stages]
        assert widths == [64, 128, 256, 512, 512]
        # Conv weights 3×3, bias-free (batch norm after each conv).
        assert all(m.kernel_size == (3, 3) and m.bias is None for m in enc.modules() if isinstance(m, torch.nn.Conv2d))
        # Five maps for FlexibleUNet, each half the size of the one before: 1/2 … 1/32 of 64.
        feats = enc(torch.zeros(1, 3, 64, 64))
        assert [tuple(f.shape[1:]) for f in feats] == [(128, 32, 32), (256, 16, 16), (512, 8, 8), (512, 4, 4), (512, 2, 2)]


def test_vgg19_is_larger_by_its_extra_convs():
    v16, v19 = (build_model({"family": f}, 2, 3) for f in ("unet-vgg16", "unet-vgg19"))
    # One extra 3×3 conv in each of blocks 3 (256→256), 4 and 5 (512→512), each with a batch norm
    # (weight + bias) and no conv bias.
    assert params(v19) - params(v16) == (256 * 256 * 9 + 2 * 256) + 2 * (512 * 512 * 9 + 2 * 512)


def test_no_pretrained_vgg():
    with pytest.raises(ValueError, match="pretrained"):
        VGGEncoder(pretrained=True)


def test_unknown_family_and_bad_dims_are_named():
    with pytest.raises(ValueError, match="'unet-vgg11'"):
        build_model({"family": "unet-vgg11"}, 2, 1)
    with pytest.raises(ValueError, match="'unet-resnet18'"):
        build_model({"family": "unet-resnet18"}, 1, 1)
