"""The GPU path of the trainer: CUDA, AMP and throughput against the CPU, on one machine, in one run.

    python bench/gpu.py            # prints a table; exits non-zero when CUDA is absent or a check fails

Trains the default experiment's largest job (residual U-Net depth 5, 360 synthetic 96x96 images,
8 epochs) and a 3D job on the CPU, on CUDA in fp32 and on CUDA with AMP, and prints wall time,
test DSC and inference throughput with the ratio to the CPU run measured here.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "py"))
from plateau.train import run_job  # noqa: E402


def job(kind: str, size: int, count: int, train: int, depth: int, epochs: int, batch: int) -> dict:
    return {
        "key": "0" * 16, "experiment": "bench-gpu",
        "dataset": {"kind": kind, "count": count, "size": size, "objects": 6, "radius_max": 8, "noise": 1.0, "seed": 0},
        "split": {"train": train, "val": (count - train) // 3, "test": count - train - (count - train) // 3},
        "fold": None, "fraction": 1.0, "count": None, "n_train": train,
        "model": {"name": f"resunet-d{depth}", "family": "resunet", "depth": depth, "channels": 8, "res_units": 2},
        "training": {"loss": "bce", "optimizer": "adam", "lr": 0.001, "weight_decay": 0, "epochs": epochs,
                     "batch_size": batch, "amp": True},
        "repeat": 0, "seed": 0,
    }


def run(j: dict, device: str, amp: bool) -> dict:
    j = {**j, "training": {**j["training"], "amp": amp}}
    t = time.perf_counter()
    r = run_job(j, device=device)
    return {"seconds": time.perf_counter() - t, **{k: r.metrics[k] for k in ("dice", "global_dice", "throughput", "device")}}


def main() -> int:
    if not torch.cuda.is_available():
        print("CUDA is not available here; nothing to measure.")
        return 1
    print(f"torch {torch.__version__}, {torch.cuda.get_device_name(0)}, CPU threads {torch.get_num_threads()}")
    cases = {
        "2d": job("synthetic-2d", 96, 500, 360, 5, 8, 16),
        "3d": job("synthetic-3d", 64, 60, 40, 4, 4, 2),
    }
    rows, ok = [], True
    for name, j in cases.items():
        cpu = run(j, "cpu", False)
        for label, dev, amp in (("cpu", "cpu", False), ("cuda fp32", "cuda", False), ("cuda amp", "cuda", True)):
            r = cpu if label == "cpu" else run(j, dev, amp)
            r.update(case=name, run=label, speedup=cpu["seconds"] / r["seconds"], throughput_ratio=r["throughput"] / cpu["throughput"])
            rows.append(r)
            # The GPU must learn as well as the CPU: same seed and data, so DSC within a small margin.
            if label != "cpu" and not (r["device"].startswith("cuda") and r["dice"] > cpu["dice"] - 0.05):
                ok = False
    print(f"{'case':4} {'run':10} {'seconds':>8} {'x cpu':>6} {'dice':>6} {'global':>7} {'img/s':>9} {'x cpu':>6}")
    for r in rows:
        print(f"{r['case']:4} {r['run']:10} {r['seconds']:8.2f} {r['speedup']:6.2f} {r['dice']:6.3f} {r['global_dice']:7.3f} "
              f"{r['throughput']:9.1f} {r['throughput_ratio']:6.2f}")
    print(json.dumps(rows))
    return 0 if ok else 2


if __name__ == "__main__":
    sys.exit(main())
