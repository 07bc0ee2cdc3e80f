"""Kind ``nnunet``: an nnU-Net raw data set (v1 or v2 ``dataset.json``).

``imagesTr/<case>_0000.nii.gz``, ``<case>_0001.nii.gz`` … hold one channel each (as many as
``channel_names`` (v2) or ``modality`` (v1) declare); ``labelsTr/<case>.nii.gz`` is the mask.
Only NIfTI ``file_ending``s are read. Normalisation and crop are the 3D kinds' own (``volume.py``).
"""

from __future__ import annotations

import re
from pathlib import Path

from . import dataset_json
from .cases import Case, DataError
from .listing import finish
from .volume import NIFTI, foreground_problems, volume_source


def _meta(spec: dict) -> dict:
    return dataset_json.read(Path(spec["root"]) / "dataset.json")


def _declared(spec: dict) -> set[int] | None:
    try:
        return dataset_json.declared_labels(_meta(spec))
    except ValueError:
        return None


def _visible(folder: Path, ending: str) -> list[Path]:
    # Archives made on macOS carry "._<name>" resource files next to the real ones.
    return sorted(p for p in folder.iterdir() if p.is_file() and p.name.endswith(ending)
                  and not p.name.startswith("."))


def _cases(spec: dict) -> list[Case]:
    root = Path(spec["root"])
    json_path = root / "dataset.json"
    try:
        meta = _meta(spec)
    except ValueError as err:
        return finish(spec, [], [(str(json_path), str(err))])
    ending = meta.get("file_ending", ".nii.gz")
    channels = meta.get("channel_names") or meta.get("modality") or {}
    problems = foreground_problems(spec, dataset_json.declared_labels(meta), str(json_path))
    if ending not in NIFTI:
        problems.append((str(json_path), f"file_ending {ending!r}: only NIfTI ({', '.join(NIFTI)}) is read"))
    if not channels:
        problems.append((str(json_path), "no channel_names (v2) or modality (v1)"))
    folders = {name: root / name for name in ("imagesTr", "labelsTr")}
    # a folder missing is a problem of the data set, one line naming it, not a bad case among others
    missing = [f"its {name} folder {f} {'is a file, not a folder' if f.exists() else 'is missing'}" for name, f in folders.items() if not f.is_dir()]
    if missing and not problems:
        raise DataError(str(root), [(str(root), " and ".join(missing))])
    problems += [(str(root), m) for m in missing]
    if problems:
        return finish(spec, [], problems)
    channel_file = re.compile(rf"^(.+)_(\d{{4}}){re.escape(ending)}$")
    images: dict[str, dict[int, Path]] = {}
    for p in _visible(folders["imagesTr"], ending):
        m = channel_file.match(p.name)
        if m is None:
            problems.append((str(p), f"not named <case>_XXXX{ending}"))
        else:
            images.setdefault(m.group(1), {})[int(m.group(2))] = p
    labels = {p.name[: -len(ending)]: p for p in _visible(folders["labelsTr"], ending)}
    found = []
    for case_id in sorted(images.keys() | labels.keys()):
        files = images.get(case_id, {})
        if case_id not in labels:
            problems.append((str(next(iter(files.values()))), "image without mask"))
            continue
        if not files:
            problems.append((str(labels[case_id]), "mask without image"))
            continue
        missing = [f"{case_id}_{k:04d}{ending}" for k in range(len(channels)) if k not in files]
        extra = sorted(k for k in files if k >= len(channels))
        problems += [(str(folders["imagesTr"] / name), "channel file missing") for name in missing]
        if extra:
            problems.append((str(files[extra[0]]), f"channel {extra[0]} beyond the {len(channels)} declared"))
        if not missing and not extra:
            found.append((case_id, dict(images=tuple(str(files[k]) for k in range(len(channels))),
                                        mask=str(labels[case_id]))))
    return finish(spec, found, problems)


NNUNET, SCAN = volume_source(_cases, _declared)
