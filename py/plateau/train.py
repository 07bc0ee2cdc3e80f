"""One job: train a network on a nested subset of the training pool, then test it.

``run_job`` is the whole pipeline and needs no broker: a MONAI user can call it directly with a
job dict (see schemas/job.json), or call ``fit`` / ``evaluate`` on a network and loaders of their own.
"""

from __future__ import annotations

import contextlib
import copy
import math
import random
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import numpy as np
import torch
from torch.utils.data import DataLoader

from .complexity import model_cost
from .data import nested_subset, source, split_cases, train_count
from .data.dataset import CaseDataset
from .data.transforms import with_transforms
from .evaluate import evaluate, unpack
from .models import build_model, count_parameters, size_multiple
from .optim import Loss, loss_function, optimizer, scheduler


@dataclass
class JobResult:
    epochs: list[dict]
    metrics: dict
    cases: list[dict]
    seconds: float
    classes: list[dict] = field(default_factory=list)  # one row per label channel (class or region)


def seed_everything(seed: int) -> None:
    random.seed(seed)
    np.random.seed(seed % 2**32)
    torch.manual_seed(seed)
    # Same seed, same numbers on CUDA too: cuDNN's autotuner may pick a different algorithm per run.
    torch.backends.cudnn.deterministic = True
    torch.backends.cudnn.benchmark = False


def fit(model: torch.nn.Module, train: Iterable, val: Iterable, loss_fn: Loss, opt: torch.optim.Optimizer,
        device: torch.device | str, epochs: int, patience: int | None = None, amp: bool = False,
        on_epoch: Callable[[dict], None] | None = None,
        lr_schedule: torch.optim.lr_scheduler.LRScheduler | None = None,
        activation: str = "sigmoid") -> tuple[list[dict], int]:
    """Trains up to ``epochs``; with ``patience``, stops after that many epochs without a lower validation
    loss and restores the best weights. Returns the epoch rows and the best epoch.

    ``train`` and ``val`` yield plateau's ``(image, label, index)`` tuples, ``(image, label)`` pairs
    or MONAI dict batches (``{"image": ..., "label": ...}``); losses take ``(logits, label)``.
    ``on_epoch`` gets each epoch row; ``lr_schedule`` is stepped once an epoch; ``activation`` is
    how validation reads the outputs (see ``evaluate``)."""
    scaler = torch.amp.GradScaler("cuda") if amp else None
    autocast = (lambda: torch.autocast("cuda", dtype=torch.float16)) if amp else contextlib.nullcontext
    rows: list[dict] = []
    best_loss, best_epoch, best_state = float("inf"), 0, None
    for epoch in range(1, epochs + 1):
        t0 = time.perf_counter()
        model.train()
        total, seen = 0.0, 0
        for batch in train:
            x, y, _ = unpack(batch)  # plateau's (image, label, index) tuples or MONAI dict batches
            x, y = x.to(device, non_blocking=True), y.to(device, non_blocking=True)
            opt.zero_grad(set_to_none=True)
            with autocast():
                loss = loss_fn(model(x).float(), y)
            value = loss.item()
            if not scaler and not math.isfinite(value):
                # without AMP's scaler (which skips such a step) the step would make every weight NaN,
                # and the job would go on to store a Dice of 0 as a result
                raise ValueError(f"epoch {epoch}: the training loss is {value}, not a finite number, so the weights can no longer be "
                                 "trusted; check the images for NaN or Inf values (plateau data check), or lower the learning rate")
            if scaler:
                scaler.scale(loss).backward()
                scaler.step(opt)
                scaler.update()
            else:
                loss.backward()
                opt.step()
            total += value * len(x)
            seen += len(x)
        v = evaluate(model, val, loss_fn, device, amp=amp, activation=activation)
        row = {"epoch": epoch, "train_loss": total / max(seen, 1), "val_loss": v["loss"],
               "val_dice": v["dice"] if v["dice"] is not None else float("nan"), "seconds": time.perf_counter() - t0}
        rows.append(row)
        if lr_schedule is not None:
            lr_schedule.step()
        if on_epoch:
            on_epoch({**row, "epochs": epochs})
        if v["loss"] < best_loss:
            best_loss, best_epoch = v["loss"], epoch
            if patience:
                best_state = copy.deepcopy(model.state_dict())
        elif patience and epoch - best_epoch >= patience:
            break
    if best_state is not None:
        model.load_state_dict(best_state)
    return rows, best_epoch


