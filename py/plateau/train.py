"""One job: train a network on a nested fraction of the training pool, then test it.

``run_job`` is the whole pipeline and needs no broker: a MONAI user can call it directly.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F

from .data import load_dataset, nested_subset, split_indices
from .metrics import mean_dice, segmentation_metrics
from .models import build_model, count_parameters


@dataclass
class JobResult:
    epochs: list[dict]
    metrics: dict
    seconds: float


def seed_everything(seed: int) -> None:
    random.seed(seed)
    np.random.seed(seed % 2**32)
    torch.manual_seed(seed)


def _predict(model: torch.nn.Module, x: torch.Tensor, batch: int, device: torch.device) -> torch.Tensor:
    model.eval()
    with torch.inference_mode():
        return torch.cat([model(x[i : i + batch].to(device)).cpu() for i in range(0, len(x), batch)])


def run_job(job: dict, on_epoch: Callable[[dict], None] | None = None, device: str | None = None) -> JobResult:
    t0 = time.perf_counter()
    seed = job["seed"]
    seed_everything(seed)
    dev = torch.device(device or ("cuda" if torch.cuda.is_available() else "cpu"))
    images, masks = load_dataset(job["dataset"])
    parts = split_indices(len(images), job["split"], seed)
    train_idx = nested_subset(parts["train"], job["n_train"])
    x = {k: torch.from_numpy(images[v]) for k, v in [("train", train_idx), ("val", parts["val"]), ("test", parts["test"])]}
    y = {k: torch.from_numpy(masks[v]) for k, v in [("train", train_idx), ("val", parts["val"]), ("test", parts["test"])]}

    tr = job["training"]
    model = build_model(job["model"], spatial_dims=images.ndim - 2, in_channels=images.shape[1]).to(dev)
    opt = torch.optim.Adam(model.parameters(), lr=tr["lr"], weight_decay=tr["weight_decay"])
    batch = tr["batch_size"]
    gen = torch.Generator().manual_seed(seed)
    epochs: list[dict] = []
    t_train = time.perf_counter()
    for epoch in range(1, tr["epochs"] + 1):
        te = time.perf_counter()
        model.train()
        order = torch.randperm(len(x["train"]), generator=gen)
        total, seen = 0.0, 0
        for i in range(0, len(order), batch):
            idx = order[i : i + batch]
            xb, yb = x["train"][idx].to(dev), y["train"][idx].to(dev)
            opt.zero_grad(set_to_none=True)
            loss = F.binary_cross_entropy_with_logits(model(xb), yb)
            loss.backward()
            opt.step()
            total += loss.item() * len(idx)
            seen += len(idx)
        val_logits = _predict(model, x["val"], batch * 4, dev)
        row = {
            "epoch": epoch,
            "train_loss": total / max(seen, 1),
            "val_loss": float(F.binary_cross_entropy_with_logits(val_logits, y["val"])),
            "val_dice": mean_dice(val_logits, y["val"]),
            "seconds": time.perf_counter() - te,
        }
        epochs.append(row)
        if on_epoch:
            on_epoch({**row, "epochs": tr["epochs"]})
    train_seconds = time.perf_counter() - t_train

    test_logits = _predict(model, x["test"], batch * 4, dev)
    metrics = {
        **segmentation_metrics(test_logits, y["test"]),
        "n_test": len(x["test"]),
        "epochs_run": len(epochs),
        "train_seconds": train_seconds,
        "params": count_parameters(model),
    }
    return JobResult(epochs=epochs, metrics=metrics, seconds=time.perf_counter() - t0)
