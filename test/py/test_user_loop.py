"""A user's own MONAI loop: ``fit`` and ``evaluate`` on MONAI dict batches."""

import torch
from monai.data import DataLoader, Dataset
from monai.networks.nets import UNet
from monai.transforms import Compose, EnsureTyped, RandFlipd

from plateau.evaluate import evaluate
from plateau.optim import loss_function
from plateau.train import fit


def dict_loaders(n=12, size=16):
    g = torch.Generator().manual_seed(0)
    items = [{"image": (x := torch.rand(1, size, size, generator=g)), "label": (x > 0.5).float()} for _ in range(n)]
    aug = Compose([EnsureTyped(keys=["image", "label"]), RandFlipd(keys=["image", "label"], prob=0.5, spatial_axis=0)])
    return (DataLoader(Dataset(items, transform=aug), batch_size=4, shuffle=True),
            DataLoader(Dataset(items, transform=EnsureTyped(keys=["image", "label"])), batch_size=6))


def test_fit_and_evaluate_take_monai_dict_batches():
    torch.manual_seed(0)
    net = UNet(spatial_dims=2, in_channels=1, out_channels=1, channels=(4, 8), strides=(2,))
    train, val = dict_loaders()
    loss = loss_function("dicece")
    before = evaluate(net, val, loss, torch.device("cpu"))
    rows, best = fit(net, train, val, loss, torch.optim.Adam(net.parameters(), lr=0.02), "cpu", epochs=6)
    after = evaluate(net, val, loss, torch.device("cpu"))
    assert len(rows) == 6 and 1 <= best <= 6
    assert after["loss"] < before["loss"], "training on dict batches lowers the validation loss"
    assert [r["patient"] for r in after["cases"]] == [str(i) for i in range(12)]  # loader order stands in for ids
