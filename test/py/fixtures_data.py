"""Tiny data sets in their real on-disk layouts, written by the tests (no download anywhere)."""

from __future__ import annotations

import json
from pathlib import Path

import nibabel as nib
import numpy as np
from PIL import Image

SHAPE_3D = (24, 20, 16)  # volumes, cropped to 16³ by the specs below
BRAIN = (slice(3, 21), slice(2, 18), slice(2, 14))  # nonzero region: 18 x 16 x 12
TUMOUR = (slice(8, 12), slice(7, 11), slice(5, 8))  # inside the brain: 4 x 4 x 3


def image_folder(root: Path, stems=("a", "b", "c"), size=(20, 24), image_ext="jpg", mask_ext="jpg") -> dict:
    """Kvasir-SEG layout; each image a constant colour, each mask its left ``k + 2`` columns white.

    Returns ``{stem: (rgb colour, mask as 0/255 array)}``.
    """
    (root / "images").mkdir(parents=True, exist_ok=True)
    (root / "masks").mkdir(parents=True, exist_ok=True)
    truth = {}
    for k, stem in enumerate(stems):
        colour = (40 + 50 * k, 200 - 30 * k, 90 + 10 * k)
        Image.new("RGB", size[::-1], colour).save(root / "images" / f"{stem}.{image_ext}", quality=95)
        mask = np.zeros(size, np.uint8)
        mask[:, : 2 * (k + 2)] = 255
        Image.fromarray(mask).convert("RGB").save(root / "masks" / f"{stem}.{mask_ext}", quality=95)
        truth[stem] = (colour, mask)
    return truth


def image_folder_spec(root: Path, **over) -> dict:
    return {"kind": "image-folder", "root": str(root), "images": "images", "masks": "masks",
            "size": [16, 12], "channels": 3, "mask_threshold": 127, **over}


def nifti(path: Path, data: np.ndarray) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    nib.save(nib.Nifti1Image(data, np.eye(4)), path)


def brain(seed: int, channels: int) -> np.ndarray:
    """(C, X, Y, Z) volume: noise on channel-dependent means inside BRAIN, zero outside."""
    rng = np.random.default_rng(seed)
    out = np.zeros((channels, *SHAPE_3D), np.float32)
    for c in range(channels):
        region = out[c][BRAIN]
        out[c][BRAIN] = 100 * (c + 1) + 10 * rng.standard_normal(region.shape)
    return out


def labels(values=(2, 1, 4)) -> np.ndarray:
    """A label map with ``values`` stacked along x inside TUMOUR (BraTS: oedema, necrosis, enhancing)."""
    seg = np.zeros(SHAPE_3D, np.uint8)
    xs = range(TUMOUR[0].start, TUMOUR[0].stop)
    for i, x in enumerate(xs):
        seg[x, TUMOUR[1], TUMOUR[2]] = values[i % len(values)]
    return seg