def run_job(job: dict, on_epoch: Callable[[dict], None] | None = None, device: str | None = None,
            cost: bool = True) -> JobResult:
    """Trains and tests one job (a dict shaped as ``schemas/job.json``): lists the data set's cases,
    splits them by patient, takes the job's nested training subset, builds the network, trains with
    ``fit`` and tests on the held-out split with ``evaluate``. ``on_epoch`` gets each epoch row;
    ``device`` defaults to CUDA when present; ``cost=False`` skips timing the network's throughput."""
    t_start = time.perf_counter()
    seed = job["seed"]
    seed_everything(seed)
    dev = torch.device(device or ("cuda" if torch.cuda.is_available() else "cpu"))
    spec = job["dataset"]
    src = source(spec)
    cases = src.cases(spec)
    parts = split_cases(cases, job["split"], seed, job.get("fold"))
    pool = parts["train"]
    if job.get("count") is not None:
        if job["count"] > len(pool):
            raise ValueError(f"count {job['count']} exceeds the {len(pool)} cases of the training pool")
        n_train = job["count"]
    else:
        n_train = train_count(job["fraction"], len(pool))
    if job.get("n_train") is not None and job["n_train"] != n_train:
        raise ValueError(f"n_train {job['n_train']} in the job, but the training pool gives {n_train}")
    train_idx = nested_subset(pool, n_train)
    if job["model"]["family"] == "bundle":  # the bundle's own workflow trains (plateau.bundle)
        from .bundle import train_bundle

        t_train = time.perf_counter()
        pick = lambda idx: [cases[int(i)] for i in idx]  # noqa: E731
        epochs, test, net = train_bundle(job, pick(train_idx), pick(parts["val"]), pick(parts["test"]), dev, on_epoch)
        best = min(epochs, key=lambda r: r["val_loss"])["epoch"] if epochs else 0
        metrics = {**{k: test[k] for k in ("dice", "iou", "recall", "precision", "bce", "global_dice")},
                   "n_train": int(n_train), "n_val": len(parts["val"]), "n_test": len(parts["test"]),
                   "epochs_run": len(epochs), "best_epoch": best, "train_seconds": time.perf_counter() - t_train,
                   "params": count_parameters(net), "flops": None,
                   "throughput": None, "device": str(dev)}  # not measured for a bundle: unknown, not 0
        return JobResult(epochs=epochs, metrics=metrics, cases=test["cases"], seconds=time.perf_counter() - t_start,
                         classes=test["classes"])

    tr = job["training"]
    amp = bool(tr.get("amp", True)) and dev.type == "cuda"
    g = torch.Generator().manual_seed(seed)
    loader = lambda idx, shuffle, bs, role: DataLoader(  # noqa: E731
        with_transforms(CaseDataset(src, spec, cases, idx), spec, role, seed), batch_size=bs, shuffle=shuffle,
        generator=g if shuffle else None, pin_memory=dev.type == "cuda")
    train_dl = loader(train_idx, True, tr["batch_size"], "train")
    val_dl = loader(parts["val"], False, tr["batch_size"] * 2, "eval")
    test_dl = loader(parts["test"], False, tr["batch_size"] * 2, "eval")

    image = train_dl.dataset[0][0]  # loads (and caches) one case: its channels and shape size the model
    multiple = size_multiple(job["model"])
    if any(side % multiple for side in image.shape[1:]):
        raise ValueError(f"{job['model']['name']} needs spatial sizes that are multiples of {multiple}; the data set gives "
                         f"{'x'.join(map(str, image.shape[1:]))}: set dataset.size (or crop) to multiples of {multiple}")
    activation = tr.get("activation", "sigmoid")
    # one output per label channel (dataset.classes, else 1); softmax adds the background's
    out_channels = train_dl.dataset[0][1].shape[0] + (activation == "softmax")
    model = build_model(job["model"], spatial_dims=src.spatial_dims(spec), in_channels=image.shape[0],
                        out_channels=out_channels).to(dev)
    opt = optimizer(tr["optimizer"], model.parameters(), tr["lr"], tr["weight_decay"])
    schedule = scheduler(tr.get("scheduler"), opt, tr["epochs"])
    loss_fn = loss_function(tr["loss"], activation)

    t_train = time.perf_counter()
    epochs, best_epoch = fit(model, train_dl, val_dl, loss_fn, opt, dev, tr["epochs"], tr.get("patience"), amp, on_epoch,
                               schedule, activation)
    train_seconds = time.perf_counter() - t_train

    test = evaluate(model, test_dl, loss_fn, dev, cases, amp=amp, class_names=list(spec.get("classes") or {}) or None,
                    activation=activation)
    # cost=False: FLOPs and throughput not measured, so unknown (null in the store), never 0
    c = model_cost(model, tuple(image.shape), device=str(dev)) if cost else {
        "params": count_parameters(model), "flops": None, "throughput": None}
    known = lambda v: None if v is None else float(v)  # noqa: E731
    metrics = {
        **{k: test[k] for k in ("dice", "iou", "recall", "precision", "bce", "global_dice")},
        "n_train": int(n_train), "n_val": len(parts["val"]), "n_test": len(parts["test"]),
        "epochs_run": len(epochs), "best_epoch": best_epoch, "train_seconds": train_seconds,
        "params": int(c["params"]), "flops": known(c["flops"]), "throughput": known(c["throughput"]),
        "device": str(dev),
    }
    return JobResult(epochs=epochs, metrics=metrics, cases=test["cases"], seconds=time.perf_counter() - t_start,
                     classes=test["classes"])
