"""Trainer benchmark (issue 13, item 4): plateau's trainer against the loop a MONAI user writes by hand.

Both train the same network (residual U-Net, the default experiment's) from the same seed on the same
data (a Kvasir-SEG-like folder of JPEG images and masks this script writes) for the same epochs, batch
size, loss (BCE) and optimiser (Adam), validating after every epoch, in this one process:

- reference: the MONAI tutorial loop: ``monai.data.Dataset`` of file dicts with ``LoadImaged``,
  ``EnsureChannelFirstd``, ``ScaleIntensityd``, ``Resized`` and a mask threshold applied to every
  item of every epoch, ``DataLoader`` (num_workers 0, as plateau's own), ``BCEWithLogitsLoss``, Adam,
  validation with ``DiceMetric`` after each epoch.
- plateau: ``plateau.train.run_job`` on the same folder as an ``image-folder`` data set; the figure is
  its training time (``fit``: the epochs and their validation), as the reference's.

Both run on the same torch threads (``--threads``; default cores / 2, what each of ``plateau run``'s
two default workers gets). Printed: training images/s (images trained per second of the epoch loop,
validation included) of each, and plateau's over the reference's. Goal on CPU: ≥ 1.5×. Each side
runs ``--reps`` times, alternating, plateau with its case cache emptied each time (as a fresh
worker); the median of each is compared.

Run: .venv/bin/python bench/trainer.py [--images 160] [--epochs 5] [--reps 2] [--threads N]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import torch
from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "py"))

from plateau.data import source, split_cases  # noqa: E402
from plateau.data.dataset import _CACHE as case_cache  # noqa: E402
from plateau.models import build_model  # noqa: E402
from plateau.train import run_job, seed_everything  # noqa: E402

SIZE = 64  # images are written at 96×112 and resized to SIZE×SIZE by both pipelines
MODEL = {"name": "resunet-d3", "family": "resunet", "depth": 3, "channels": 8, "res_units": 2}


def write_folder(root: Path, n: int) -> None:
    """``images/*.jpg`` and ``masks/*.jpg``: a bright disc on noise, as Kvasir-SEG's polyps on tissue."""
    (root / "images").mkdir(parents=True)
    (root / "masks").mkdir(parents=True)
    rng = np.random.default_rng(0)
    yy, xx = np.mgrid[:96, :112]
    for i in range(n):
        cy, cx, r = int(rng.integers(20, 76)), int(rng.integers(20, 92)), int(rng.integers(8, 20))
        disc = (yy - cy) ** 2 + (xx - cx) ** 2 < r * r
        img = np.clip(rng.normal(60, 25, (96, 112, 3)) + disc[..., None] * 90, 0, 255).astype(np.uint8)
        Image.fromarray(img).save(root / "images" / f"case{i:04d}.jpg", quality=90)
        Image.fromarray((disc * 255).astype(np.uint8)).save(root / "masks" / f"case{i:04d}.jpg", quality=90)


def job(root: Path, n: int, epochs: int, batch: int) -> dict:
    n_val = n_test = n // 8
    return {
        "key": "bench-trainer", "experiment": "bench", "fold": None, "fraction": 1.0, "count": None,
        "n_train": n - n_val - n_test, "repeat": 0, "seed": 0, "model": MODEL,
        "dataset": {"kind": "image-folder", "root": str(root), "images": "images", "masks": "masks",
                    "size": [SIZE, SIZE], "channels": 3, "mask_threshold": 127},
        "split": {"train": n - n_val - n_test, "val": n_val, "test": n_test},
        "training": {"loss": "bce", "optimizer": "adam", "lr": 1e-3, "weight_decay": 0, "epochs": epochs,
                     "batch_size": batch, "amp": False},
    }


def monai_loop(j: dict) -> dict:
    """The tutorial loop on the same cases plateau trains and validates on (same split, same seed)."""
    from monai.data import DataLoader, Dataset
    from monai.metrics import DiceMetric
    from monai.transforms import Compose, EnsureChannelFirstd, Lambdad, LoadImaged, Resized, ScaleIntensityd

    spec = j["dataset"]
    src = source(spec)
    cases = src.cases(spec)
    parts = split_cases(cases, j["split"], j["seed"], None)
    files = lambda idx: [{"image": cases[i].images[0], "label": cases[i].mask} for i in idx]  # noqa: E731
    transforms = Compose([
        LoadImaged(keys=["image", "label"], image_only=True, reader="PILReader"),
        EnsureChannelFirstd(keys=["image", "label"]),
        Lambdad(keys="label", func=lambda m: (m[:1] > spec["mask_threshold"]).float()),
        ScaleIntensityd(keys="image"),
        Resized(keys=["image", "label"], spatial_size=(SIZE, SIZE), mode=("bilinear", "nearest")),
    ])
    tr = j["training"]
    train_dl = DataLoader(Dataset(files(parts["train"]), transforms), batch_size=tr["batch_size"], shuffle=True, num_workers=0)
    val_dl = DataLoader(Dataset(files(parts["val"]), transforms), batch_size=tr["batch_size"], num_workers=0)
    seed_everything(j["seed"])
    model = build_model(MODEL, spatial_dims=2, in_channels=3)
    opt = torch.optim.Adam(model.parameters(), lr=tr["lr"])
    loss_fn = torch.nn.BCEWithLogitsLoss()
    dice = DiceMetric(include_background=True, reduction="mean")
    t0 = time.perf_counter()
    for _ in range(tr["epochs"]):
        model.train()
        for batch in train_dl:
            opt.zero_grad()
            loss = loss_fn(model(batch["image"]), batch["label"])
            loss.backward()
            opt.step()
        model.eval()
        with torch.no_grad():
            for batch in val_dl:
                dice(y_pred=(torch.sigmoid(model(batch["image"])) > 0.5).float(), y=batch["label"])
        val_dice = float(dice.aggregate())
        dice.reset()
    seconds = time.perf_counter() - t0
    return {"seconds": seconds, "images": len(parts["train"]) * tr["epochs"], "val_dice": val_dice}


def plateau_fit(j: dict) -> dict:
    # a fresh process's cache: no run reuses the cases an earlier run decoded (a worker's later jobs do)
    case_cache.clear()
    r = run_job(j, device="cpu", cost=False)
    return {"seconds": r.metrics["train_seconds"], "images": r.metrics["n_train"] * len(r.epochs),
            "val_dice": r.epochs[-1]["val_dice"]}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--images", type=int, default=160)
    ap.add_argument("--epochs", type=int, default=5)
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--reps", type=int, default=2)
    ap.add_argument("--threads", type=int, default=max(1, (os.cpu_count() or 1) // 2),
                    help="torch threads for both (default: what each of `plateau run`'s two default workers gets)")
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    with tempfile.TemporaryDirectory(prefix="plateau-bench-trainer-") as d:
        root = Path(d) / "kvasir"
        write_folder(root, a.images)
        j = job(root, a.images, a.epochs, a.batch)
        runs: dict[str, list[dict]] = {"MONAI tutorial loop": [], "plateau fit": []}
        for _ in range(a.reps):  # alternating, so load on the machine falls on both alike
            runs["MONAI tutorial loop"].append(monai_loop(j))
            runs["plateau fit"].append(plateau_fit(j))
    print(f"{a.images} JPEG pairs resized to {SIZE}×{SIZE}, {j['split']['train']} trained, {j['split']['val']} validated "
          f"each epoch; {MODEL['name']} (channels {MODEL['channels']}, res units {MODEL['res_units']}), {a.epochs} epochs, "
          f"batch {a.batch}, BCE, Adam; torch {torch.__version__}, {torch.get_num_threads()} threads; median of {a.reps}")
    rate = {}
    for name, rs in runs.items():
        rate[name] = statistics.median(r["images"] / r["seconds"] for r in rs)
        each = ", ".join(f"{r['images'] / r['seconds']:.1f}" for r in rs)
        print(f"  {name:<22} {rate[name]:8.1f} images/s   (runs: {each}; last val Dice {rs[-1]['val_dice']:.3f})")
    ratio = rate["plateau fit"] / rate["MONAI tutorial loop"]
    print(f"plateau / MONAI loop: {ratio:.2f}×  (goal ≥ 1.5×: {'met' if ratio >= 1.5 else 'missed'})")


if __name__ == "__main__":
    main()
