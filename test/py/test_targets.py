"""Networks, losses, optimizers and schedules by ``_target_`` (MONAI bundle style), SGD + poly."""

import textwrap

import pytest
import torch

from jobs import tiny_job
from plateau.models import build_model
from plateau.optim import loss_function, optimizer, scheduler
from plateau.schemas import validate_job
from plateau.targets import TargetError, build
from plateau.train import fit, run_job
from test_train import Scripted, loaders

SEGRESNET = {"_target_": "monai.networks.nets.SegResNet", "spatial_dims": 2, "in_channels": 1, "out_channels": 1,
             "init_filters": 8, "blocks_down": [1, 1], "blocks_up": [1]}


def target_job(model: dict, name: str, **training):
    job = tiny_job(model={"name": name, "family": "target", "target": model})
    job["training"].update(training)
    validate_job(job)  # the shape the control plane sends (schemas/job.json)
    return job


def test_segresnet_by_target_trains_with_sgd_poly_and_a_monai_loss_by_target():
    job = target_job(SEGRESNET, "SegResNet", optimizer="sgd", scheduler="poly",
                     loss={"_target_": "monai.losses.DiceCELoss", "sigmoid": True})
    result = run_job(job, device="cpu", cost=True)
    expected = sum(p.numel() for p in build(SEGRESNET, "model").parameters())
    assert result.metrics["params"] == expected, "the network trained is the one the spec names"
    assert len(result.epochs) == 2 and 0.0 <= result.metrics["dice"] <= 1.0


def test_poly_schedule_follows_nnunet_formula_once_an_epoch():
    model = Scripted()
    train, val = loaders()
    opt = optimizer("sgd", model.parameters(), lr=0.1, weight_decay=0.0)
    assert opt.param_groups[0]["momentum"] == 0.99 and opt.param_groups[0]["nesterov"]
    lrs = []
    fit(model, train, val, loss_function("bce"), opt, torch.device("cpu"), epochs=4,
        on_epoch=lambda r: lrs.append(opt.param_groups[0]["lr"]), lr_schedule=scheduler("poly", opt, 4))
    assert lrs == pytest.approx([0.1 * (1 - e / 4) ** 0.9 for e in range(1, 5)])


def test_optimizer_and_scheduler_by_target_get_the_grid_lr_and_the_optimizer():
    model = Scripted()
    opt = optimizer({"_target_": "torch.optim.AdamW", "betas": [0.8, 0.9], "lr": 5.0}, model.parameters(), 0.01, 0.1)
    assert isinstance(opt, torch.optim.AdamW)
    assert opt.param_groups[0]["lr"] == 0.01 and opt.param_groups[0]["weight_decay"] == 0.1  # training's, not the spec's
    assert tuple(opt.param_groups[0]["betas"]) == (0.8, 0.9)
    sched = scheduler({"_target_": "torch.optim.lr_scheduler.StepLR", "step_size": 1, "gamma": 0.5}, opt, 3)
    sched.step()
    assert opt.param_groups[0]["lr"] == pytest.approx(0.005)


def test_user_code_by_module_function_and_pretrained_weights(tmp_path, monkeypatch):
    (tmp_path / "usernets.py").write_text(textwrap.dedent("""
        import torch
        def tiny(width):
            return torch.nn.Sequential(torch.nn.Conv2d(1, width, 3, padding=1), torch.nn.Conv2d(width, 1, 1))
    """))
    monkeypatch.syspath_prepend(str(tmp_path))
    spec = {"_target_": "usernets:tiny", "width": 3}
    weights = tmp_path / "w.pt"
    torch.save(build(spec, "model").state_dict(), weights)
    model = build_model({"name": "mine", "family": "target", "target": spec, "pretrained": str(weights)}, 2, 1)
    saved = torch.load(weights)
    assert all(torch.equal(model.state_dict()[k], saved[k]) for k in saved)
    result = run_job(target_job(spec, "mine"), device="cpu", cost=True)
    assert result.metrics["params"] == (1 * 3 * 9 + 3) + (3 + 1)


@pytest.mark.parametrize("spec, words", [
    ({"_target_": "usernets_missing:tiny"}, "cannot import usernets_missing:tiny"),
    ({"_target_": "monai.networks.nets.NoSuchNet"}, "cannot build monai.networks.nets.NoSuchNet"),
    ({"_target_": "monai.networks.nets.SegResNet", "no_such_arg": 1}, "no_such_arg"),
])
def test_a_bad_target_names_the_field_and_the_target(spec, words):
    with pytest.raises(TargetError, match="model x") as err:
        build_model({"name": "x", "family": "target", "target": spec}, 2, 1)
    assert words in str(err.value)


def test_an_argument_the_target_does_not_take_is_found_before_training():
    from plateau.targets import unresolved

    spec = {"_target_": "monai.networks.nets.SegResNet", "spatial_dims": 2, "blocks_upp": [1],
            "act": {"_target_": "torch.nn.ReLU", "inplace": True, "slope": 1}}
    problems = unresolved(spec, "models SegResNet")
    assert problems == [
        "models SegResNet: monai.networks.nets.SegResNet takes no argument 'blocks_upp' (did you mean 'blocks_up'?)",
        "models SegResNet.act: torch.nn.ReLU takes no argument 'slope'",
    ]
    # ConfigParser's own keys, and targets taking **kwargs, are not arguments to check
    assert unresolved({"_target_": "monai.networks.nets.SegResNet", "_mode_": "callable", "spatial_dims": 2}, "m") == []
    assert unresolved({"_target_": "monai.transforms.LoadImaged", "keys": ["image"], "reader_option": 1}, "t") == []  # passed on to its reader