def centre(a: np.ndarray, side: int = 16) -> np.ndarray:
    """Centre crop / zero pad of the last three axes to ``side`` (odd remainders: the extra at the end)."""
    for axis in range(-3, 0):
        n = a.shape[axis]
        if n > side:
            a = np.take(a, range((n - side) // 2, (n - side) // 2 + side), axis=axis)
        elif n < side:
            pad = [(0, 0)] * a.ndim
            pad[axis] = ((side - n) // 2, side - n - (side - n) // 2)
            a = np.pad(a, pad)
    return a


def expected(volume: np.ndarray, seg: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The fixture's brain box, z-scored per channel over its nonzero voxels, centred in 16³."""
    box = volume[(slice(None), *BRAIN)].astype(np.float64)
    for c in range(len(box)):
        inside = box[c] != 0
        box[c][inside] = (box[c][inside] - box[c][inside].mean()) / box[c][inside].std()
    return centre(box), centre(seg[BRAIN][None].astype(np.float64))


BRATS_MODALITIES = ("flair", "t1", "t1ce", "t2")


def brats(root: Path, count=3, ext=".nii.gz") -> dict[str, np.ndarray]:
    """BraTS 2020 training layout; returns each case's (flair, t1, t1ce, t2) volume."""
    volumes = {}
    for i in range(1, count + 1):
        case = f"BraTS20_Training_{i:03d}"
        vol = brain(i, 4)
        for c, m in enumerate(BRATS_MODALITIES):
            nifti(root / case / f"{case}_{m}{ext}", vol[c])
        nifti(root / case / f"{case}_seg{ext}", labels())
        volumes[case] = vol
    (root / "name_mapping.csv").write_text("BraTS_2020_subject_ID\n")  # the real root has CSVs beside the folders
    return volumes


def brats_spec(root: Path, **over) -> dict:
    return {"kind": "brats2020", "root": str(root), "modalities": ["t1", "t1ce", "t2", "flair"],
            "crop": [16, 16, 16], "foreground": "nonzero", **over}


def decathlon(root: Path, count=3, channels=2, label_names=("background", "edema", "tumour")) -> dict:
    """MSD layout: 4D images (modalities on the last axis), dataset.json with relative ``./`` paths.

    Returns each case's (C, X, Y, Z) volume.
    """
    training, volumes = [], {}
    for i in range(count):
        case = f"BRATS_{i:03d}"
        volumes[case] = brain(i, channels)
        nifti(root / "imagesTr" / f"{case}.nii.gz", np.moveaxis(volumes[case], 0, -1))
        nifti(root / "labelsTr" / f"{case}.nii.gz", labels((1, 2)))
        training.append({"image": f"./imagesTr/{case}.nii.gz", "label": f"./labelsTr/{case}.nii.gz"})
    meta = {"name": "BRATS", "tensorImageSize": "4D",
            "modality": {str(c): f"m{c}" for c in range(channels)},
            "labels": {str(k): n for k, n in enumerate(label_names)},
            "numTraining": count, "numTest": 0, "training": training, "test": []}
    (root / "dataset.json").write_text(json.dumps(meta))
    return volumes


def decathlon_spec(root: Path, **over) -> dict:
    return {"kind": "decathlon", "root": str(root), "datalist": "dataset.json", "crop": [16, 16, 16],
            "foreground": "nonzero", **over}


def nnunet(root: Path, cases=("liver_0", "liver_1", "liver_2"), channels=2, v2=True) -> dict:
    """nnU-Net raw layout: one file per channel ``<case>_000k.nii.gz``, labels in labelsTr.

    Returns each case's (C, X, Y, Z) volume.
    """
    volumes = {}
    for i, case in enumerate(cases):
        vol = volumes[case] = brain(10 + i, channels)
        for c in range(channels):
            nifti(root / "imagesTr" / f"{case}_{c:04d}.nii.gz", vol[c])
        nifti(root / "labelsTr" / f"{case}.nii.gz", labels((1, 2)))
    if v2:
        meta = {"channel_names": {str(c): f"m{c}" for c in range(channels)},
                "labels": {"background": 0, "liver": 1, "tumour": 2}, "numTraining": len(cases),
                "file_ending": ".nii.gz"}
    else:
        meta = {"modality": {str(c): f"m{c}" for c in range(channels)},
                "labels": {"0": "background", "1": "liver", "2": "tumour"}, "numTraining": len(cases),
                "training": [{"image": f"./imagesTr/{c}.nii.gz", "label": f"./labelsTr/{c}.nii.gz"} for c in cases]}
    (root / "dataset.json").write_text(json.dumps(meta))
    return volumes


def nnunet_spec(root: Path, **over) -> dict:
    return {"kind": "nnunet", "root": str(root), "crop": [16, 16, 16], "foreground": "nonzero", **over}


def garbage(path: Path) -> None:
    """Overwrite a file with bytes no reader accepts."""
    path.write_bytes(b"\x00not an image at all\xff" * 20)
