"""Kind ``brats2020``: ``root/BraTS20_Training_XXX/BraTS20_Training_XXX_{flair,t1,t1ce,t2,seg}.nii(.gz)``.

The spec's ``modalities`` become channels in that order; the mask is ``foreground`` of the seg labels
(whole tumour: 'nonzero'). Case 355 of the real release ships its seg as ``W39_1998.09.19_Segm.nii``,
so a folder without ``<case>_seg`` takes its single ``*seg*`` / ``*Segm*`` NIfTI file as the mask.
"""

from __future__ import annotations

from pathlib import Path

from .cases import Case, DataError
from .listing import finish
from .volume import NIFTI, foreground_problems, volume_source

LABELS = {0, 1, 2, 4}  # background, necrotic core, oedema, enhancing tumour


def _named(folder: Path, suffix: str) -> Path | None:
    """``<folder>/<folder>_<suffix>.nii(.gz)``, else the single ``*_<suffix>.nii(.gz)`` there."""
    for ext in NIFTI:
        exact = folder / f"{folder.name}_{suffix}{ext}"
        if exact.is_file():
            return exact
    loose = [p for ext in NIFTI for p in folder.glob(f"*_{suffix}{ext}") if not p.name.startswith(".")]
    return loose[0] if len(loose) == 1 else None


def _seg(folder: Path) -> Path | None:
    named = _named(folder, "seg")
    if named is not None:
        return named
    loose = [p for p in folder.iterdir() if not p.name.startswith(".") and p.name.endswith(NIFTI)
             and ("seg" in p.name.lower())]
    return loose[0] if len(loose) == 1 else None


def _cases(spec: dict) -> list[Case]:
    root = Path(spec["root"])
    if not root.is_dir():
        raise DataError(str(root), [(str(root), "not a folder" if root.exists() else "no such folder (dataset.root)")])
    problems = foreground_problems(spec, LABELS, str(root))
    found = []
    for folder in sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith((".", "__"))):
        images = [_named(folder, m) for m in spec["modalities"]]
        seg = _seg(folder)
        missing = [m for m, p in zip(spec["modalities"], images) if p is None]
        if missing:
            problems.append((str(folder), f"no {', '.join(missing)} file(s)"))
        if seg is None:
            problems.append((str(folder), "no seg file (mask)"))
        if not missing and seg is not None:
            found.append((folder.name, dict(images=tuple(map(str, images)), mask=str(seg))))
    return finish(spec, found, problems)


BRATS2020, SCAN = volume_source(_cases, lambda spec: LABELS)
