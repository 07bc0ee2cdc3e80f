"""Evaluation of a network over a loader, batch by batch (3D volumes never sit in memory together)."""

from __future__ import annotations

import contextlib
import math

import torch
import torch.nn.functional as F

from .data import Case
from .metrics import dice_from_counts, per_case, per_class


def _nanmean(values: list[float | None]) -> float | None:
    v = [x for x in values if x is not None and not math.isnan(x)]
    return sum(v) / len(v) if v else None


def unpack(batch) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor | None]:
    """``(image, label, index)`` of a batch: plateau's own tuples, ``(image, label)`` pairs, or
    MONAI dict batches (``{"image", "label"}``, an optional ``"index"``); MetaTensors become tensors."""
    if isinstance(batch, dict):
        x, y, idx = batch["image"], batch["label"], batch.get("index")
    elif len(batch) == 3:
        x, y, idx = batch
    else:
        (x, y), idx = batch, None
    plain = lambda t: t.as_tensor() if hasattr(t, "as_tensor") else t  # noqa: E731
    return plain(x), plain(y).float(), None if idx is None else torch.as_tensor(idx)


def evaluate(model: torch.nn.Module, loader, loss_fn, device: torch.device, cases: list[Case] | None = None,
             amp: bool = False, class_names: list[str] | None = None, activation: str = "sigmoid") -> dict:
    """Loss, per-image means of DSC / IoU / recall / precision, BCE over every pixel, the LV paper's
    global DICE, one row per case (ids from ``cases`` when given, else the loader's order), and one
    row per class (label channel: ``class_names``, else ``foreground`` / ``class<i>``) with its
    per-image mean DSC and IoU and its global DICE. With several classes a case's scores are the
    mean over classes, and the global DICE counts every class's pixels. ``activation="softmax"``:
    the network's first output is the background, each pixel goes to its most likely output."""
    model.eval()
    loss_sum, bce_sum, pixels, count = 0.0, 0.0, 0, 0
    inter = sum_y = sum_p = 0.0
    rows: list[dict] = []
    by_class: dict[str, list[torch.Tensor]] = {"dice": [], "iou": []}
    class_counts: torch.Tensor | None = None  # (3, C): overlap, truth, predicted per class
    autocast = torch.autocast("cuda", dtype=torch.float16) if amp else contextlib.nullcontext()
    with torch.inference_mode():
        for batch in loader:
            x, y, idx = unpack(batch)
            if idx is None:  # the loader's order stands in for case indices
                idx = torch.arange(count, count + len(x))
            x, y = x.to(device), y.to(device)
            with autocast:
                logits = model(x)
            logits = logits.float()
            loss_sum += float(loss_fn(logits, y)) * len(x)
            if activation == "softmax":  # class probabilities without the background output
                prob = torch.softmax(logits, 1)[:, 1:]
                bce_sum += float(F.binary_cross_entropy(prob.clamp(1e-7, 1 - 1e-7), y, reduction="sum"))
            else:
                bce_sum += float(F.binary_cross_entropy_with_logits(logits, y, reduction="sum"))
            pixels += y.numel()
            count += len(x)
            if activation == "softmax":
                pred = F.one_hot(logits.argmax(1), logits.shape[1]).movedim(-1, 1)[:, 1:].float()
            else:
                pred = (torch.sigmoid(logits) > 0.5).float()
            inter += float((pred * y).sum())
            sum_y += float(y.sum())
            sum_p += float(pred.sum())
            class_counts = add_classes(pred, y, by_class, class_counts)
            which = [cases[i] if cases else None for i in idx.tolist()]
            ids = [c.id if c else str(i) for c, i in zip(which, idx.tolist())]
            for row, c, case_id in zip(per_case(pred.cpu(), y.cpu(), ids), which, ids):
                rows.append({**row, "patient": c.patient if c else case_id, "foreground": float(row["foreground"])})
    return {
        "loss": loss_sum / max(count, 1),
        "dice": _nanmean([r["dice"] for r in rows]),
        "iou": _nanmean([r["iou"] for r in rows]),
        "recall": _nanmean([r["recall"] for r in rows]),
        "precision": _nanmean([r["precision"] for r in rows]),
        "bce": bce_sum / max(pixels, 1),
        "global_dice": dice_from_counts(inter, sum_y, sum_p),
        "cases": rows,
        "classes": class_rows(by_class, class_counts, class_names),
    }


def add_classes(pred: torch.Tensor, y: torch.Tensor, by_class: dict[str, list[torch.Tensor]],
                counts: torch.Tensor | None) -> torch.Tensor:
    """One batch into the per-class tallies: its per-case Dice and IoU by class appended to
    ``by_class``, and (intersection, label, prediction) sums by class added to ``counts``."""
    m = per_class(pred.cpu(), y.cpu())
    by_class["dice"].append(m["dice"])
    by_class["iou"].append(m["iou"])
    dims = [0, *range(2, y.ndim)]
    c = torch.stack([(pred * y).sum(dims), y.sum(dims), pred.sum(dims)]).double().cpu()
    return c if counts is None else counts + c


def class_rows(by_class: dict[str, list[torch.Tensor]], counts: torch.Tensor | None,
                names: list[str] | None) -> list[dict]:
    if counts is None:
        return []
    dice, iou = torch.cat(by_class["dice"]), torch.cat(by_class["iou"])
    k = counts.shape[1]
    names = names or (["foreground"] if k == 1 else [f"class{c}" for c in range(k)])
    if len(names) != k:
        raise ValueError(f"{len(names)} class names for {k} label channels")
    return [{"class": names[c], "dice": _nanmean(dice[:, c].tolist()), "iou": _nanmean(iou[:, c].tolist()),
             "global_dice": dice_from_counts(*(float(v) for v in counts[:, c]))} for c in range(k)]
