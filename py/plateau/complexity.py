"""What a network costs: trainable parameters, forward FLOPs and inference throughput (Lee et al. Table 1)."""

from __future__ import annotations

import time
from collections.abc import Sequence

import numpy as np
import torch
from torch.utils.flop_counter import FlopCounterMode


def trainable_parameters(model: torch.nn.Module) -> int:
    return sum(p.numel() for p in model.parameters() if p.requires_grad)


def forward_flops(model: torch.nn.Module, x: torch.Tensor) -> int:
    """FLOPs of one forward pass as PyTorch's FlopCounterMode counts them: matmuls and convolutions
    only (a multiply-add is 2 FLOPs); norms, activations, pooling and interpolation count 0."""
    with torch.no_grad(), FlopCounterMode(display=False) as counter:
        model(x)
    return int(counter.get_total_flops())


def _sync(device: torch.device) -> None:
    # CUDA kernels run asynchronously: without a sync the clock stops before the work is done.
    if device.type == "cuda":
        torch.cuda.synchronize(device)


RUNS = 20  # timed passes at least: enough for a median two runs agree on within 10% (issue 13)
MAX_RUNS = 2000


def pass_seconds(model: torch.nn.Module, x: torch.Tensor, warmup: int = 3, runs: int = RUNS,
                 seconds: float = 0.0) -> list[float]:
    """Seconds of each timed forward pass on ``x``: ``runs`` passes, and more (up to ``MAX_RUNS``)
    until ``seconds`` have passed, after ``warmup`` untimed passes (cuDNN autotuning, the allocator
    and lazy initialisation happen there; with ``seconds``, for a fifth of that time at least). Each
    pass is timed on its own, so a pass slowed by another process is an outlier the median ignores
    instead of moving the figure. ``seconds`` is for `plateau models`; the trainer keeps its jobs short."""
    times = []
    with torch.inference_mode():
        start = time.perf_counter()
        done = 0
        while done < warmup or (warmup > 0 and time.perf_counter() - start < seconds / 5):
            model(x)
            done += 1
        _sync(x.device)
        start = time.perf_counter()
        while len(times) < runs or (len(times) < MAX_RUNS and time.perf_counter() - start < seconds):
            t = time.perf_counter()
            model(x)
            _sync(x.device)
            times.append(max(time.perf_counter() - t, 1e-12))
    return times


def throughput_summary(model: torch.nn.Module, x: torch.Tensor, warmup: int = 3, runs: int = RUNS,
                       seconds: float = 0.0) -> dict:
    """Images (or volumes) per second: the median over the timed passes, with the quartiles as the spread."""
    rates = sorted(x.shape[0] / t for t in pass_seconds(model, x, warmup, runs, seconds))
    q = lambda f: float(np.quantile(rates, f))  # noqa: E731
    return {"throughput": q(0.5), "throughput_q1": q(0.25), "throughput_q3": q(0.75), "passes": len(rates)}


def throughput(model: torch.nn.Module, x: torch.Tensor, warmup: int = 3, runs: int = RUNS) -> float:
    """Images (or volumes) per second of forward passes on ``x``: the median of ``runs`` timed passes."""
    return throughput_summary(model, x, warmup, runs)["throughput"]


def model_cost(model: torch.nn.Module, input_shape: Sequence[int], device: str | torch.device = "cpu",
               warmup: int = 3, runs: int = RUNS, batch: int = 1, seconds: float = 0.0) -> dict:
    """Parameters, FLOPs of one input of ``input_shape`` = (channels, *spatial) and throughput at
    ``batch`` inputs per pass (median of ``runs`` timed passes, with quartiles and the number of
    passes; at least ``seconds`` of them), all in eval mode. The model's device and train/eval mode
    are restored."""
    if runs < 1 or batch < 1:
        raise ValueError("runs and batch must be at least 1")
    device = torch.device(device)
    first = next(model.parameters(), None)
    home = first.device if first is not None else torch.device("cpu")
    was_training = model.training
    model.to(device).eval()
    try:
        one = torch.randn(1, *input_shape, device=device)
        return {
            "params": trainable_parameters(model),
            "flops": forward_flops(model, one),
            **throughput_summary(model, torch.randn(batch, *input_shape, device=device), warmup, runs, seconds),
        }
    finally:
        model.to(home).train(was_training)
