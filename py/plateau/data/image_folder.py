"""Kind ``image-folder``: 2D images and masks in two folders matched by file stem (Kvasir-SEG layout).

Images are resized to ``size`` ([height, width]) bilinearly and scaled to [0, 1]; masks are read as
grey, binarised with ``mask > mask_threshold`` (JPEG masks are not exactly 0/255) and resized with
nearest neighbour so they stay exactly {0, 1}.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image

from .cases import Case, DataError, Source
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
    if not root.is_dir():
        raise DataError(str(root), [(str(root), "not a folder" if root.exists() else "no such folder (dataset.root)")])
    folders = {role: root / spec[role] for role in ("images", "masks")}
    # A folder missing is one error of the data set, not every case of the other folder counted bad.
    missing = [f"its {role} folder {f} {'is a file, not a folder' if f.exists() else 'is missing'} (dataset.{role}: {spec[role]})"
               for role, f in folders.items() if not f.is_dir()]
    if missing:
        raise DataError(str(root), [(str(root), " and ".join(missing))])
    images, masks = _files(folders["images"]), _files(folders["masks"])
    found, problems = [], []
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


def _open(path: str, mode: str) -> tuple[Image.Image, int]:
    """The file decoded in ``mode``, and its number of frames (a multi-page TIFF, an animation)."""
    with Image.open(path) as im:
        im.load()  # decode now, so a truncated file fails here and not in training
        return im.convert(mode), int(getattr(im, "n_frames", 1) or 1)


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
            opened[role], frames = _open(path, mode)
        except Exception as err:  # Pillow raises several types for bad files
            problems.append((path, failure(err)))
            continue
        if frames > 1:  # only the first would be read: a 3D stack trained as one slice
            problems.append((path, f"holds {frames} frames (a 3D stack or an animation), but an image folder takes 2D images, one a file"))
    if problems:
        return Scan(problems)
    try:
        return _checked(spec, case, opened["image"], opened["mask"])
    except (IndexError, ValueError, TypeError) as err:  # an array of a shape the steps below do not expect
        detail = str(err).strip().splitlines()[0] if str(err).strip() else ""
        return Scan([(case.images[0], f"cannot be used as a 2D image ({type(err).__name__}{': ' + detail if detail else ''})")])


def _checked(spec: dict, case: Case, image: Image.Image, mask: Image.Image) -> Scan:
    problems = []
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
