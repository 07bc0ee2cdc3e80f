"""How much is left in the observed part of a learning curve? A check beside bench/forecast.ts.

The default forecast misses LCDB's curves at the largest n by MAE 0.0206 at the 25% cut (odd-id
F1/AUC data sets), where the answer-engine issue asks for 0.015. This script asks whether a
learnt correction could close that gap: a gradient-boosted regressor (scikit-learn's
HistGradientBoostingRegressor, absolute-error loss) predicts the default's error from what the
observed part shows (the forecast, the last value, recent slopes, noise, the distance to the
largest n), then also from the curve's shape (its rise over the last 0.35-3.5 in ln n, how
monotone it is, its largest dip), and, as plateau's grid would let it, from the other models
trained on the same data (up to 4 other learners of the same data set and metric, as a grid of
4-5 models has). Each is
learnt on the even-id half and scored on the odd-id half and the accuracy database, and then
cross-validated within each half (5 folds, grouped by data set), which learns from curves of the
same kind as those it scores: an optimistic bound on what these features hold.

    python bench/headroom.py FORECASTS.json     # written by bench/headroom.ts, which runs this
"""
from __future__ import annotations

import json
import sys

import numpy as np

GRID = 4  # the other models a grid has: LCDB has about 17 learners a data set, plateau's grids 4-5
HALVES = ("held-out", "calibrate", "accuracy")


def curve_features(r: dict) -> dict:
    """What the observed part of one curve shows, beside the default's forecast."""
    n, y = np.asarray(r["n"], float), np.asarray(r["y"], float)
    ln = np.log(n)
    k = min(3, len(n))
    slope3 = np.polyfit(ln[-k:], y[-k:], 1)[0]
    resid = y[-k:] - np.polyval(np.polyfit(ln[-k:], y[-k:], 1), ln[-k:]) if k >= 3 else np.zeros(1)
    return {
        "forecast": r["forecast"], "last": r["last"], "gap": r["forecast"] - r["last"], "width": r["hi"] - r["lo"],
        "slope1": (y[-1] - y[-2]) / (ln[-1] - ln[-2]), "slope3": slope3, "noise": float(np.abs(resid).mean()),
        "distance": float(np.log(r["N"] / n[-1])), "points": len(n), "best": float(y.max()), "first": float(y[0]), "lnN": float(np.log(r["N"])),
    }


SHAPE_AT = (0.35, 0.7, 1.04, 1.4, 2.1, 2.8, 3.5)  # ln n before the last observed size: 1-10 of LCDB's half-octave steps


def shape_features(r: dict) -> dict:
    """The curve's shape: its rise to the last value from each of SHAPE_AT back (NaN before the first size), monotony, largest dip."""
    ln, y = np.log(np.asarray(r["n"], float)), np.asarray(r["y"], float)
    out = {f"rise_{d}": float(y[-1] - np.interp(ln[-1] - d, ln, y)) if ln[-1] - d >= ln[0] else float("nan") for d in SHAPE_AT}
    out.update(span=float(ln[-1] - ln[0]), rising=float(np.mean(np.diff(y) >= 0)), dip=float(np.max(np.maximum.accumulate(y) - y)))
    return out


GRID_OF = ("gap", "slope3", "slope1", "last")


def grid_features(records: list[dict], rows: list[dict], seed: int = 0) -> list[dict]:
    """Each curve's means over up to GRID other curves of its data set and metric, never itself."""
    rng = np.random.default_rng(seed)
    groups: dict[tuple, list[int]] = {}
    for i, r in enumerate(records):
        groups.setdefault((r["half"], r["openmlid"], r["metric"]), []).append(i)
    out = []
    for i, r in enumerate(records):
        others = [j for j in groups[(r["half"], r["openmlid"], r["metric"])] if j != i]
        if len(others) > GRID:
            others = list(rng.choice(others, GRID, replace=False))
        g = {f"grid_{c}": float(np.mean([rows[j][c] for j in others])) if others else float("nan") for c in GRID_OF}
        g["grid_models"] = len(others)
        out.append(g)
    return out


def regressor():
    from sklearn.ensemble import HistGradientBoostingRegressor

    return HistGradientBoostingRegressor(loss="absolute_error", max_iter=300, learning_rate=0.05, max_leaf_nodes=15, min_samples_leaf=40, random_state=0)


def main(path: str) -> None:
    from sklearn.model_selection import GroupKFold

    records = json.load(open(path))
    rows = [curve_features(r) for r in records]
    shapes = [shape_features(r) for r in records]
    grid = grid_features(records, rows)
    sets = {"own": [rows], "+ shape": [rows, shapes], "+ 4 grid models": [rows, grid]}
    X = {name: np.array([[v for part in parts for v in part[i].values()] for i in range(len(records))]) for name, parts in sets.items()}
    truth = np.array([r["truth"] for r in records])
    forecast = np.array([r["forecast"] for r in records])
    half = np.array([r["half"] for r in records])
    data_set = np.array([r["openmlid"] for r in records])
    err = truth - forecast

    def score(mask, predicted):
        e = np.abs(truth[mask] - np.clip(predicted, 0, 1))
        return f"{e.mean():.4f} / {np.median(e):.4f}"

    print(f"MAE / median at the largest n, {len(records)} curves; a correction learnt from what was observed:")
    head = ["curves", "count", "default"] + [f"{how}: {name}" for how in ("even half", "5 folds") for name in sets]
    table = []
    for h in ("held-out", "accuracy", "calibrate"):
        m = half == h
        cells = [{"held-out": "odd F1/AUC", "calibrate": "even F1/AUC", "accuracy": "accuracy"}[h], str(m.sum()), score(m, forecast[m])]
        for name in sets:  # learnt on the even half (in-sample there: not scored)
            train = half == "calibrate"
            cells.append("–" if h == "calibrate" else score(m, forecast[m] + regressor().fit(X[name][train], err[train]).predict(X[name][m])))
        for name in sets:  # learnt within the half, 5 folds grouped by data set
            idx = np.flatnonzero(m)
            predicted = np.empty(len(idx))
            for a, b in GroupKFold(5).split(idx, groups=data_set[idx]):
                predicted[b] = forecast[idx[b]] + regressor().fit(X[name][idx[a]], err[idx[a]]).predict(X[name][idx[b]])
            cells.append(score(m, predicted))
        table.append(cells)
    widths = [max(len(r[i]) for r in [head, *table]) for i in range(len(head))]
    for r in [head, *table]:
        print("  ".join(c.rjust(w) if i else c.ljust(w) for i, (c, w) in enumerate(zip(r, widths))))

if __name__ == "__main__":
    main(sys.argv[1])
