"""``plateau.Study``: a user's own MONAI loop over the grid's nested subsets, recorded in the store
through the CLI (``plateau record``) and seen by ``plateau status``, ``forecast`` and the dashboard."""

import json
import sqlite3
import subprocess
from pathlib import Path

import pytest
import torch
from monai.data import DataLoader
from monai.networks.nets import UNet

import plateau
from plateau.evaluate import evaluate
from plateau.optim import loss_function
from plateau.train import fit

REPO = Path(__file__).resolve().parents[2]
EXPERIMENT = {
    "name": "own-loop",
    "dataset": {"kind": "synthetic-2d", "count": 24, "size": 16, "objects": 3, "radius_max": 4, "noise": 0.2, "seed": 0},
    "split": {"train": 12, "val": 6, "test": 6},
    "fractions": [0.25, 0.5, 0.75, 1],
    "models": [{"family": "resunet", "depths": [2], "channels": 4, "res_units": 0}],
    "training": {"epochs": 1, "batch_size": 4, "lr": 0.01},
}


def cli(*args):
    return subprocess.run(["bash", str(REPO / "bin" / "plateau"), *args], capture_output=True, text=True, check=False)


def own_loop(parts, epochs):
    """What a user's loop might be: their network, MONAI loaders of dict items, plateau's fit/evaluate."""
    torch.manual_seed(0)
    net = UNet(spatial_dims=2, in_channels=1, out_channels=1, channels=(4, 8), strides=(2,))
    loss = loss_function("dicece")
    rows, _ = fit(net, DataLoader(parts.dataset("train"), batch_size=4, shuffle=True),
                  DataLoader(parts.dataset("val"), batch_size=6), loss, torch.optim.Adam(net.parameters(), 0.02), "cpu", epochs)
    test = evaluate(net, DataLoader(parts.dataset("test"), batch_size=6), loss, torch.device("cpu"), parts.all_cases)
    return rows, test


def test_own_loop_recorded_and_seen_by_status_and_forecast(tmp_path):
    db = tmp_path / "store.db"
    study = plateau.Study(EXPERIMENT, db=db)
    jobs = study.pending()
    assert [j.fraction for j in jobs] == [0.25, 0.5, 0.75, 1]
    trains = [set(c.id for c in study.subsets(j).train) for j in jobs]
    assert [len(t) for t in trains] == [3, 6, 9, 12] and trains[0] < trains[1] < trains[2] < trains[3], "nested subsets"
    recorded = {}
    for job in jobs:
        parts = study.subsets(job)
        rows, test = own_loop(parts, job.spec["training"]["epochs"])
        cases = [{k: r[k] for k in ("dice", "iou", "recall", "precision", "foreground", "patient")} | {"case_id": c.id}
                 for r, c in zip(test["cases"], parts.test)]
        assert study.record(job, metrics={"dice": test["dice"], "iou": test["iou"]}, epochs=rows, cases=cases,
                            seconds=1.5, subsets=parts, classes=test["classes"])
        recorded[job.key] = test["dice"]
    assert study.pending() == []
    assert not study.record(jobs[0], metrics={"dice": 0.1}, epochs=1), "a stored result is never overwritten"

    status = cli("status", "--db", str(db), "--json")
    assert status.returncode == 0, status.stderr
    doc = json.loads(status.stdout)
    assert doc["jobs"]["done"] == 4
    assert {r["key"]: r["dice"] for r in doc["results"]} == pytest.approx(recorded)
    assert [r["n_train"] for r in doc["results"]] == [3, 6, 9, 12]
    with sqlite3.connect(db) as con:
        per_class = dict(con.execute("SELECT job, dice FROM classes WHERE class = 'foreground'").fetchall())
    assert per_class == pytest.approx(recorded), "one class: its Dice is the job's"
    forecast = cli("forecast", "--db", str(db), "--experiment", "own-loop", "--json")
    assert forecast.returncode == 0, forecast.stderr
    assert "resunet-d2" in forecast.stdout
    dashboard = cli("dashboard", "--db", str(db), "--view", "overview", "--view", "grid")
    assert dashboard.returncode == 0, dashboard.stderr
    assert "own-loop" in dashboard.stdout and "resunet-d2" in dashboard.stdout


