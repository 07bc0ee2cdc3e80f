"""Kind ``datalist``: a MONAI data list of 2D PNGs (paths relative to the file), the user's own
augmentation, and a SegResNet by ``_target_`` trained on it."""

import json

import numpy as np
import pytest
from monai.data import create_test_image_2d
from PIL import Image

from jobs import tiny_job
from plateau.data import DataError, source
from plateau.data.check import check_dataset
from plateau.schemas import validate_job
from plateau.train import run_job


def png_datalist(root, n=16, side=32, label_of=lambda k, seg: seg):
    """``n`` synthetic circles images as PNGs under ``root/cases/``, listed in ``root/list/data.json``
    with paths relative to that file's folder; the label PNG holds ``label_of(k, seg)``."""
    (root / "cases").mkdir(parents=True)
    (root / "list").mkdir()
    entries = []
    for k in range(n):
        image, seg = create_test_image_2d(side, side, num_objs=3, rad_max=6, noise_max=0.3, num_seg_classes=1,
                                         random_state=np.random.RandomState(k))
        Image.fromarray((image * 255).astype(np.uint8)).save(root / "cases" / f"img{k:02d}.png")
        Image.fromarray(label_of(k, seg).astype(np.uint8)).save(root / "cases" / f"lab{k:02d}.png")
        entries.append({"image": f"../cases/img{k:02d}.png", "label": f"../cases/lab{k:02d}.png", "subject": f"p{k // 2}"})
    path = root / "list" / "data.json"
    path.write_text(json.dumps({"training": entries}))
    return path


def test_cases_come_from_the_list_relative_to_its_folder_with_patients_by_key(tmp_path):
    spec = {"kind": "datalist", "datalist": str(png_datalist(tmp_path, n=6)), "key": "training", "foreground": "nonzero",
            "patient_key": "subject"}
    cases = source(spec).cases(spec)
    assert [c.id for c in cases] == [f"lab{k:02d}" for k in range(6)]
    assert [c.patient for c in cases] == ["p0", "p0", "p1", "p1", "p2", "p2"]
    image, mask = source(spec).load(spec, cases[1])
    assert image.shape == mask.shape == (1, 32, 32) and 0.0 <= image.min() and image.max() == pytest.approx(1.0)
    seg = np.asarray(Image.open(tmp_path / "cases" / "lab01.png")).T  # LoadImaged reads PNGs as (x, y)
    assert np.array_equal(mask[0], (seg > 0).astype(np.float32))
    assert source(spec).spatial_dims(spec) == 2
    by_regex = {k: v for k, v in spec.items() if k != "patient_key"} | {"patient_regex": r"^lab0([0-5])$"}
    assert [c.patient for c in source(by_regex).cases(by_regex)] == [str(k) for k in range(6)]
    pairs = {k: v for k, v in spec.items() if k != "patient_key"} | {"id_key": "subject"}  # ids p0, p0, p1, …
    with pytest.raises(DataError, match="case 'p0' listed twice"):
        source(pairs).cases(pairs)


def test_segresnet_by_target_on_a_png_datalist_with_augmentation(tmp_path):
    spec = {"kind": "datalist", "datalist": str(png_datalist(tmp_path)), "key": "training", "foreground": "nonzero",
            "transforms": {
                "train": [{"_target_": "RandFlipd", "keys": ["image", "label"], "prob": 0.5, "spatial_axis": 0},
                          {"_target_": "monai.transforms.RandRotate90d", "keys": ["image", "label"], "prob": 0.5}],
                "eval": []}}
    model = {"_target_": "monai.networks.nets.SegResNet", "spatial_dims": 2, "in_channels": 1, "out_channels": 1,
             "init_filters": 8, "blocks_down": [1, 1], "blocks_up": [1]}
    job = tiny_job(dataset=spec, split={"train": 8, "val": 4, "test": 4}, n_train=8,
                   model={"name": "SegResNet", "family": "target", "target": model})
    validate_job(job)
    result = run_job(job, device="cpu", cost=False)
    assert len(result.epochs) == 2 and result.metrics["n_test"] == 4
    assert sorted(r["patient"] for r in result.cases) != [] and 0.0 <= result.metrics["dice"] <= 1.0
    summary = check_dataset(spec)
    assert summary["cases"] == 16 and summary["shape"] == [1, 32, 32] and summary["spatial_dims"] == 2


def test_bad_cases_are_named_by_path(tmp_path, monkeypatch):
    monkeypatch.setenv("PLATEAU_CACHE_DIR", str(tmp_path / "cache"))
    # Labels 0/1/2 while only 1 is declared foreground (no labels in the file): value 2 is out.
    path = png_datalist(tmp_path, n=4, label_of=lambda k, seg: seg * (2 if k == 3 else 1))
    (tmp_path / "cases" / "img02.png").unlink()
    spec = {"kind": "datalist", "datalist": str(path), "key": "training", "foreground": [1]}
    with pytest.raises(DataError) as err:
        check_dataset(spec)
    text = str(err.value)
    assert "img02.png: not found" in text
    assert "lab03.png: label values [2] are not among the labels [0, 1]" in text


