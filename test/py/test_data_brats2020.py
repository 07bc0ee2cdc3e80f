import numpy as np
import pytest
from fixtures_data import BRATS_MODALITIES, brats, brats_spec, expected, garbage, labels, nifti

from plateau.data import DataError, source
from plateau.data.check import check_dataset


@pytest.fixture(autouse=True)
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("PLATEAU_CACHE_DIR", str(tmp_path / "cache"))


def test_loads_modalities_as_channels_normalised_and_cropped(tmp_path):
    volumes = brats(tmp_path / "brats")
    spec = brats_spec(tmp_path / "brats")
    src = source(spec)
    cases = src.cases(spec)
    assert [c.id for c in cases] == sorted(volumes) and [c.patient for c in cases] == sorted(volumes)
    order = [BRATS_MODALITIES.index(m) for m in spec["modalities"]]
    for case in cases:
        image, mask = src.load(spec, case)
        assert image.shape == (4, 16, 16, 16) and mask.shape == (1, 16, 16, 16)
        assert image.dtype == np.float32 and set(np.unique(mask)) == {0.0, 1.0}
        want_image, want_mask = expected(volumes[case.id][order], labels() > 0)
        np.testing.assert_allclose(image, want_image, atol=1e-4)
        np.testing.assert_array_equal(mask, want_mask)


def test_listed_labels_and_modality_subset(tmp_path):
    volumes = brats(tmp_path / "b", count=1)
    spec = brats_spec(tmp_path / "b", modalities=["flair"], foreground=[4])
    src = source(spec)
    (case,) = src.cases(spec)
    image, mask = src.load(spec, case)
    want_image, want_mask = expected(volumes[case.id][[0]], labels() == 4)
    assert image.shape == (1, 16, 16, 16)
    np.testing.assert_allclose(image, want_image, atol=1e-4)
    np.testing.assert_array_equal(mask, want_mask)
    assert mask.sum() == (labels() == 4).sum() > 0


def test_uncompressed_files_and_the_oddly_named_seg_of_case_355(tmp_path):
    root = tmp_path / "b"
    brats(root, count=2, ext=".nii")
    odd = root / "BraTS20_Training_002"
    (odd / "BraTS20_Training_002_seg.nii").rename(odd / "W39_1998.09.19_Segm.nii")
    spec = brats_spec(root)
    cases = source(spec).cases(spec)
    assert cases[1].mask == str(odd / "W39_1998.09.19_Segm.nii")
    summary = check_dataset(spec)
    tumour = (labels() > 0).sum()
    assert summary == {"kind": "brats2020", "root": str(root), "cases": 2, "patients": 2, "channels": 4,
                       "spatial_dims": 3, "shape": [4, 16, 16, 16], "sizes": {"min": [24, 20, 16], "max": [24, 20, 16]},
                       "foreground_fraction": pytest.approx(tumour / 16**3), "empty_masks": 0, "problems": []}


def test_every_bad_case_is_listed_by_path(tmp_path):
    root = tmp_path / "b"
    brats(root, count=7)
    case = {i: root / f"BraTS20_Training_{i:03d}" for i in range(1, 8)}
    (case[1] / "BraTS20_Training_001_t2.nii.gz").unlink()
    (case[2] / "BraTS20_Training_002_seg.nii.gz").unlink()
    nifti(case[3] / "BraTS20_Training_003_t1.nii.gz", np.ones((24, 20, 15), np.float32))
    garbage(case[4] / "BraTS20_Training_004_flair.nii.gz")
    nifti(case[5] / "BraTS20_Training_005_seg.nii.gz", labels((1, 3, 7)))
    nifti(case[6] / "BraTS20_Training_006_seg.nii.gz", labels((1,)).astype(np.float32) * 0.5)
    with pytest.raises(DataError) as err:
        check_dataset(brats_spec(root))
    problems = err.value.problems
    assert sorted(p for p, _ in problems) == sorted([
        str(case[1]), str(case[2]), str(case[3] / "BraTS20_Training_003_t1.nii.gz"),
        str(case[4] / "BraTS20_Training_004_flair.nii.gz"), str(case[5] / "BraTS20_Training_005_seg.nii.gz"),
        str(case[6] / "BraTS20_Training_006_seg.nii.gz")])
    text = dict(problems)
    assert text[str(case[1])] == "no t2 file(s)"
    assert text[str(case[2])] == "no seg file (mask)"
    assert text[str(case[3] / "BraTS20_Training_003_t1.nii.gz")] == "image is 24x20x15 but mask is 24x20x16"
    assert text[str(case[4] / "BraTS20_Training_004_flair.nii.gz")].startswith("does not open")
    assert text[str(case[5] / "BraTS20_Training_005_seg.nii.gz")] == "labels [3, 7] not declared (declared: [0, 1, 2, 4])"
    assert text[str(case[6] / "BraTS20_Training_006_seg.nii.gz")].startswith("not a label map")
    assert str(case[7]) not in str(err.value)


def test_undeclared_foreground_label_is_a_spec_problem(tmp_path):
    brats(tmp_path / "b", count=1)
    spec = brats_spec(tmp_path / "b", foreground=[3])
    with pytest.raises(DataError, match=r"foreground labels \[3\] not declared"):
        source(spec).cases(spec)


def test_patient_regex_groups_cases(tmp_path):
    brats(tmp_path / "b", count=3)
    spec = brats_spec(tmp_path / "b", patient_regex=r"_(\d\d)[12]$")
    with pytest.raises(DataError) as err:  # 003 does not match: reported, 001 and 002 are one patient
        check_dataset(spec)
    assert err.value.problems == [(str(tmp_path / "b/BraTS20_Training_003/BraTS20_Training_003_seg.nii.gz"),
                                   "case id 'BraTS20_Training_003' does not match patient_regex '_(\\\\d\\\\d)[12]$'")]
    spec["patient_regex"] = r"_(\d\d)\d$"
    assert [c.patient for c in source(spec).cases(spec)] == ["00", "00", "00"]
    assert check_dataset(spec)["patients"] == 1


def test_a_missing_root_is_one_error_naming_it(tmp_path):
    """It was a bad case ("1 bad case(s)\\n  - .../nowhere: folder not found")."""
    with pytest.raises(DataError) as err:
        check_dataset(brats_spec(tmp_path / "nowhere"))
    assert str(err.value) == f"{tmp_path / 'nowhere'}: no such folder (dataset.root)"