def test_bad_results_and_bad_experiments_are_refused(tmp_path):
    db = tmp_path / "store.db"
    study = plateau.Study(EXPERIMENT, db=db)
    job = study.jobs()[0]
    with pytest.raises(ValueError, match="no column"):
        study.record(job, metrics={"dice": 0.5, "accuracy": 0.9})
    with pytest.raises(ValueError, match="needs 'dice'"):
        study.record(job, metrics={"iou": 0.5})
    with pytest.raises(plateau.StudyError, match="fractions"):
        plateau.Study({**EXPERIMENT, "fractions": "all"}, db=db)
    # held to a worker's checks: a Dice outside [0, 1] or NaN is refused, and no store takes it
    for dice, why in ((1.5, r"metrics row 1: 'dice'"), (float("nan"), r"metrics row 1: 'dice'")):
        with pytest.raises(plateau.StudyError, match=why):
            study.record(job, metrics={"dice": dice}, epochs=1)
    assert not db.exists(), "nothing written by refused requests"
    study.record(job, metrics={"dice": 0.5}, epochs=1)
    changed = plateau.Study({**EXPERIMENT, "training": {**EXPERIMENT["training"], "epochs": 3}}, db=db)
    with pytest.raises(plateau.StudyError, match=r"training.epochs: 1 → 3.*--merge"):
        changed.record(changed.jobs()[0], metrics={"dice": 0.6}, epochs=3)
    merged = plateau.Study({**EXPERIMENT, "training": {**EXPERIMENT["training"], "epochs": 3}}, db=db, merge=True)
    assert merged.record(merged.jobs()[0], metrics={"dice": 0.6}, epochs=3)


def test_costs_not_measured_are_null_in_the_store_and_a_dash_in_status(tmp_path):
    """A result recorded without its costs (no seconds, no params, FLOPs or throughput): QA found them
    stored and shown as 0, a cost. They are NULL in the store, null in --json, '–' in the text."""
    db = tmp_path / "store.db"
    exp = {**EXPERIMENT, "fractions": [1]}
    study = plateau.Study(exp, db=db)
    (job,) = study.pending()
    parts = study.subsets(job)
    rows, test = own_loop(parts, 1)
    assert study.record(job, metrics={"dice": test["dice"], "iou": test["iou"]}, epochs=rows, subsets=parts)
    with sqlite3.connect(db) as con:
        stored = con.execute("SELECT j.seconds, m.train_seconds, m.params, m.flops, m.throughput FROM jobs j "
                             "JOIN metrics m ON m.job = j.key WHERE j.key = ?", (job.key,)).fetchone()
    assert stored == (None, None, None, None, None)
    status = cli("status", "--db", str(db), "--json")
    assert status.returncode == 0, status.stderr
    (row,) = json.loads(status.stdout)["results"]
    assert {k: row[k] for k in ("seconds", "params", "flops", "throughput")} == dict.fromkeys(("seconds", "params", "flops", "throughput"))
    text = cli("status", "--db", str(db))
    assert text.returncode == 0, text.stderr
    lines = text.stdout.splitlines()
    cost = lines[next(i for i, line in enumerate(lines) if line.split()[:3] == ["model", "params", "GFLOPs"]) + 2].split()
    # model, params, GFLOPs, images/s, runs, mean epochs, mean train s
    assert cost[0] == "resunet-d2" and cost[1:4] == ["–", "–", "–"] and cost[4] == "1" and cost[6] == "–", cost
    assert lines[next(i for i, line in enumerate(lines) if line.split()[:2] == ["experiment", "model"]) + 2].split()[-1] == "–"
