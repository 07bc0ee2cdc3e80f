import math

import pytest
import torch

from plateau.metrics import global_dice, per_case


def test_global_dice_pools_every_pixel():
    # Image 0: y has 3 pixels, round(ŷ) 2 of them + 1 extra. Image 1: y 1 pixel, nothing predicted.
    y = torch.tensor([[[[1, 1, 1, 0]]], [[[0, 1, 0, 0]]]], dtype=torch.float32)
    p = torch.tensor([[[[0.9, 0.6, 0.2, 0.7]]], [[[0.1, 0.4, 0.3, 0.0]]]])
    # Σ y·round(ŷ) = 2, Σy = 4, Σround(ŷ) = 3 → 4/7; the mean of per-image DSCs would be (4/6 + 0)/2.
    assert math.isclose(global_dice(p, y), 2 * 2 / (4 + 3))


def test_rounding_at_one_half():
    y = torch.tensor([1.0, 1.0, 0.0, 0.0])
    # 0.5 rounds to even (0), anything above to 1: TP 1 (0.5001), FP 1 (0.51).
    p = torch.tensor([0.5, 0.5001, 0.51, 0.49])
    assert math.isclose(global_dice(p, y), 2 * 1 / (2 + 2))


def test_empty_truth_and_prediction_is_one_and_empty_truth_with_prediction_is_zero():
    zeros = torch.zeros(2, 1, 3, 3)
    assert global_dice(zeros + 0.2, zeros) == 1.0
    assert global_dice(zeros + 0.9, zeros) == 0.0


def test_shape_mismatch_raises():
    with pytest.raises(ValueError):
        global_dice(torch.zeros(1, 1, 2, 2), torch.zeros(1, 1, 2, 3))


def test_per_case_rows():
    y = torch.tensor([[[[1, 1], [1, 1]]], [[[0, 0], [0, 0]]], [[[1, 0], [0, 0]]]], dtype=torch.float32)
    p = torch.tensor([[[[0.9, 0.9], [0.9, 0.1]]], [[[0.0, 0.0], [0.0, 0.0]]], [[[0.0, 0.0], [0.0, 0.0]]]])
    rows = per_case(p, y, ["a", "b", "c"])
    assert [r["case_id"] for r in rows] == ["a", "b", "c"]
    a, b, c = rows
    assert math.isclose(a["dice"], 2 * 3 / (4 + 3), rel_tol=1e-6) and math.isclose(a["iou"], 3 / 4, rel_tol=1e-6)
    assert math.isclose(a["recall"], 3 / 4, rel_tol=1e-6) and a["precision"] == 1.0 and a["foreground"] == 4
    # Nothing to find and nothing found: DSC 1, recall and precision undefined.
    assert b["dice"] == 1.0 and b["recall"] is None and b["precision"] is None and b["foreground"] == 0
    # A missed case: recall 0, precision undefined (nothing predicted).
    assert c["dice"] == 0.0 and c["recall"] == 0.0 and c["precision"] is None and c["foreground"] == 1
    with pytest.raises(ValueError):
        per_case(p, y, ["a"])
