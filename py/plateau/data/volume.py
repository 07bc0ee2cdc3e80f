"""NIfTI volumes shared by the 3D kinds (brats2020, decathlon, nnunet): reading, label rules, normalise, crop.

A loaded case is cropped to the brain / body bounding box (voxels nonzero in any channel), z-scored
per channel over its nonzero voxels, then centre-cropped or zero-padded to ``crop``.

Label rule (what ``check`` reports): a mask must hold non-negative integers, and every label in it
must be declared: by the data set (``dataset.json`` ``labels``; BraTS: 0, 1, 2, 4) or, where the
data set declares nothing, by the spec (0 plus the ``foreground`` list; anything under 'nonzero').
Labels that are declared but not foreground are fine (e.g. pancreas 1 when only tumour 2 is wanted).
An empty mask is not a problem (some data sets have cases without a lesion); check counts them.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import nibabel as nib
import numpy as np
from monai.transforms import CropForeground, NormalizeIntensity, ResizeWithPadOrCrop
from monai.utils import convert_to_numpy

from .cases import Case, Source
from .scan import Scan, check_of, failure, load_of

NIFTI = (".nii.gz", ".nii")


def stem(path: str | Path) -> str:
    """File name without its NIfTI extension."""
    name = Path(path).name
    for ext in NIFTI:
        if name.endswith(ext):
            return name[: -len(ext)]
    return Path(name).stem


def read_channels(path: str) -> list[np.ndarray]:
    """The 3D channels of one file: itself if 3D, one per index of a 4D file's last axis."""
    data = nib.load(path).get_fdata(dtype=np.float32)
    if data.ndim not in (3, 4):
        raise ValueError(f"{data.ndim}D image, expected 3D or 4D")
    return [data] if data.ndim == 3 else list(np.moveaxis(data, -1, 0))


def read_labels(path: str) -> np.ndarray:
    """The mask's raw values, spatial ``(X, Y, Z)`` (a trailing axis of 1 is dropped)."""
    data = np.asarray(nib.load(path).dataobj)
    if data.ndim == 4 and data.shape[-1] == 1:
        data = data[..., 0]
    if data.ndim != 3:
        raise ValueError(f"{data.ndim}D mask, expected 3D")
    return data


def foreground(labels: np.ndarray, wanted: str | list[int]) -> np.ndarray:
    """Binary float32 mask: labels > 0 for 'nonzero', else membership in the listed labels."""
    hit = labels > 0 if wanted == "nonzero" else np.isin(labels, wanted)
    return hit.astype(np.float32)


def label_channels(labels: np.ndarray, spec: dict) -> np.ndarray:
    """``(C, ...)`` float32 masks: one per entry of ``spec["classes"]`` (name → label values; a
    region such as BraTS's tumour core lists several), else the one ``foreground`` mask."""
    classes = spec.get("classes")
    if not classes:
        return foreground(labels, spec.get("foreground", "nonzero"))[None]
    return np.stack([np.isin(labels, values) for values in classes.values()]).astype(np.float32)


def allowed_labels(spec: dict, declared: set[int] | None) -> set[int] | None:
    """Labels a mask may hold (None: any), by the rule in this module's docstring; with ``classes``,
    background 0 and the labels they list."""
    if declared is not None:
        return declared
    if spec.get("classes"):
        return {0, *(v for values in spec["classes"].values() for v in values)}
    return None if spec["foreground"] == "nonzero" else {0, *spec["foreground"]}


def foreground_problems(spec: dict, declared: set[int] | None, where: str) -> list[tuple[str, str]]:
    """A listed foreground label the data set does not declare (a typo in the spec, found once)."""
    if declared is None or spec["foreground"] == "nonzero":
        return []
    missing = sorted(set(spec["foreground"]) - declared)
    return [(where, f"foreground labels {missing} not declared (declared: {sorted(declared)})")] if missing else []


def label_problems(labels: np.ndarray, allowed: set[int] | None) -> list[str]:
    if np.issubdtype(labels.dtype, np.integer) and labels.min() >= 0:
        values = np.flatnonzero(np.bincount(labels.ravel()))  # far faster than np.unique on a volume
    else:
        values = np.unique(labels)
        odd = [v for v in values.tolist() if v != round(v) or v < 0][:3]
        if odd:
            return [f"not a label map: values such as {odd} are not non-negative integers"]
    if allowed is None:
        return []
    extra = sorted(set(int(v) for v in values) - allowed)
    return [f"labels {extra} not declared (declared: {sorted(allowed)})"] if extra else []


def prepare(spec: dict, image: np.ndarray, mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Crop to the nonzero bounding box, z-score inside it per channel, crop/pad to ``spec['crop']``."""
    cropper = CropForeground(select_fn=lambda x: x > 0, allow_smaller=True)
    start, end = cropper.compute_bounding_box(image)
    image, mask = cropper.crop_pad(image, start, end), cropper.crop_pad(mask, start, end)
    image = NormalizeIntensity(nonzero=True, channel_wise=True)(image)
    # After the bounding-box crop, a centred crop/pad is centred on the brain.
    resize = ResizeWithPadOrCrop(spec["crop"])
    return (convert_to_numpy(resize(image), dtype=np.float32),
            convert_to_numpy(resize(mask), dtype=np.float32))


def scan_volume(spec: dict, case: Case, declared: set[int] | None) -> Scan:
    problems: list[tuple[str, str]] = []
    channels, shapes = [], {}
    for path in case.images:
        try:
            read = read_channels(path)
        except Exception as err:  # nibabel raises several types for bad files
            problems.append((path, failure(err)))
            continue
        channels += read
        shapes[path] = read[0].shape
    try:
        labels = read_labels(case.mask)
    except Exception as err:
        problems.append((case.mask, failure(err)))
        labels = None
    if problems:
        return Scan(problems, next(iter(shapes.values()), None))
    size = labels.shape
    show = "x".join
    problems += [(path, f"image is {show(map(str, shape))} but mask is {show(map(str, size))}")
                 for path, shape in shapes.items() if shape != size]
    problems += [(case.mask, p) for p in label_problems(labels, allowed_labels(spec, declared))]
    if not problems and not any(np.any(c) for c in channels):
        problems.append((case.images[0], "image is all zeros"))
    if problems:
        return Scan(problems, next(iter(shapes.values())))
    image = np.stack(channels)
    return Scan([], size, prepare(spec, image, label_channels(labels, spec)))


def volume_source(cases: Callable[[dict], list[Case]],
                  declared: Callable[[dict], set[int] | None]) -> tuple[Source, Callable[[dict, Case], Scan]]:
    """A 3D Source from a listing and the data set's declared labels; also its scan (for check)."""

    def scan(spec: dict, case: Case) -> Scan:
        return scan_volume(spec, case, declared(spec))

    return Source(cases=cases, load=load_of(scan), check=check_of(scan), spatial_dims=lambda spec: 3), scan
