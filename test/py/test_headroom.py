"""bench/headroom.py: a curve's grid features come from other models of its own data set and metric, never itself."""
import importlib.util
import math
from pathlib import Path

spec = importlib.util.spec_from_file_location("headroom", Path(__file__).parents[2] / "bench" / "headroom.py")
headroom = importlib.util.module_from_spec(spec)
spec.loader.exec_module(headroom)


def record(data_set, metric, last, half="held-out"):
    return {"half": half, "openmlid": data_set, "metric": metric, "truth": last, "last": last, "forecast": last + 0.01,
            "lo": last - 0.05, "hi": last + 0.05, "n": [16, 32, 64], "y": [last - 0.2, last - 0.1, last], "N": 1024}


def test_grid_features_leave_the_curve_out_and_stay_in_its_data_set():
    # data set 1: one F1 curve at 0.9 among six at 0.3; its AUC curve and data set 2 stand alone
    records = [record(1, "f1", 0.9)] + [record(1, "f1", 0.3) for _ in range(6)] + [record(2, "f1", 0.8), record(1, "auc", 0.95)]
    rows = [headroom.curve_features(r) for r in records]
    grid = headroom.grid_features(records, rows)
    assert all(g["grid_models"] == headroom.GRID for g in grid[:7])
    assert abs(grid[0]["grid_last"] - 0.3) < 1e-12  # its own 0.9 never counts
    # the others see at most the one 0.9 among their 4, never data set 2's or the AUC curve's
    assert all(0.3 - 1e-12 <= g["grid_last"] <= 0.3 + 0.6 / headroom.GRID + 1e-12 for g in grid[1:7])
    assert grid[7]["grid_models"] == 0 and math.isnan(grid[7]["grid_last"])
    assert grid[8]["grid_models"] == 0


def test_curve_features_read_the_recent_slope_per_ln_n():
    r = record(1, "f1", 0.7)
    f = headroom.curve_features(r)
    assert abs(f["slope1"] - 0.1 / math.log(2)) < 1e-12
    assert abs(f["slope3"] - 0.1 / math.log(2)) < 1e-9
    assert abs(f["distance"] - math.log(1024 / 64)) < 1e-12


def test_shape_features_read_the_rise_back_in_ln_n_and_the_dips():
    r = record(1, "f1", 0.7)  # 0.5, 0.6, 0.7 at n = 16, 32, 64
    s = headroom.shape_features(r)
    assert abs(s["rise_0.35"] - 0.1 * 0.35 / math.log(2)) < 1e-12
    assert abs(s["rise_1.04"] - (0.1 + 0.1 * (1.04 - math.log(2)) / math.log(2))) < 1e-9  # between n = 16 and 32
    assert math.isnan(s["rise_2.1"])  # before the first size
    assert s["rising"] == 1.0 and s["dip"] == 0.0
    r["y"] = [0.5, 0.8, 0.7]
    assert abs(headroom.shape_features(r)["dip"] - 0.1) < 1e-12
