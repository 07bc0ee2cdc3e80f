"""Kind ``datalist``: a MONAI data list JSON (the decathlon format ``load_decathlon_datalist``
reads), paths relative to the file's folder, images of any format ``LoadImaged`` reads (PNG/JPEG
2D, NIfTI 3D, DICOM series folders).

Each case is read with ``LoadImaged`` (channels first), the image scaled to [0, 1] per case, the
label made binary by ``foreground``, both resized to ``size`` when given (image bilinear, label
nearest). The case id is ``id_key``'s value, else the label file's name; the patient is
``patient_key``'s value, else from ``patient_regex``, else the case itself.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import warnings
from functools import lru_cache
from pathlib import Path

import numpy as np
from monai.data import load_decathlon_datalist
from monai.transforms import LoadImage, Resize, ScaleIntensity

from . import dataset_json
from .cases import Case, DataError, Source
from .listing import ListingError, finish
from .scan import Scan, check_of, failure
from .volume import NIFTI, allowed_labels, label_channels, stem


@lru_cache(maxsize=1)
def _reader() -> LoadImage:
    """MONAI's LoadImage, made when a data list is first read, not when a worker starts.

    MONAI 1.6 makes every reader it knows, and its GPU DICOM reader says on each start (a log line
    and a warning) that nvImageCodec is missing before it falls back to pydicom, which is what
    plateau uses: that notice is silenced, not the reader's other warnings.
    """
    logging.getLogger("monai.data.nvimgcodec_pydicom_plugin").setLevel(logging.ERROR)
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="NvImgCodecPydicomReader")
        return LoadImage(image_only=True, ensure_channel_first=True)


def _read(path):
    return _reader()(path)


def _where(spec: dict) -> dict:
    """The spec with ``root`` = the data list's path, which listing and check messages name."""
    return {**spec, "root": spec["datalist"]}


def _shape_problem(raw, key: str) -> str | None:
    """What makes the list unreadable before MONAI's loader sees it, which would fail on it with a
    TypeError naming no entry: the list itself, an entry that is not an object, an image or label
    that is not a non-empty path (an image may be a list of them, one per channel)."""
    if not isinstance(raw, dict):
        return "it is not a JSON object"
    items = raw.get(key)
    if items is None:
        return None  # MONAI's loader says the key is missing
    if not isinstance(items, list):
        return f"its {key!r} value is not a list of entries"
    path_ok = lambda v: isinstance(v, str) and v.strip() != ""  # noqa: E731
    for i, entry in enumerate(items):
        if not isinstance(entry, dict):
            return f"entry {i} is not an object with an image and a label (got {json.dumps(entry)[:40]})"
        image, label = entry.get("image"), entry.get("label")
        if image is not None and not (path_ok(image) or (isinstance(image, list) and image and all(map(path_ok, image)))):
            return f"entry {i}: its image is not a path (or a list of paths, one per channel): {json.dumps(image)[:40]}"
        if label is not None and not path_ok(label):
            return f"entry {i}: its label is not a path: {json.dumps(label)[:40]}"
    return None


def _cases(spec: dict) -> list[Case]:
    path = Path(spec["datalist"])
    where = _where(spec)
    key = spec.get("key", "training")
    try:
        problem = _shape_problem(dataset_json.read(path), key)
        if problem:
            raise ValueError(problem)
        entries = load_decathlon_datalist(path, data_list_key=key, base_dir=path.parent)
    except (ValueError, KeyError) as err:
        return finish(where, [], [(str(path), f"cannot read its {key!r} list ({err})")])
    found, problems, seen, patients = [], [], set(), {}
    for i, entry in enumerate(entries):
        image, label = entry.get("image"), entry.get("label")
        if image is None or label is None:
            problems.append((str(path), f"entry {i} has no {'image' if image is None else 'label'}"))
            continue
        images = image if isinstance(image, list) else [image]
        missing = [(str(p), "not found") for p in [*images, label] if not Path(p).exists()]
        id_key = spec.get("id_key")
        if id_key and id_key not in entry:
            missing.append((str(path), f"entry {i} has no {id_key!r}"))
        case_id = str(entry[id_key]) if id_key and id_key in entry else stem(label)
        if case_id in seen:
            missing.append((str(label), f"case {case_id!r} listed twice"))
        seen.add(case_id)
        patient_key = spec.get("patient_key")
        if patient_key:
            if patient_key not in entry:
                missing.append((str(path), f"entry {i} has no {patient_key!r}"))
            else:
                patients[case_id] = str(entry[patient_key])
        problems += missing
        if not missing:
            found.append((case_id, dict(images=tuple(map(str, images)), mask=str(label))))
    try:
        cases = finish(where, found, problems)
    except ListingError as err:
        err.cases = [dataclasses.replace(c, patient=patients.get(c.id, c.patient)) for c in err.cases]
        raise
    return [dataclasses.replace(c, patient=patients.get(c.id, c.patient)) for c in cases]


