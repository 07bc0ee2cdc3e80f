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
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import numpy as np

from . import brats2020, datalist, decathlon, image_folder, nnunet
from .cases import Case, DataError, Source
from .listing import ListingError
from .scan import Scan, failure
from .sources import source

VERSION = 3  # bump when what a scan finds or reports changes, so old cache entries are ignored
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


def _where(case: Case) -> str:
    """A case's first image file, which a problem of the case as a whole names (its id if none)."""
    return case.images[0] if case.images else case.id


def _most(values: list) -> tuple:
    """The most common value (the earliest on a tie) and its count."""
    counts = Counter(values)
    best = max(counts, key=lambda v: (counts[v], -values.index(v)))
    return best, counts[best]


def _odd_ones(spec: dict, scanned: list[tuple[Case, Scan]]) -> tuple[list[tuple[str, str]], set[str], tuple | None, str | None]:
    """Cases unlike the rest, each named by its file: images of another dimension (2D among 3D, or
    the reverse), then images that load to another shape; a ``dataset.size`` whose number of sides
    is not the majority's dimension is one problem of the data set. Returns the problems, the case ids
    they name, the usual loaded shape (the majority's) and the per-case problem text that the data
    set's problem replaces (None if none)."""
    problems: list[tuple[str, str]] = []
    blamed: set[str] = set()
    read = [(c, len(r.size), r) for c, r in scanned if r.size is not None]
    total = len(read)
    if read:
        dims, n = _most([d for _, d, _ in read])
        for case, d, r in read:
            if d != dims:
                blamed.add(case.id)
                if any(text.startswith(f"is a {d}D image") for _, text in r.problems):
                    continue  # its own scan said so already (dataset.size's sides)
                problems.append((_where(case), f"is a {d}D image, but {n} of the data set's {total} images are {dims}D "
                                               "(a data set's images are all 2D or all 3D)"))
        size = spec.get("size") if spec["kind"] == "datalist" else None
        if size and len(size) != dims:  # every usual case reported it: one problem of the data set instead
            from .datalist import sides_problem

            usual = sides_problem(size, dims)
            first = next(_where(c) for c, d, _ in read if d == dims)
            problems.append((spec.get("root") or spec.get("datalist"), f"dataset.size {list(size)} has {len(size)} sides, "
                             f"but its images are {dims}D (as {first}): give dataset.size {dims} sides"))
            return problems, blamed | {c.id for c, d, _ in read if d == dims}, None, usual
    loaded = [(c, tuple(r.pair[0].shape)) for c, r in scanned if r.pair is not None and c.id not in blamed]
    if not loaded:
        return problems, blamed, None, None
    shape, n = _most([s for _, s in loaded])
    show = lambda s: "x".join(map(str, s))  # noqa: E731
    resizes = spec["kind"] == "datalist" and not spec.get("size")
    for case, other in loaded:
        if other != shape:
            blamed.add(case.id)
            hint = "; dataset.size resizes every image to one size" if resizes and other[0] == shape[0] else ""
            problems.append((_where(case), f"loads as {show(other)} (channels first), but {n} of the {len(loaded)} "
                                           f"images load as {show(shape)}{hint}"))
    return problems, blamed, shape, None


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
    scanned: list[tuple[Case, Scan]] = []
    for i, case in enumerate(cases):
        try:
            result = scan(spec, case)
        except Exception as err:  # noqa: BLE001 - a reader or transform failing its own way (an IndexError on an odd array) is a bad case, not a traceback
            result = Scan([(_where(case), f"cannot be loaded as an image of this data set ({failure(err).removeprefix('does not open (')}")])
        problems += result.problems
        scanned.append((case, result))
        if result.pair is not None:
            image = result.pair[0]
            # a NaN or infinite voxel makes the training loss NaN, and a job would store Dice 0 from it
            bad = int(np.size(image) - np.count_nonzero(np.isfinite(np.asarray(image))))
            if bad:
                problems.append((case.images[0] if len(case.images) == 1 else case.id, f"the image has {bad} NaN or infinite value{'' if bad == 1 else 's'}"))
        if progress is not None:
            progress(i + 1, len(cases))
    # Images of another dimension or shape than the others (never trained on: a batch holds one
    # shape), named by their own files, the majority taken as the data set's.
    odd, blamed, shape, replaced = _odd_ones(spec, scanned)
    problems = [p for p in problems if p[1] != replaced] + odd
    sizes, fractions, patients, empty = [], [], set(), 0
    for case, result in scanned:
        if case.id in blamed:
            continue
        if result.size is not None:
            sizes.append(result.size)
        if result.pair is not None:
            mask = result.pair[1]
            fractions.append(float(mask.mean()))
            empty += not mask.any()
            patients.add(case.patient)
    return {
        "kind": spec["kind"], "root": spec.get("root") or spec.get("datalist"), "cases": len(fractions), "patients": len(patients),
        "channels": shape[0] if shape else None, "spatial_dims": src.spatial_dims(spec),
        "shape": list(shape) if shape else None,
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
