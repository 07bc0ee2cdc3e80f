import math

import pytest
import torch
import torch.nn.functional as F

from plateau.evaluate import evaluate
from plateau.metrics import per_image


def masks(*rows_list):
    return torch.tensor([[r] for r in rows_list], dtype=torch.float32)


def test_metrics_against_hand_counts():
    # Image 0: target 4 pixels, prediction 3 of them + 1 extra → TP 3, FP 1, FN 1.
    # Image 1: target 2 pixels, prediction 1 of them → TP 1, FP 0, FN 1.
    target = masks([[1, 1, 0], [1, 1, 0], [0, 0, 0]], [[0, 0, 0], [0, 1, 1], [0, 0, 0]])
    pred = masks([[1, 1, 1], [1, 0, 0], [0, 0, 0]], [[0, 0, 0], [0, 1, 0], [0, 0, 0]])
    m = per_image(pred, target)
    assert torch.allclose(m["dice"], torch.tensor([2 * 3 / (4 + 4), 2 * 1 / (2 + 1)]))
    assert torch.allclose(m["iou"], torch.tensor([3 / 5, 1 / 2]))
    assert torch.allclose(m["recall"], torch.tensor([3 / 4, 1 / 2]))
    assert torch.allclose(m["precision"], torch.tensor([3 / 4, 1 / 1]))


def test_empty_cases():
    # Empty truth and empty prediction: a perfect answer (DSC 1); precision undefined → skipped.
    target = masks([[0, 0], [0, 0]], [[1, 0], [0, 0]])
    pred = masks([[0, 0], [0, 0]], [[1, 0], [0, 0]])
    m = per_image(pred, target)
    assert m["dice"].tolist() == [1.0, 1.0]
    assert math.isnan(m["precision"][0]) and m["precision"][1] == 1.0


class Fixed(torch.nn.Module):
    """A "network" that answers fixed logits, so the test controls exactly what is evaluated."""

    def __init__(self, logits):
        super().__init__()
        self.logits = logits

    def forward(self, x):
        return self.logits[: len(x)]


def test_evaluate_thresholds_logits_and_reports_bce():
    target = masks([[1, 0], [0, 0]])
    logits = torch.tensor([[[[3.0, -3.0], [1.0, -2.0]]]])  # sigmoid > 0.5 where logit > 0
    loader = [(torch.zeros(1, 1, 2, 2), target, torch.tensor([0]))]
    s = evaluate(Fixed(logits), loader, F.binary_cross_entropy_with_logits, torch.device("cpu"))
    assert s["global_dice"] == pytest.approx(2 * 1 / (1 + 2))
    assert s["cases"][0]["case_id"] == "0" and s["cases"][0]["foreground"] == 1.0
    assert math.isclose(s["dice"], 2 * 1 / (1 + 2), rel_tol=1e-6)
    assert math.isclose(s["precision"], 0.5, rel_tol=1e-6)
    expected_bce = -(math.log(torch.sigmoid(torch.tensor(3.0))) + math.log(1 - torch.sigmoid(torch.tensor(-3.0)))
                     + math.log(1 - torch.sigmoid(torch.tensor(1.0))) + math.log(1 - torch.sigmoid(torch.tensor(-2.0)))) / 4
    assert math.isclose(s["bce"], float(expected_bce), rel_tol=1e-5)
