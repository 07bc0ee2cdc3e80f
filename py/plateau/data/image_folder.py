"""Kind ``image-folder``: 2D images and masks in two folders matched by file stem (Kvasir-SEG layout).

Images are resized to ``size`` ([height, width]) bilinearly and scaled to [0, 1]; masks are read as
grey, binarised with ``mask > mask_threshold`` (JPEG masks are not exactly 0/255) and resized with
nearest neighbour so they stay exactly {0, 1}.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image

from .cases import Case, Source
from .listing import finish
from .scan import Scan, check_of, failure, load_of


def _files(folder: Path) -> dict[str, list[Path]]:
    """Files Pillow knows by extension, by stem; hidden files (``.DS_Store``, ``._x.jpg``) skipped."""
    known = Image.registered_extensions()
    by_stem: dict[str, list[Path]] = {}
    for p in sorted(folder.iterdir()):
        if p.is_file() and not p.name.startswith(".") and p.suffix.lower() in known:
            by_stem.setdefault(p.stem, []).append(p)
    return by_stem


def _cases(spec: dict) -> list[Case]:
    root = Path(spec["root"])
    folders = {role: root / spec[role] for role in ("images", "masks")}
    problems = [(str(f), "folder not found") for f in folders.values() if not f.is_dir()]
    if problems:
        return finish(spec, [], problems)
    images, masks = _files(folders["images"]), _files(folders["masks"])
    found = []
    for stem in sorted(images.keys() | masks.keys()):
        files = images.get(stem, []) + masks.get(stem, [])
        if len(images.get(stem, [])) > 1 or len(masks.get(stem, [])) > 1:
            problems += [(str(p), f"stem {stem!r} names several files") for p in files]
        elif stem not in masks:
            problems.append((str(images[stem][0]), "image without mask"))
        elif stem not in images:
            problems.append((str(masks[stem][0]), "mask without image"))
        else:
            found.append((stem, dict(images=(str(images[stem][0]),), mask=str(masks[stem][0]))))
    return finish(spec, found, problems)


def _open(path: str, mode: str) -> Image.Image:
    with Image.open(path) as im:
        im.load()  # decode now, so a truncated file fails here and not in training
        return im.convert(mode)


def _prepare(spec: dict, image: Image.Image, grey_mask: Image.Image) -> tuple[np.ndarray, np.ndarray]:
    height, width = spec["size"]
    image = image.resize((width, height), Image.Resampling.BILINEAR)
    binary = Image.fromarray((np.asarray(grey_mask) > spec["mask_threshold"]).astype(np.uint8))
    binary = binary.resize((width, height), Image.Resampling.NEAREST)
    pixels = np.asarray(image, dtype=np.float32) / 255.0
    pixels = pixels[None] if pixels.ndim == 2 else pixels.transpose(2, 0, 1)
    return np.ascontiguousarray(pixels), np.asarray(binary, dtype=np.float32)[None]


def _scan(spec: dict, case: Case) -> Scan:
    opened, problems = {}, []
    for role, path, mode in (("image", case.images[0], "RGB" if spec["channels"] == 3 else "L"),
                             ("mask", case.mask, "L")):
        try:
            opened[role] = _open(path, mode)
        except Exception as err:  # Pillow raises several types for bad files
            problems.append((path, failure(err)))
    if problems:
        return Scan(problems)
    image, mask = opened["image"], opened["mask"]
    size = (image.height, image.width)
    if mask.size != image.size:
        problems.append((case.mask, f"mask is {mask.height}x{mask.width} but image is {size[0]}x{size[1]}"))
    # Label-map PNGs (values 0/1) under the default threshold 127 would silently become empty masks.
    grey = np.asarray(mask)
    if grey.max() > 0 and grey.max() <= spec["mask_threshold"]:
        problems.append((case.mask, f"no pixel above mask_threshold {spec['mask_threshold']} "
                                    f"(values up to {int(grey.max())}): lower mask_threshold?"))
    if problems:
        return Scan(problems, size)
    return Scan([], size, _prepare(spec, image, mask))


IMAGE_FOLDER = Source(cases=_cases, load=load_of(_scan), check=check_of(_scan), spatial_dims=lambda spec: 2)
SCAN = _scan
