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


def test_a_lazy_transform_is_applied_as_the_trainer_applies_it():
    """A crop written with lazy: true only recorded its change when called alone, so a U-Net of
    3 levels was tried on the uncropped 36x36 case and refused, where training crops it to 32x32."""
    three = {**UNET, "channels": [4, 8, 16, 32], "strides": [2, 2, 2]}
    job = target_job(three, transforms={role: [{"_target_": "CenterSpatialCropd", "keys": ["image", "label"], "roi_size": [32, 32], "lazy": True}]
                                        for role in ("train", "eval")})
    job["dataset"] = {**job["dataset"], "size": 36}
    assert try_job(job, "models[0]") is None
    job["dataset"]["transforms"] = {"train": [], "eval": []}
    assert try_job(job, "models[0]").startswith("models[0]: UNet does not run on one case of shape [1, 36, 36]")


def test_a_network_whose_training_output_differs_is_found_in_training_mode():
    """DynUNet with deep supervision gives one output in eval mode and its heads stacked while
    training: the check passed, and every job failed at the loss's shape check."""
    dyn = {"_target_": "monai.networks.nets.DynUNet", "spatial_dims": 2, "in_channels": 1, "out_channels": 1,
           "kernel_size": [3, 3, 3], "strides": [1, 2, 2], "upsample_kernel_size": [2, 2]}
    assert try_job(target_job(dyn), "models[0]") is None
    why = try_job(target_job({**dyn, "deep_supervision": True, "deep_supr_num": 1}), "models[0]")
    assert why.startswith("models[0]: UNet gives an output of shape [2, 1, 32, 32] in training mode"), why


def test_an_optional_import_error_is_cut_before_monai_s_advice_and_traceback():
    from plateau.preflight import _first_line

    err = RuntimeError("from einops import rearrange (No module named 'einops').\n\nFor details about installing the optional "
                       "dependencies, please visit: https://…\nOriginal traceback:\nTraceback (most recent call last):\n  File \"x\"")
    assert _first_line(err) == "from einops import rearrange (No module named 'einops')."