@pytest.mark.parametrize(
    "change, said",
    [
        (lambda e: e[2].update(image=123), "entry 2: its image is not a path"),
        (lambda e: e[2].update(image=""), "entry 2: its image is not a path"),
        (lambda e: e[2].update(image=["../cases/img02.png", 7]), "entry 2: its image is not a path"),
        (lambda e: e[1].update(label=["a.png", "b.png"]), "entry 1: its label is not a path"),
        (lambda e: e.__setitem__(3, "img03.png"), "entry 3 is not an object"),
    ],
)
def test_malformed_entries_are_bad_input_naming_the_entry(tmp_path, monkeypatch, change, said):
    """MONAI's loader fails on these with a TypeError naming no entry (an internal error before)."""
    monkeypatch.setenv("PLATEAU_CACHE_DIR", str(tmp_path / "cache"))
    path = png_datalist(tmp_path, n=4)
    listed = json.loads(path.read_text())
    change(listed["training"])
    path.write_text(json.dumps(listed))
    with pytest.raises(DataError) as err:
        check_dataset({"kind": "datalist", "datalist": str(path), "key": "training"})
    assert said in str(err.value) and str(path) in str(err.value)
    path.write_text(json.dumps({"training": {"a": 1}}))
    with pytest.raises(DataError, match="'training' value is not a list of entries"):
        check_dataset({"kind": "datalist", "datalist": str(path), "key": "training"})


def dicom_series(folder, volume):
    """``volume`` (rows, columns, slices) as a CT series of one file a slice, written with pydicom."""
    from pydicom.dataset import FileDataset, FileMetaDataset
    from pydicom.uid import CTImageStorage, ExplicitVRLittleEndian, generate_uid

    folder.mkdir(parents=True)
    series, study = generate_uid(), generate_uid()
    for z in range(volume.shape[2]):
        meta = FileMetaDataset()
        meta.MediaStorageSOPClassUID, meta.MediaStorageSOPInstanceUID = CTImageStorage, generate_uid()
        meta.TransferSyntaxUID = ExplicitVRLittleEndian
        ds = FileDataset(str(folder / f"{z:03d}.dcm"), {}, file_meta=meta, preamble=b"\0" * 128)
        ds.SOPClassUID, ds.SOPInstanceUID = CTImageStorage, meta.MediaStorageSOPInstanceUID
        ds.StudyInstanceUID, ds.SeriesInstanceUID, ds.Modality, ds.PatientID = study, series, "CT", "p"
        ds.InstanceNumber, ds.ImagePositionPatient, ds.ImageOrientationPatient = z + 1, [0.0, 0.0, float(z)], [1, 0, 0, 0, 1, 0]
        ds.PixelSpacing, ds.SliceThickness, (ds.Rows, ds.Columns) = [1.0, 1.0], 1.0, volume.shape[:2]
        ds.SamplesPerPixel, ds.PhotometricInterpretation = 1, "MONOCHROME2"
        ds.BitsAllocated, ds.BitsStored, ds.HighBit, ds.PixelRepresentation = 16, 16, 15, 0
        ds.RescaleIntercept, ds.RescaleSlope = 0, 1
        ds.PixelData = volume[:, :, z].astype(np.uint16).tobytes()
        ds.save_as(str(folder / f"{z:03d}.dcm"), enforce_file_format=True)


def test_dicom_series_listed_with_nifti_labels(tmp_path, monkeypatch):
    import nibabel as nib
    from monai.transforms import LoadImage

    monkeypatch.setenv("PLATEAU_CACHE_DIR", str(tmp_path / "cache"))
    entries = []
    for k in range(3):
        volume = np.zeros((16, 16, 8), np.uint16)
        volume[4:10, 5:12, 2:6] = 800 + k
        dicom_series(tmp_path / "dicom" / f"case{k}", volume)
        # the label drawn on the series as MONAI reads it (its array order and its affine), as a tool would save it
        read = LoadImage(image_only=True)(str(tmp_path / "dicom" / f"case{k}"))
        nib.save(nib.Nifti1Image((np.asarray(read) > 0).astype(np.uint8), np.asarray(read.affine)),
                 tmp_path / f"case{k}_seg.nii.gz")
        entries.append({"image": f"dicom/case{k}", "label": f"case{k}_seg.nii.gz"})
    (tmp_path / "list.json").write_text(json.dumps({"training": entries}))
    spec = {"kind": "datalist", "datalist": str(tmp_path / "list.json"), "key": "training", "foreground": "nonzero"}
    summary = check_dataset(spec)
    assert summary["cases"] == 3 and summary["shape"] == [1, 16, 16, 8] and summary["spatial_dims"] == 3
    image, mask = source(spec).load(spec, source(spec).cases(spec)[0])
    assert mask.sum() == 6 * 7 * 4 and image[mask > 0].min() == pytest.approx(1.0), "the object is where its label is"


def test_an_image_with_nan_voxels_is_a_bad_case(tmp_path, monkeypatch):
    """QA: an image of NaN voxels passed the check, and the job then stored Dice 0.0 as done."""
    import nibabel as nib

    monkeypatch.setenv("PLATEAU_CACHE_DIR", str(tmp_path / "cache"))
    entries = []
    for k in range(4):
        image, seg = create_test_image_2d(16, 16, num_objs=2, rad_max=4, rad_min=2, random_state=np.random.RandomState(k))
        if k == 2:
            image[:] = np.nan
        nib.save(nib.Nifti1Image(image.astype(np.float32), np.eye(4)), tmp_path / f"img{k}.nii.gz")
        nib.save(nib.Nifti1Image(seg.astype(np.uint8), np.eye(4)), tmp_path / f"lab{k}.nii.gz")
        entries.append({"image": f"img{k}.nii.gz", "label": f"lab{k}.nii.gz"})
    (tmp_path / "data.json").write_text(json.dumps({"training": entries}))
    with pytest.raises(DataError) as err:
        check_dataset({"kind": "datalist", "datalist": str(tmp_path / "data.json"), "key": "training"})
    assert "img2.nii.gz: the image has 256 NaN or infinite values" in str(err.value)
    assert "img1" not in str(err.value)
