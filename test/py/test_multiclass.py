"""Several classes: one label channel and one network output per class, Dice per class and the mean,
through the trainer and through a real grid run (CLI, worker, store)."""

import json
import sqlite3
import subprocess
from pathlib import Path

import numpy as np
import pytest
import torch

from jobs import tiny_job
from plateau.data import source
from plateau.data.volume import label_channels
from plateau.evaluate import evaluate
from plateau.optim import loss_function, with_background
from plateau.schemas import validate_job
from plateau.train import run_job

REPO = Path(__file__).resolve().parents[2]
CLASSES = {"low": [1], "mid": [2], "high": [3]}
DATA = {"kind": "synthetic-3d", "count": 12, "size": 16, "objects": 6, "radius_max": 4, "noise": 0.2, "seed": 0,
        "classes": CLASSES}


def test_regions_overlap_and_classes_do_not():
    labels = np.array([[0, 1, 2], [4, 2, 1]])
    regions = label_channels(labels, {"classes": {"WT": [1, 2, 4], "TC": [1, 4], "ET": [4]}})
    assert regions.shape == (3, 2, 3)
    assert regions[0].tolist() == [[0, 1, 1], [1, 1, 1]] and regions[2].tolist() == [[0, 0, 0], [1, 0, 0]]
    assert label_channels(labels, {"foreground": "nonzero"}).shape == (1, 2, 3)


def test_three_class_synthetic_volumes_give_dice_per_class_and_the_mean():
    spec = source(DATA)
    image, mask = spec.load(DATA, spec.cases(DATA)[0])
    assert mask.shape == (3, 16, 16, 16) and mask.sum(0).max() == 1, "one channel per class, classes disjoint"
    job = tiny_job(dataset=DATA, split={"train": 6, "val": 3, "test": 3}, n_train=6,
                   model={"name": "resunet-d2", "family": "resunet", "depth": 2, "channels": 4, "res_units": 0},
                   training={"loss": "dicece", "optimizer": "adam", "lr": 0.01, "weight_decay": 0, "epochs": 1,
                             "batch_size": 3, "amp": False})
    validate_job(job)
    result = run_job(job, device="cpu", cost=False)
    assert [r["class"] for r in result.classes] == ["low", "mid", "high"]
    # the mean over classes of the per-class means is the mean over cases of the per-case means
    assert np.mean([r["dice"] for r in result.classes]) == pytest.approx(result.metrics["dice"])
    assert all(0.0 <= r["global_dice"] <= 1.0 for r in result.classes)


def test_a_three_class_grid_stores_dice_per_class(tmp_path):
    file = tmp_path / "classes.yaml"
    file.write_text(json.dumps({
        "name": "three-classes", "dataset": DATA, "split": {"train": 6, "val": 3, "test": 3}, "fractions": [0.5, 1],
        "models": [{"family": "resunet", "depths": [2], "channels": 4, "res_units": 0}],
        "training": {"epochs": 1, "batch_size": 3, "loss": "dicece"},
    }))
    db = tmp_path / "s.db"
    done = subprocess.run(["bash", str(REPO / "bin" / "plateau"), "run", str(file), "--db", str(db), "--workers", "1",
                           "--json"], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    with sqlite3.connect(db) as con:
        rows = con.execute("SELECT j.fraction, c.class, c.dice, m.dice FROM classes c JOIN jobs j ON j.key = c.job "
                           "JOIN metrics m ON m.job = c.job ORDER BY j.fraction, c.rowid").fetchall()
    assert [(f, c) for f, c, _, _ in rows] == [(0.5, "low"), (0.5, "mid"), (0.5, "high"), (1.0, "low"), (1.0, "mid"), (1.0, "high")]
    for fraction in (0.5, 1.0):
        per_class = [d for f, _, d, _ in rows if f == fraction]
        assert np.mean(per_class) == pytest.approx(next(m for f, _, _, m in rows if f == fraction))


class FixedLogits(torch.nn.Module):
    def __init__(self, logits):
        super().__init__()
        self.logits = logits
        self.dummy = torch.nn.Parameter(torch.zeros(1))

    def forward(self, x):
        return self.logits + 0 * self.dummy


def test_softmax_gives_each_voxel_one_class_with_a_background_output():
    y = torch.zeros(1, 2, 4, 4)
    y[0, 0, :2] = 1
    y[0, 1, 2] = 1  # row 3 stays background
    full = with_background(y)
    assert full.sum(1).eq(1).all() and full[0, 0, 3].eq(1).all()
    right, wrong = 10 * full, 10 * full.flip(1)
    batch = [(torch.zeros(1, 1, 4, 4), y, torch.tensor([0]))]
    for name in ("bce", "dice", "dicece"):
        loss = loss_function(name, "softmax")
        assert float(loss(right, y)) < float(loss(wrong, y)), name
    good = evaluate(FixedLogits(right), batch, loss_function("dicece", "softmax"), torch.device("cpu"),
                    activation="softmax", class_names=["a", "b"])
    assert good["dice"] == 1.0 and [r["dice"] for r in good["classes"]] == [1.0, 1.0]
    bad = evaluate(FixedLogits(wrong), batch, loss_function("dicece", "softmax"), torch.device("cpu"),
                   activation="softmax", class_names=["a", "b"])
    # flipped outputs (b, a, background): a stays right, b lands on the background row
    assert [r["dice"] for r in bad["classes"]] == [1.0, 0.0] and bad["dice"] == 0.5


def test_a_softmax_job_trains_one_output_more_than_classes():
    job = tiny_job(dataset=DATA, split={"train": 6, "val": 3, "test": 3}, n_train=6,
                   model={"name": "resunet-d2", "family": "resunet", "depth": 2, "channels": 4, "res_units": 0},
                   training={"loss": "dicece", "optimizer": "adam", "lr": 0.01, "weight_decay": 0, "epochs": 1,
                             "batch_size": 3, "amp": False, "activation": "softmax"})
    validate_job(job)
    result = run_job(job, device="cpu", cost=False)
    assert [r["class"] for r in result.classes] == ["low", "mid", "high"]
    assert np.mean([r["dice"] for r in result.classes]) == pytest.approx(result.metrics["dice"])
