"""What a network costs: trainable parameters, forward FLOPs and inference throughput (Lee et al. Table 1)."""

from __future__ import annotations

import time
from collections.abc import Sequence

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


def throughput(model: torch.nn.Module, x: torch.Tensor, warmup: int = 2, runs: int = 5) -> float:
    """Images (or volumes) per second of forward passes on ``x``, timed after ``warmup`` untimed
    passes (cuDNN autotuning, allocator and lazy initialisation happen there)."""
    with torch.inference_mode():
        for _ in range(warmup):
            model(x)
        _sync(x.device)
        start = time.perf_counter()
        for _ in range(runs):
            model(x)
        _sync(x.device)
        elapsed = time.perf_counter() - start
    return x.shape[0] * runs / max(elapsed, 1e-12)


def model_cost(model: torch.nn.Module, input_shape: Sequence[int], device: str | torch.device = "cpu",
               warmup: int = 2, runs: int = 5, batch: int = 1) -> dict:
    """Parameters, FLOPs of one input of ``input_shape`` = (channels, *spatial) and throughput at
    ``batch`` inputs per pass, all in eval mode. The model's device and train/eval mode are restored."""
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
            "throughput": throughput(model, torch.randn(batch, *input_shape, device=device), warmup, runs),
        }
    finally:
        model.to(home).train(was_training)
