"""Losses, optimizers and learning-rate schedules of a job's ``training`` block: a short name
(the papers' and nnU-Net's settings) or any object by ``_target_`` (see ``targets``)."""

from __future__ import annotations

from collections.abc import Callable, Iterable

import torch
import torch.nn.functional as F
from monai.losses import DiceCELoss, DiceLoss

from .targets import build

Loss = Callable[[torch.Tensor, torch.Tensor], torch.Tensor]


def with_background(y: torch.Tensor) -> torch.Tensor:
    """``(N, C, ...)`` exclusive class masks → ``(N, C + 1, ...)`` one-hot with background first."""
    return torch.cat([1 - y.sum(1, keepdim=True).clamp(max=1), y], 1)


def loss_function(spec: str | dict, activation: str = "sigmoid") -> Loss:
    """Losses on logits: the papers' BCE, MONAI's Dice / Dice + CE (sigmoid applied inside), or a
    ``_target_`` called as ``loss(logits, labels)``. With ``activation="softmax"`` the network has
    a background output first: BCE becomes cross-entropy, Dice / Dice + CE take the softmax, and
    every loss (a ``_target_`` one too) gets the labels one-hot with that background channel."""
    if activation == "softmax":
        if spec == "bce":
            return lambda logits, y: F.cross_entropy(logits, with_background(y).argmax(1))
        inner = (DiceLoss(softmax=True) if spec == "dice" else DiceCELoss(softmax=True) if spec == "dicece"
                 else loss_function(spec))
        return lambda logits, y: inner(logits, with_background(y))
    if activation != "sigmoid":
        raise ValueError(f"training.activation {activation!r} is not known")
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
