"""Test metrics from MONAI's functional metrics, per image, then averaged over images."""

from __future__ import annotations

import numpy as np
import torch
from monai.metrics import compute_confusion_matrix_metric, compute_dice, compute_iou, get_confusion_matrix


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


def _as_tensor(x) -> torch.Tensor:
    return torch.as_tensor(x).float()


def binarise(prob: torch.Tensor) -> torch.Tensor:
    """round(ŷ) for probabilities: 1 where ŷ > 0.5. Half rounds to even (0) as in tf.round,
    np.round and torch.round, so exactly 0.5 is background, as with ``sigmoid > 0.5`` above."""
    return (_as_tensor(prob) > 0.5).float()


def global_dice(pred, target) -> float:
    """The LV study's DICE = 2·Σ(y·round(ŷ)) / (Σy + Σround(ŷ)) summed over every pixel of every
    image (one ratio, not a mean of per-image ratios), ŷ probabilities and y binary. 0/0 (nothing
    to find, nothing found) is 1."""
    y, yhat = _as_tensor(target), binarise(pred)
    if y.shape != yhat.shape:
        raise ValueError(f"pred {tuple(yhat.shape)} and target {tuple(y.shape)} differ in shape")
    return dice_from_counts(float((y * yhat).sum()), float(y.sum()), float(yhat.sum()))


def dice_from_counts(overlap: float, truth: float, predicted: float) -> float:
    """2·overlap / (truth + predicted); 0/0 (nothing to find, nothing found) is a perfect 1. Counts can
    be summed batch by batch, so the trainer gets the global DICE without holding every mask."""
    return 1.0 if truth + predicted == 0 else 2.0 * overlap / (truth + predicted)


def per_class(pred, target) -> dict[str, torch.Tensor]:
    """``per_image`` for every channel of ``(N, C, ...)`` binary masks (one channel per class or
    region): each metric as an ``(N, C)`` tensor."""
    yhat, y = binarise(pred), _as_tensor(target)
    if yhat.shape != y.shape:
        raise ValueError(f"pred {tuple(yhat.shape)} and target {tuple(y.shape)} differ in shape")
    each = [per_image(yhat[:, c:c + 1], y[:, c:c + 1]) for c in range(y.shape[1])]
    return {name: torch.stack([m[name] for m in each], dim=1) for name in each[0]}


def per_case(pred, target, ids) -> list[dict]:
    """One row per case of ``(N, C, ...)`` predictions (probabilities or binary masks, thresholded
    at 0.5) and binary targets: DSC, IoU, recall, precision (None where undefined: no foreground
    in the truth or in the prediction), each the mean over the C classes where defined, and the
    number of ground-truth foreground pixels (all classes)."""
    yhat, y = binarise(pred), _as_tensor(target)
    ids = list(ids)
    if len(ids) != y.shape[0]:
        raise ValueError(f"{len(ids)} case ids for {y.shape[0]} cases")
    m = per_class(yhat, y)
    foreground = y.flatten(1).sum(1)
    rows = []
    for i, case_id in enumerate(ids):
        row = {"case_id": case_id}
        for name in ("dice", "iou", "recall", "precision"):
            v = float(torch.nanmean(m[name][i])) if not torch.isnan(m[name][i]).all() else float("nan")
            row[name] = None if np.isnan(v) else v
        row["foreground"] = int(foreground[i])
        rows.append(row)
    return rows
