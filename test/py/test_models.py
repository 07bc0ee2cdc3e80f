import pytest
import torch

from plateau.models import build_model, count_parameters, resunet


@pytest.mark.parametrize("spatial_dims", [2, 3])
def test_parameter_count_grows_with_depth(spatial_dims):
    counts = [count_parameters(resunet(d, channels=4, res_units=1, spatial_dims=spatial_dims)) for d in (3, 4, 5, 6)]
    assert all(b > a for a, b in zip(counts, counts[1:])), counts


def test_depth_is_resolution_levels():
    net = resunet(4, channels=8)
    # Three stride-2 steps: a 64-pixel input reaches 8 pixels at the bottom and comes back whole.
    assert net.channels == (8, 16, 32, 64) and net.strides == (2, 2, 2)
    assert net(torch.zeros(2, 1, 64, 64)).shape == (2, 1, 64, 64)


def test_unknown_family_is_named():
    with pytest.raises(ValueError, match="'vit'"):
        build_model({"family": "vit"}, 2, 1)
