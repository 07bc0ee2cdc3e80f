"""Test metrics from MONAI's functional metrics, per image, then averaged over images."""

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F
from monai.metrics import compute_confusion_matrix_metric, compute_dice, compute_iou, get_confusion_matrix


def _mean(x: torch.Tensor) -> float | None:
    """Mean over images, skipping the undefined ones (NaN: e.g. precision with no prediction)."""
    v = x.float().flatten()
    v = v[~torch.isnan(v)]
    return float(v.mean()) if v.numel() else None


def per_image(pred: torch.Tensor, target: torch.Tensor) -> dict[str, torch.Tensor]:
    """Per-image DSC, IoU, recall and precision of binary ``(N, 1, ...)`` masks.

    An image with an empty ground truth scores DSC/IoU 1 when nothing is predicted and 0 when
    something is (``ignore_empty=False``), so every test image counts in the mean.
    """
    pred, target = pred.float(), target.float()
    cm = get_confusion_matrix(pred, target, include_background=True)
    return {
        "dice": compute_dice(pred, target, include_background=True, ignore_empty=False)[:, 0],
        "iou": compute_iou(pred, target, include_background=True, ignore_empty=False)[:, 0],
        "recall": compute_confusion_matrix_metric("sensitivity", cm)[:, 0],
        "precision": compute_confusion_matrix_metric("precision", cm)[:, 0],
    }


def segmentation_metrics(logits: torch.Tensor, target: torch.Tensor, threshold: float = 0.5) -> dict[str, float | None]:
    """Test metrics of a batch of logits: per-image means, and BCE over every pixel."""
    pred = (torch.sigmoid(logits) > threshold).float()
    scores = {name: _mean(v) for name, v in per_image(pred, target).items()}
    scores["bce"] = float(F.binary_cross_entropy_with_logits(logits.float(), target.float()))
    return scores


def mean_dice(logits: torch.Tensor, target: torch.Tensor) -> float:
    d = per_image((torch.sigmoid(logits) > 0.5).float(), target)["dice"]
    return float(np.nanmean(d.numpy())) if d.numel() else float("nan")
