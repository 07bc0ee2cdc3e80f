"""``plateau run``'s try of each model on one case before anything is stored (plateau.preflight):
real MONAI networks and transforms on the synthetic data, on the CPU, no training."""

import json

import pytest
import torch
from monai.networks.nets import UNet

from plateau import bridge
from plateau.preflight import try_job

from jobs import tiny_job

UNET = {"_target_": "monai.networks.nets.UNet", "spatial_dims": 2, "in_channels": 1, "out_channels": 1,
        "channels": [4, 8], "strides": [2]}


def target_job(target=UNET, pretrained=None, transforms=None):
    model = {"name": "UNet", "family": "target", "target": dict(target)}
    if pretrained:
        model["pretrained"] = str(pretrained)
    job = tiny_job(model=model)
    if transforms:
        job["dataset"] = {**job["dataset"], "transforms": {"train": [], "eval": [], **transforms}}
    return job


def test_a_job_that_can_train_passes(tmp_path):
    weights = tmp_path / "w.pt"
    torch.save(UNet(spatial_dims=2, in_channels=1, out_channels=1, channels=(4, 8), strides=(2,)).state_dict(), weights)
    flip = [{"_target_": "RandFlipd", "keys": ["image", "label"], "prob": 1.0, "spatial_axis": 0}]
    assert try_job(target_job(pretrained=weights, transforms={"train": flip, "eval": flip}), "models[0]") is None
    assert try_job(tiny_job(), "models[0]") is None  # a built-in family


def test_a_network_that_does_not_build_is_named_by_its_target_field():
    why = try_job(target_job({**UNET, "channels": [4], "strides": []}), "models[0]")
    assert why.startswith("models[0]._target_: cannot build monai.networks.nets.UNet: the length of `channels`"), why


@pytest.mark.parametrize("content, says", [
    ("other", "models[0].pretrained: the weights in {path} do not fit UNet (Error(s) in loading state_dict for UNet: size mismatch"),
    ("text", "models[0].pretrained: cannot read pretrained weights {path} (not a file torch.save wrote"),
    ("missing", "models[0].pretrained: cannot read pretrained weights {path} (no such file)"),
])
def test_pretrained_weights_that_do_not_load_are_named_by_the_pretrained_field(tmp_path, content, says):
    path = tmp_path / "w.pt"
    if content == "other":
        torch.save(UNet(spatial_dims=2, in_channels=1, out_channels=1, channels=(8, 16), strides=(2,)).state_dict(), path)
    elif content == "text":
        path.write_text("my notes\n")
    why = try_job(target_job(pretrained=path), "models[0]")
    assert why.startswith(says.format(path=path)), why
    assert "\n" not in why


def test_a_transform_that_fails_on_the_data_is_named_by_its_index():
    bad = {"eval": [{"_target_": "ScaleIntensityd", "keys": ["image"]}, {"_target_": "ScaleIntensityd", "keys": ["img"]}]}
    why = try_job(target_job(transforms=bad), "models[0]")
    assert why.startswith("dataset.transforms.eval[1]: ScaleIntensityd fails on case synthetic-"), why
    assert "Key `img` of transform `ScaleIntensityd` was missing" in why and "Error:" not in why


def test_a_network_that_cannot_take_the_data_or_gives_the_wrong_output():
    why = try_job(target_job({**UNET, "spatial_dims": 3}), "models[0]")
    assert why.startswith("models[0]: UNet does not run on one case of shape [1, 32, 32]"), why
    why = try_job(target_job({**UNET, "out_channels": 2}), "models[0]")
    assert why.startswith("models[0]: UNet gives an output of shape [2, 32, 32] for one case of shape [1, 32, 32], where training needs [1, 32, 32]"), why


def test_the_bridge_checks_targets_first_then_tries_the_jobs():
    # a target that does not import: named without building anything
    out = json.loads(bridge.check_run(json.dumps({"targets": {"models UNet": {"_target_": "monai.networks.nets.UNett"}},
                                                  "jobs": [{"field": "models[0]", "job": target_job()}]})))
    assert len(out["problems"]) == 1 and "UNett" in out["problems"][0]
    out = json.loads(bridge.check_run(json.dumps({"targets": {"models UNet": UNET},
                                                  "jobs": [{"field": "models[0]", "job": target_job({**UNET, "out_channels": 3})}]})))
    assert out["problems"] == [try_job(target_job({**UNET, "out_channels": 3}), "models[0]")]
    ok = json.loads(bridge.check_run(json.dumps({"targets": {"models UNet": UNET}, "jobs": [{"field": "models[0]", "job": target_job()}]})))
    assert ok == {"problems": []}
