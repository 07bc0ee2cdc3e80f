import numpy as np
import pytest
from fixtures_data import expected, garbage, labels, nifti, nnunet, nnunet_spec

from plateau.data import DataError, source
from plateau.data.check import check_dataset


@pytest.fixture(autouse=True)
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("PLATEAU_CACHE_DIR", str(tmp_path / "cache"))


@pytest.mark.parametrize("v2", [True, False])
def test_one_file_per_channel(tmp_path, v2):
    root = tmp_path / "Dataset003_Liver"
    volumes = nnunet(root, v2=v2)
    (root / "imagesTr" / "._liver_0_0000.nii.gz").write_bytes(b"macOS resource fork")  # ignored
    spec = nnunet_spec(root, foreground=[2])
    src = source(spec)
    cases = src.cases(spec)
    assert [c.id for c in cases] == sorted(volumes)
    assert cases[0].images == (str(root / "imagesTr/liver_0_0000.nii.gz"), str(root / "imagesTr/liver_0_0001.nii.gz"))
    for case in cases:
        image, mask = src.load(spec, case)
        want_image, want_mask = expected(volumes[case.id], labels((1, 2)) == 2)
        assert image.shape == (2, 16, 16, 16)
        np.testing.assert_allclose(image, want_image, atol=1e-4)
        np.testing.assert_array_equal(mask, want_mask)
    summary = check_dataset(spec)
    assert summary["cases"] == 3 and summary["foreground_fraction"] == pytest.approx(
        (labels((1, 2)) == 2).sum() / 16**3)


def test_every_bad_case_is_listed_by_path(tmp_path):
    root = tmp_path / "d"
    nnunet(root, cases=[f"c{i}" for i in range(6)])
    (root / "imagesTr/c0_0001.nii.gz").unlink()  # a channel missing
    for c in range(2):
        (root / f"imagesTr/c1_000{c}.nii.gz").unlink()  # mask without image
    (root / "labelsTr/c2.nii.gz").unlink()  # image without mask
    garbage(root / "labelsTr/c3.nii.gz")
    nifti(root / "labelsTr/c4.nii.gz", labels((1, 2, 9)))
    with pytest.raises(DataError) as err:
        check_dataset(nnunet_spec(root))
    problems = dict(err.value.problems)
    assert sorted(problems) == sorted(str(p) for p in (
        root / "imagesTr/c0_0001.nii.gz", root / "labelsTr/c1.nii.gz", root / "imagesTr/c2_0000.nii.gz",
        root / "labelsTr/c3.nii.gz", root / "labelsTr/c4.nii.gz"))
    assert problems[str(root / "imagesTr/c0_0001.nii.gz")] == "channel file missing"
    assert problems[str(root / "labelsTr/c1.nii.gz")] == "mask without image"
    assert problems[str(root / "imagesTr/c2_0000.nii.gz")] == "image without mask"
    assert problems[str(root / "labelsTr/c3.nii.gz")].startswith("does not open")
    assert problems[str(root / "labelsTr/c4.nii.gz")] == "labels [9] not declared (declared: [0, 1, 2])"
    assert "c5" not in str(err.value)


def test_patient_regex_groups_cases(tmp_path):
    nnunet(tmp_path / "d", cases=("pat1_scan1", "pat1_scan2", "pat2_scan1"))
    spec = nnunet_spec(tmp_path / "d", patient_regex=r"^(pat\d+)_")
    assert [c.patient for c in source(spec).cases(spec)] == ["pat1", "pat1", "pat2"]
    assert check_dataset(spec)["patients"] == 2


@pytest.mark.parametrize("gone", ["imagesTr", "labelsTr"])
def test_a_missing_folder_is_one_error_naming_it(tmp_path, gone):
    """It was a bad case among others ("1 bad case(s)\\n  - .../labelsTr: folder not found")."""
    import shutil

    root = tmp_path / "d"
    nnunet(root)
    shutil.rmtree(root / gone)
    with pytest.raises(DataError) as err:
        check_dataset(nnunet_spec(root))
    assert str(err.value) == f"{root}: its {gone} folder {root / gone} is missing"