def _labels_allowed(spec: dict) -> set[int] | None:
    """Label values the data list's file declares (``labels``), else those ``foreground`` lists
    (with background 0); None for 'nonzero' without declared labels: any value is fine."""
    try:
        declared = dataset_json.declared_labels(dataset_json.read(Path(spec["datalist"])))
    except ValueError:
        declared = None
    if declared is not None:
        return declared
    return allowed_labels(spec, None) if spec.get("classes") or spec.get("foreground", "nonzero") != "nonzero" else None


def _scan(spec: dict, case: Case) -> Scan:
    try:
        image = np.asarray(_read(list(case.images) if len(case.images) > 1 else case.images[0]), dtype=np.float32)
    except Exception as err:  # readers raise many types for bad files
        return Scan([(case.images[0], failure(err))])
    try:
        labels = np.asarray(_read(case.mask))
    except Exception as err:  # noqa: BLE001
        return Scan([(case.mask, failure(err))])
    size = tuple(image.shape[1:])
    if spec.get("size") and len(spec["size"]) != len(size):  # Resize would make a 2D image 3D, or fail
        return Scan([(case.images[0], sides_problem(spec["size"], len(size)))], size)
    if labels.shape[0] != 1:  # an RGB label PNG: labels are one value a pixel
        labels = labels[:1]
    if tuple(labels.shape[1:]) != size:
        return Scan([(case.mask, f"label is {'x'.join(map(str, labels.shape[1:]))} but image is {'x'.join(map(str, size))}")], size)
    values = np.unique(labels)
    allowed = _labels_allowed(spec)
    if np.any(values < 0) or np.any(values != np.round(values)):
        return Scan([(case.mask, "label values must be non-negative integers")], size)
    if allowed is not None and not set(values.astype(int).tolist()) <= allowed:
        bad = sorted(set(values.astype(int).tolist()) - allowed)
        return Scan([(case.mask, f"label values {bad} are not among the labels {sorted(allowed)}")], size)
    image = np.asarray(ScaleIntensity()(image), dtype=np.float32)
    mask = label_channels(labels[0], spec)  # labels come channel-first: (1, *spatial)
    if spec.get("size"):
        image = np.asarray(Resize(spec["size"], mode="bilinear" if image.ndim == 3 else "trilinear")(image), dtype=np.float32)
        mask = np.asarray(Resize(spec["size"], mode="nearest")(mask), dtype=np.float32)
    return Scan([], size, (np.ascontiguousarray(image), np.ascontiguousarray(mask)))


def sides_problem(size: list[int], dims: int) -> str:
    """Why ``dataset.size`` cannot resize an image of ``dims`` spatial dimensions."""
    return f"is a {dims}D image, but dataset.size {list(size)} has {len(size)} sides"


def _load(spec: dict, case: Case) -> tuple[np.ndarray, np.ndarray]:
    result = _scan(spec, case)
    if result.pair is None:
        raise DataError(spec["datalist"], result.problems)
    return result.pair


@lru_cache(maxsize=16)
def _dims(spec_json: str) -> int:
    """2 or 3, from ``size`` or else from the first readable image (PNGs are 2D, NIfTI volumes 3D);
    never raises, so a check of a bad data list still lists its problems."""
    spec = json.loads(spec_json)
    if spec.get("size"):
        return len(spec["size"])
    try:
        cases = _cases(spec)
    except ListingError as err:
        cases = err.cases
    for case in cases[:1]:
        try:
            return _read(case.images[0]).ndim - 1
        except Exception:  # noqa: BLE001 - unreadable: reported by the scan, guessed from the name here
            return 3 if case.images[0].endswith(NIFTI) else 2
    return 2


DATALIST = Source(cases=_cases, load=_load, check=check_of(_scan),
                  spatial_dims=lambda spec: _dims(json.dumps(spec, sort_keys=True)))
SCAN = _scan
