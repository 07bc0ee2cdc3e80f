"""``check_dataset``: scan a whole data set before any training, once per content.

Every case is read and loaded as the trainer would, so a bad file fails here (listed with every
other bad case) rather than hours into a grid. The result is cached under ``$PLATEAU_CACHE_DIR``
(default ``~/.cache/plateau``), keyed by the spec and the path, size and mtime of every file under
``root``: a second check of an unchanged data set reads no image. Files outside ``root`` (absolute
paths in a ``dataset.json``) are not part of the key.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable
from pathlib import Path

import numpy as np

from . import brats2020, datalist, decathlon, image_folder, nnunet
from .cases import Case, DataError, Source
from .listing import ListingError
from .scan import Scan
from .sources import source

VERSION = 2  # bump when what a scan finds or reports changes, so old cache entries are ignored
SCANS: dict[str, Callable[[dict, Case], Scan]] = {
    "image-folder": image_folder.SCAN, "brats2020": brats2020.SCAN, "decathlon": decathlon.SCAN,
    "nnunet": nnunet.SCAN, "datalist": datalist.SCAN,
}


def cache_dir() -> Path:
    return Path(os.environ.get("PLATEAU_CACHE_DIR") or Path.home() / ".cache" / "plateau")


def fingerprint(spec: dict) -> str:
    """Hash of the spec and of every file's relative path, size and mtime under ``root``."""
    h = hashlib.sha256(json.dumps([VERSION, spec], sort_keys=True, default=str).encode())
    # A data list's files sit beside it (paths in it are relative to its folder).
    root = spec.get("root") or (os.path.dirname(os.path.abspath(spec["datalist"])) if "datalist" in spec else None)
    if root is not None:
        for folder, dirs, files in os.walk(root):
            dirs.sort()
            for name in sorted(files):
                path = os.path.join(folder, name)
                st = os.stat(path)
                h.update(f"{os.path.relpath(path, root)}\0{st.st_size}\0{st.st_mtime_ns}\n".encode())
    return h.hexdigest()


def _generic_scan(src: Source) -> Callable[[dict, Case], Scan]:
    """For kinds without files (synthetic): check, then load."""

    def scan(spec: dict, case: Case) -> Scan:
        problems = [(case.id, p) for p in src.check(spec, case)]
        if problems:
            return Scan(problems)
        pair = src.load(spec, case)
        return Scan([], tuple(pair[0].shape[1:]), pair)

    return scan


def scan_dataset(spec: dict, progress: Callable[[int, int], None] | None = None) -> dict:
    """The summary (see ``check_dataset``) with its ``problems`` filled in instead of raised."""
    src = source(spec)
    problems: list[tuple[str, str]] = []
    try:
        cases = src.cases(spec)
    except ListingError as err:  # go on with the cases that were fine, to list every problem at once
        problems, cases = list(err.problems), err.cases
    except DataError as err:
        problems, cases = list(err.problems), []
    scan = SCANS.get(spec["kind"]) or _generic_scan(src)
    sizes, fractions, patients, shape, empty = [], [], set(), None, 0
    for i, case in enumerate(cases):
        result = scan(spec, case)
        problems += result.problems
        if result.size is not None:
            sizes.append(result.size)
        if result.pair is not None:
            image, mask = result.pair
            # a NaN or infinite voxel makes the training loss NaN, and a job would store Dice 0 from it
            bad = int(np.size(image) - np.count_nonzero(np.isfinite(np.asarray(image))))
            if bad:
                problems.append((case.images[0] if len(case.images) == 1 else case.id, f"the image has {bad} NaN or infinite value{'' if bad == 1 else 's'}"))
            if shape is None:
                shape = list(image.shape)
            elif shape != list(image.shape):  # a loader bug rather than bad data, but never train on it
                problems.append((case.id, f"loads as {list(image.shape)}, not {shape}"))
            fractions.append(float(mask.mean()))
            empty += not mask.any()
            patients.add(case.patient)
        if progress is not None:
            progress(i + 1, len(cases))
    return {
        "kind": spec["kind"], "root": spec.get("root") or spec.get("datalist"), "cases": len(fractions), "patients": len(patients),
        "channels": shape[0] if shape else None, "spatial_dims": src.spatial_dims(spec),
        "shape": shape,
        "sizes": {"min": np.min(sizes, axis=0).tolist(), "max": np.max(sizes, axis=0).tolist()} if sizes else None,
        "foreground_fraction": float(np.mean(fractions)) if fractions else None,
        "empty_masks": int(empty),
        "problems": [list(p) for p in problems],
    }


def check_dataset(spec: dict, progress: Callable[[int, int], None] | None = None) -> dict:
    """Summary of a data set, or DataError listing every bad case by path.

    ``{kind, root, cases, patients, channels, spatial_dims, shape, sizes, foreground_fraction,
    empty_masks, problems: []}``: ``shape`` is the image shape after loading, channels first (every
    case the same), ``channels`` its first axis, ``sizes`` the original spatial sizes (min and max
    per axis), ``foreground_fraction`` the mean over cases of the loaded mask's foreground fraction,
    ``empty_masks`` the cases whose loaded mask has no foreground. ``progress(done, total)`` is called
    after each case of a fresh scan.
    """
    path = cache_dir() / f"check-{fingerprint(spec)}.json"
    if path.is_file():
        summary = json.loads(path.read_text())
    else:
        summary = scan_dataset(spec, progress)
        path.parent.mkdir(parents=True, exist_ok=True)
        # Write then rename: a concurrent reader never sees half a file.
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps(summary, indent=1))
        tmp.replace(path)
    if summary["problems"]:
        raise DataError(summary["root"] or spec["kind"], [tuple(p) for p in summary["problems"]])
    return summary
