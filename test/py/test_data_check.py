import json
import subprocess
from pathlib import Path

import nibabel as nib
import numpy as np
import pytest
from monai.data import create_test_image_2d, create_test_image_3d
from PIL import Image

from plateau.data import DataError, source
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


# --- data lists whose images do not agree: each odd case named by its own file (QA) ---------------

REPO = Path(__file__).resolve().parents[2]


def mixed_list(root: Path, kinds: list) -> Path:
    """A data list at ``root/list.json`` of one case per entry of ``kinds``: an int is a 2D PNG of
    that side, ``"3d"`` a 16³ NIfTI volume; files ``i{k}`` and ``l{k}``."""
    root.mkdir(parents=True, exist_ok=True)
    entries = []
    for k, kind in enumerate(kinds):
        rs = np.random.RandomState(k)
        if kind == "3d":
            image, seg = create_test_image_3d(16, 16, 16, rad_max=5, rad_min=2, num_seg_classes=1, random_state=rs)
            nib.save(nib.Nifti1Image(image.astype(np.float32), np.eye(4)), root / f"i{k}.nii.gz")
            nib.save(nib.Nifti1Image(seg.astype(np.uint8), np.eye(4)), root / f"l{k}.nii.gz")
            entries.append({"image": f"i{k}.nii.gz", "label": f"l{k}.nii.gz"})
        else:
            image, seg = create_test_image_2d(kind, kind, rad_max=5, rad_min=2, num_seg_classes=1, random_state=rs)
            Image.fromarray((image * 255).astype(np.uint8)).save(root / f"i{k}.png")
            Image.fromarray(seg.astype(np.uint8)).save(root / f"l{k}.png")
            entries.append({"image": f"i{k}.png", "label": f"l{k}.png"})
    (root / "list.json").write_text(json.dumps({"training": entries}))
    return root / "list.json"


def test_a_data_list_mixing_2d_and_3d_images_names_the_odd_one(tmp_path):
    """It failed with numpy's "inhomogeneous shape" message, naming no file."""
    path = mixed_list(tmp_path / "d", [32, 32, "3d", 32])
    with pytest.raises(DataError) as err:
        check_dataset({"kind": "datalist", "datalist": str(path)})
    assert err.value.problems == [(str(tmp_path / "d" / "i2.nii.gz"), "is a 3D image, but 3 of the data set's 4 images "
                                                                      "are 2D (a data set's images are all 2D or all 3D)")]


@pytest.mark.parametrize("kinds, size, dims", [([32, 32, 32], [32, 32, 32], 2), (["3d", "3d"], [16, 16], 3)])
def test_dataset_size_with_as_many_sides_as_the_images_have_dimensions(tmp_path, kinds, size, dims):
    """3 sides on 2D PNGs passed (each image was resized into a volume); 2 sides on volumes failed in MONAI."""
    path = mixed_list(tmp_path / "d", kinds)
    with pytest.raises(DataError) as err:
        check_dataset({"kind": "datalist", "datalist": str(path), "size": size})
    first = str(tmp_path / "d" / ("i0.png" if dims == 2 else "i0.nii.gz"))
    assert str(err.value) == (f"{path}: dataset.size {size} has {len(size)} sides, but its images are {dims}D "
                              f"(as {first}): give dataset.size {dims} sides")


def test_images_of_another_size_are_the_ones_named_even_when_listed_first(tmp_path):
    """The first case's shape was taken as the data set's: a list whose first image was the odd one
    blamed every other case (by case id, not by file)."""
    path = mixed_list(tmp_path / "d", [24, 32, 32, 32, 24])
    with pytest.raises(DataError) as err:
        check_dataset({"kind": "datalist", "datalist": str(path)})
    said = "loads as 1x24x24 (channels first), but 3 of the 5 images load as 1x32x32; dataset.size resizes every image to one size"
    assert err.value.problems == [(str(tmp_path / "d" / "i0.png"), said), (str(tmp_path / "d" / "i4.png"), said)]
    summary = check_dataset({"kind": "datalist", "datalist": str(path), "size": [32, 32]})
    assert summary["shape"] == [1, 32, 32] and summary["sizes"] == {"min": [24, 24], "max": [32, 32]}


def test_plateau_run_refuses_a_mixed_data_list_before_the_store_is_written(tmp_path):
    path = mixed_list(tmp_path / "d", ["3d", 32, 32, 32])
    (tmp_path / "x.yaml").write_text(json.dumps({
        "name": "mixed", "dataset": {"kind": "datalist", "datalist": str(path)}, "split": {"train": 2, "val": 1, "test": 1},
        "fractions": [1], "models": [{"family": "resunet", "depths": [2]}], "training": {"epochs": 1}}))
    done = subprocess.run(["bash", str(REPO / "bin" / "plateau"), "run", str(tmp_path / "x.yaml"), "--db", str(tmp_path / "s.db"),
                           "--json"], capture_output=True, text=True, timeout=300)
    assert done.returncode == 2, done.stderr
    assert done.stderr.strip().endswith(f"- {tmp_path / 'd' / 'i0.nii.gz'}: is a 3D image, but 3 of the data set's 4 "
                                        "images are 2D (a data set's images are all 2D or all 3D)")
    assert "Traceback" not in done.stderr and not (tmp_path / "s.db").exists()
