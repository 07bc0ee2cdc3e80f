"""The training loop: early stopping, best-weight restore, subsets, losses, cross-validation folds."""

import copy

import numpy as np
import pytest
import torch
from torch.utils.data import DataLoader, TensorDataset

from jobs import tiny_job
from plateau.evaluate import evaluate
from plateau.train import fit, loss_function, run_job


class Indexed(TensorDataset):
    def __getitem__(self, i):
        return (*super().__getitem__(i), i)


def loaders(n=16, size=16, seed=0):
    g = torch.Generator().manual_seed(seed)
    x = torch.rand(n, 1, size, size, generator=g)
    y = (x > 0.5).float()
    ds = Indexed(x, y)
    return DataLoader(ds, batch_size=4, shuffle=True, generator=g), DataLoader(ds, batch_size=8)


class Scripted(torch.nn.Module):
    """A 1x1 convolution whose validation loss we can drive: it gets worse every epoch after the first."""

    def __init__(self):
        super().__init__()
        self.conv = torch.nn.Conv2d(1, 1, 1)

    def forward(self, x):
        return self.conv(x)


def test_early_stopping_stops_after_patience_and_restores_the_best_weights():
    torch.manual_seed(0)
    model = Scripted()
    train, val = loaders()
    # A learning rate this large makes the loss blow up after the first steps: the best epoch is early.
    opt = torch.optim.SGD(model.parameters(), lr=50.0)
    snapshots = []
    rows, best = fit(model, train, val, loss_function("bce"), opt, torch.device("cpu"), epochs=30, patience=3,
                     on_epoch=lambda r: snapshots.append(copy.deepcopy(model.state_dict())))
    losses = [r["val_loss"] for r in rows]
    assert best == int(np.argmin(losses)) + 1
    assert len(rows) == best + 3 < 30, "stops exactly `patience` epochs after the best"
    restored = model.state_dict()
    assert all(torch.equal(restored[k], snapshots[best - 1][k]) for k in restored)
    final = evaluate(model, val, loss_function("bce"), torch.device("cpu"))["loss"]
    assert final == pytest.approx(min(losses), rel=1e-5)


def test_without_patience_all_epochs_run():
    model = Scripted()
    train, val = loaders()
    rows, _ = fit(model, train, val, loss_function("bce"), torch.optim.Adam(model.parameters()), torch.device("cpu"), 4)
    assert [r["epoch"] for r in rows] == [1, 2, 3, 4]


@pytest.mark.parametrize("loss", ["bce", "dice", "dicece"])
def test_losses_train(loss):
    job = tiny_job(training={**tiny_job()["training"], "loss": loss, "epochs": 3})
    r = run_job(job, cost=False)
    assert r.epochs[-1]["train_loss"] < r.epochs[0]["train_loss"]


def test_subset_by_count_and_fraction():
    assert run_job(tiny_job(n_train=None, fraction=None, count=5), cost=False).metrics["n_train"] == 5
    assert run_job(tiny_job(n_train=None, fraction=0.5), cost=False).metrics["n_train"] == 6
    with pytest.raises(ValueError, match="n_train 7 in the job, but the training pool gives 6"):
        run_job(tiny_job(n_train=7, fraction=0.5), cost=False)


def test_cross_validation_fold_sizes():
    job = tiny_job(split={"holdout": 0.25, "folds": 3}, fold=1, n_train=None, fraction=1.0)
    m = run_job(job, cost=False).metrics
    assert m["n_test"] == 6 and m["n_val"] + m["n_train"] == 18 and m["n_val"] == 6


def test_global_dice_and_per_case_rows_agree_with_the_whole_test_set():
    r = run_job(tiny_job())
    assert len(r.cases) == r.metrics["n_test"]
    assert r.metrics["dice"] == pytest.approx(np.mean([c["dice"] for c in r.cases]))
    assert 0 <= r.metrics["global_dice"] <= 1
    assert r.metrics["params"] > 0 and r.metrics["flops"] > 0 and r.metrics["throughput"] > 0


def test_a_training_loss_that_is_not_finite_fails_the_job_instead_of_storing_a_dice_of_0():
    """An image of NaN voxels (QA: it passed the data check, and the job stored Dice 0.0 as done)."""
    torch.manual_seed(0)
    x = torch.rand(8, 1, 16, 16)
    x[3] = float("nan")
    ds = Indexed(x, (torch.rand(8, 1, 16, 16) > 0.5).float())
    train, val = DataLoader(ds, batch_size=4), DataLoader(ds, batch_size=8)
    model = Scripted()
    with pytest.raises(ValueError, match=r"epoch 1: the training loss is nan, not a finite number.*NaN or Inf values"):
        fit(model, train, val, loss_function("bce"), torch.optim.SGD(model.parameters(), lr=0.1), torch.device("cpu"), epochs=2)
