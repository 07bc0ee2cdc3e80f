import json

import numpy as np
import pytest
from fixtures_data import decathlon, decathlon_spec, expected, garbage, labels, nifti

from plateau.data import DataError, source
from plateau.data.check import check_dataset


@pytest.fixture(autouse=True)
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("PLATEAU_CACHE_DIR", str(tmp_path / "cache"))


def test_4d_images_become_channels(tmp_path):
    volumes = decathlon(tmp_path / "Task01", channels=3)
    spec = decathlon_spec(tmp_path / "Task01")
    src = source(spec)
    cases = src.cases(spec)
    assert [c.id for c in cases] == sorted(volumes)
    for case in cases:
        image, mask = src.load(spec, case)
        want_image, want_mask = expected(volumes[case.id], labels((1, 2)) > 0)
        assert image.shape == (3, 16, 16, 16)
        np.testing.assert_allclose(image, want_image, atol=1e-4)
        np.testing.assert_array_equal(mask, want_mask)
    summary = check_dataset(spec)
    assert (summary["cases"], summary["channels"], summary["shape"]) == (3, 3, [3, 16, 16, 16])


def test_listed_foreground_labels(tmp_path):
    volumes = decathlon(tmp_path / "t", count=1)
    spec = decathlon_spec(tmp_path / "t", foreground=[2])
    src = source(spec)
    (case,) = src.cases(spec)
    _, mask = src.load(spec, case)
    np.testing.assert_array_equal(mask, expected(volumes[case.id], labels((1, 2)) == 2)[1])
    # Labels declared in dataset.json but not foreground (1 here) are fine; an undeclared foreground is not.
    spec["foreground"] = [5]
    with pytest.raises(DataError, match=r"dataset.json: foreground labels \[5\] not declared \(declared: \[0, 1, 2\]\)"):
        src.cases(spec)


def test_image_listed_as_several_files(tmp_path):
    root = tmp_path / "t"
    volumes = decathlon(root, count=1, channels=2)
    (case_id,) = volumes
    for c in range(2):
        nifti(root / "split" / f"{case_id}_{c}.nii.gz", volumes[case_id][c])
    meta = json.loads((root / "dataset.json").read_text())
    meta["training"][0]["image"] = [f"./split/{case_id}_{c}.nii.gz" for c in range(2)]
    (root / "dataset.json").write_text(json.dumps(meta))
    spec = decathlon_spec(root)
    image, _ = source(spec).load(spec, source(spec).cases(spec)[0])
    np.testing.assert_allclose(image, expected(volumes[case_id], labels() > 0)[0], atol=1e-4)


def test_every_bad_case_is_listed_by_path(tmp_path):
    root = tmp_path / "t"
    decathlon(root, count=5)
    (root / "imagesTr/BRATS_000.nii.gz").unlink()
    (root / "labelsTr/BRATS_001.nii.gz").unlink()
    nifti(root / "labelsTr/BRATS_002.nii.gz", labels((1, 3)))
    garbage(root / "imagesTr/BRATS_003.nii.gz")
    with pytest.raises(DataError) as err:
        check_dataset(decathlon_spec(root))
    problems = dict(err.value.problems)
    assert problems.pop(str(root / "imagesTr/BRATS_003.nii.gz")).startswith("does not open")
    assert problems == {
        str(root / "imagesTr/BRATS_000.nii.gz"): "image not found",
        str(root / "labelsTr/BRATS_001.nii.gz"): "mask not found",
        str(root / "labelsTr/BRATS_002.nii.gz"): "labels [3] not declared (declared: [0, 1, 2])",
    }
    assert "BRATS_004" not in str(err.value)


def test_missing_datalist_is_named(tmp_path):
    (tmp_path / "t").mkdir()
    spec = decathlon_spec(tmp_path / "t")
    with pytest.raises(DataError) as err:
        source(spec).cases(spec)
    assert err.value.problems == [(str(tmp_path / "t/dataset.json"), "not found")]


def test_patient_regex_groups_cases(tmp_path):
    decathlon(tmp_path / "t", count=3)
    spec = decathlon_spec(tmp_path / "t", patient_regex=r"^([A-Z]+)_")
    assert [c.patient for c in source(spec).cases(spec)] == ["BRATS"] * 3
    assert check_dataset(spec)["patients"] == 1
