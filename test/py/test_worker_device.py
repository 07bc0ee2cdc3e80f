"""Which device a worker trains on: its slot's GPU, round robin over the GPUs it sees.

No GPU is lent to these tests: torch.cuda's answers are replaced, and what is checked is the
choice of GPU and that it is made current (so a job's tensors on "cuda" land on it)."""

import pytest
import torch

from plateau import worker


@pytest.fixture
def gpus(monkeypatch):
    made_current = []
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    monkeypatch.setattr(torch.cuda, "device_count", lambda: 2)
    monkeypatch.setattr(torch.cuda, "get_device_name", lambda i: f"gpu{i}")
    monkeypatch.setattr(torch.cuda, "set_device", made_current.append)
    return made_current


@pytest.mark.parametrize("slot, gpu", [("0", 0), ("1", 1), ("2", 0), ("5", 1), ("-3", 0), ("x", 0), (None, 0)])
def test_slots_share_the_gpus_round_robin(gpus, monkeypatch, slot, gpu):
    if slot is None:
        monkeypatch.delenv("PLATEAU_WORKER_SLOT", raising=False)
    else:
        monkeypatch.setenv("PLATEAU_WORKER_SLOT", slot)
    assert worker._device() == (f"cuda:{gpu}", f"gpu{gpu}")
    assert gpus == [gpu]


def test_without_a_gpu_the_cpu(monkeypatch):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    monkeypatch.setenv("PLATEAU_WORKER_SLOT", "1")
    assert worker._device() == ("cpu", None)
