import time

import pytest
import torch

from plateau.complexity import MAX_RUNS, model_cost, pass_seconds


def test_conv_flops_match_the_formula():
    # Conv2d(3→8, k=3, no padding) on 20×20 → 18×18 output; a multiply-add counts 2 FLOPs.
    c_in, c_out, k, h = 3, 8, 3, 20
    cost = model_cost(torch.nn.Conv2d(c_in, c_out, k, bias=False), (c_in, h, h), runs=1, warmup=0)
    h_out = h - k + 1
    assert cost["flops"] == 2 * c_in * c_out * k * k * h_out * h_out
    assert cost["params"] == c_in * c_out * k * k


def test_strided_3d_conv_and_linear():
    conv = torch.nn.Conv3d(2, 4, 3, stride=2, padding=1, bias=False)
    out = 8 // 2  # padding 1, stride 2: 8 → 4 per axis
    assert model_cost(conv, (2, 8, 8, 8), runs=1)["flops"] == 2 * 2 * 4 * 27 * out**3
    lin = torch.nn.Linear(10, 7)
    cost = model_cost(lin, (10,), runs=1)
    assert cost["flops"] == 2 * 10 * 7
    assert cost["params"] == 10 * 7 + 7


def test_params_are_trainable_numel_and_throughput_is_positive():
    net = torch.nn.Sequential(torch.nn.Conv2d(1, 4, 3, padding=1), torch.nn.BatchNorm2d(4), torch.nn.Conv2d(4, 1, 1))
    net[0].weight.requires_grad_(False)  # frozen weights are not counted
    net.train()
    cost = model_cost(net, (1, 16, 16), runs=3, batch=2)
    assert cost["params"] == sum(p.numel() for p in net.parameters()) - net[0].weight.numel()
    assert cost["throughput"] > 0
    assert net.training  # mode restored


def test_bad_runs_rejected():
    with pytest.raises(ValueError):
        model_cost(torch.nn.Linear(2, 2), (2,), runs=0)


@pytest.mark.skipif(not torch.cuda.is_available(), reason="no CUDA device")
def test_cuda_timing_returns_the_model_home():
    net = torch.nn.Conv2d(3, 4, 3)
    cost = model_cost(net, (3, 32, 32), device="cuda", runs=2)
    assert cost["throughput"] > 0 and cost["flops"] == 2 * 3 * 4 * 9 * 30 * 30
    assert net.weight.device.type == "cpu"


def test_throughput_is_the_median_of_twenty_timed_passes_with_quartiles():
    net = torch.nn.Conv2d(1, 2, 3, padding=1)
    cost = model_cost(net, (1, 16, 16))
    assert cost["passes"] == 20
    # with `seconds`, passes go on until that long has passed (or MAX_RUNS)
    start = time.perf_counter()
    times = pass_seconds(net, torch.randn(1, 1, 16, 16), warmup=0, runs=1, seconds=0.2)
    assert len(times) == MAX_RUNS or time.perf_counter() - start >= 0.2
    assert 0 < cost["throughput_q1"] <= cost["throughput"] <= cost["throughput_q3"]
    assert model_cost(net, (1, 16, 16), runs=7, warmup=0)["passes"] == 7
