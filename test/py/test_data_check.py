import numpy as np
import pytest

from plateau.data import source
from plateau.data.check import check_dataset


@pytest.fixture(autouse=True)
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("PLATEAU_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path / "cache"


def test_synthetic_data_gets_a_summary(cache):
    spec = {"kind": "synthetic-2d", "count": 4, "size": 32, "objects": 3, "radius_max": 6, "noise": 0.2, "seed": 1}
    src = source(spec)
    masks = [src.load(spec, c)[1] for c in src.cases(spec)]
    summary = check_dataset(spec)
    assert summary == {"kind": "synthetic-2d", "root": None, "cases": 4, "patients": 4, "channels": 1,
                       "spatial_dims": 2, "shape": [1, 32, 32], "sizes": {"min": [32, 32], "max": [32, 32]},
                       "foreground_fraction": pytest.approx(np.mean([m.mean() for m in masks])),
                       "empty_masks": sum(not m.any() for m in masks), "problems": []}
    assert len(list(cache.iterdir())) == 1
    assert check_dataset({**spec, "seed": 2}) != summary and len(list(cache.iterdir())) == 2
