"""Evaluation of a network over a loader, batch by batch (3D volumes never sit in memory together)."""

from __future__ import annotations

import contextlib
import math

import torch
import torch.nn.functional as F

from .data import Case
from .metrics import per_image


def _nanmean(values: list[float | None]) -> float | None:
    v = [x for x in values if x is not None and not math.isnan(x)]
    return sum(v) / len(v) if v else None


def _value(t: torch.Tensor) -> float | None:
    x = float(t)
    return None if math.isnan(x) else x


def evaluate(model: torch.nn.Module, loader, loss_fn, device: torch.device, cases: list[Case] | None = None,
             amp: bool = False) -> dict:
    """Loss, per-image means of DSC / IoU / recall / precision, BCE over every pixel, the LV paper's
    global DICE, and (when ``cases`` is given) one row per case."""
    model.eval()
    loss_sum, bce_sum, pixels, count = 0.0, 0.0, 0, 0
    inter = sum_y = sum_p = 0.0
    rows: list[dict] = []
    autocast = torch.autocast("cuda", dtype=torch.float16) if amp else contextlib.nullcontext()
    with torch.inference_mode():
        for x, y, idx in loader:
            x, y = x.to(device), y.to(device)
            with autocast:
                logits = model(x)
            logits = logits.float()
            loss_sum += float(loss_fn(logits, y)) * len(x)
            bce_sum += float(F.binary_cross_entropy_with_logits(logits, y, reduction="sum"))
            pixels += y.numel()
            count += len(x)
            pred = (torch.sigmoid(logits) > 0.5).float()
            inter += float((pred * y).sum())
            sum_y += float(y.sum())
            sum_p += float(pred.sum())
            m = {k: v.cpu() for k, v in per_image(pred, y).items()}
            fg = y.flatten(1).sum(1).cpu()
            for j, i in enumerate(idx.tolist()):
                case = cases[i] if cases else None
                rows.append({
                    "case_id": case.id if case else str(i), "patient": case.patient if case else str(i),
                    "dice": float(m["dice"][j]), "iou": float(m["iou"][j]),
                    "recall": _value(m["recall"][j]), "precision": _value(m["precision"][j]),
                    "foreground": float(fg[j]),
                })
    return {
        "loss": loss_sum / max(count, 1),
        "dice": _nanmean([r["dice"] for r in rows]),
        "iou": _nanmean([r["iou"] for r in rows]),
        "recall": _nanmean([r["recall"] for r in rows]),
        "precision": _nanmean([r["precision"] for r in rows]),
        "bce": bce_sum / max(pixels, 1),
        # Both empty: nothing to find and nothing found, a perfect answer.
        "global_dice": 2 * inter / (sum_y + sum_p) if sum_y + sum_p > 0 else 1.0,
        "cases": rows,
    }
