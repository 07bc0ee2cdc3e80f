"""Losses, optimizers and learning-rate schedules of a job's ``training`` block: a short name
(the papers' and nnU-Net's settings) or any object by ``_target_`` (see ``targets``)."""

from __future__ import annotations

from collections.abc import Callable, Iterable

import torch
import torch.nn.functional as F
from monai.losses import DiceCELoss, DiceLoss

from .targets import build

Loss = Callable[[torch.Tensor, torch.Tensor], torch.Tensor]


def loss_function(spec: str | dict) -> Loss:
    """Losses on logits: the papers' BCE, MONAI's Dice / Dice + CE (sigmoid applied inside), or a
    ``_target_`` called as ``loss(logits, labels)``."""
    if isinstance(spec, dict):
        return build(spec, "training.loss")
    if spec == "bce":
        return F.binary_cross_entropy_with_logits
    if spec == "dice":
        return DiceLoss(sigmoid=True)
    if spec == "dicece":
        return DiceCELoss(sigmoid=True)
    raise ValueError(f"training.loss {spec!r} is not known")


def optimizer(spec: str | dict, params: Iterable[torch.nn.Parameter], lr: float,
              weight_decay: float) -> torch.optim.Optimizer:
    """Adam; SGD as nnU-Net trains (momentum 0.99, Nesterov); or a ``_target_`` given the
    parameters, ``lr`` and ``weight_decay`` (these are grid axes, so they override the spec's)."""
    if isinstance(spec, dict):
        return build(spec, "training.optimizer", params=params, lr=lr, weight_decay=weight_decay)
    if spec == "adam":
        return torch.optim.Adam(params, lr=lr, weight_decay=weight_decay)
    if spec == "sgd":
        return torch.optim.SGD(params, lr=lr, weight_decay=weight_decay, momentum=0.99, nesterov=True)
    raise ValueError(f"training.optimizer {spec!r} is not known")


def scheduler(spec: str | dict | None, opt: torch.optim.Optimizer, epochs: int):
    """Stepped once an epoch: ``poly`` = nnU-Net's lr·(1 − epoch/epochs)^0.9, a ``_target_`` given
    the optimizer, or None (constant learning rate)."""
    if spec is None:
        return None
    if isinstance(spec, dict):
        return build(spec, "training.scheduler", optimizer=opt)
    if spec == "poly":
        return torch.optim.lr_scheduler.PolynomialLR(opt, total_iters=epochs, power=0.9)
    raise ValueError(f"training.scheduler {spec!r} is not known")
