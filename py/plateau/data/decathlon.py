"""Kind ``decathlon``: a Medical Segmentation Decathlon task, listed by MONAI's ``load_decathlon_datalist``.

A 4D image (several modalities, e.g. Task01 BrainTumour) gives one channel per modality; an entry
whose ``image`` is a list gives one channel per file. Normalisation and crop are the 3D kinds' own
(``volume.py``). The case id is the label file's name without extension.
"""

from __future__ import annotations

from pathlib import Path

from monai.data import load_decathlon_datalist

from . import dataset_json
from .cases import Case
from .listing import finish
from .volume import foreground_problems, stem, volume_source


def _declared(spec: dict) -> set[int] | None:
    try:
        return dataset_json.declared_labels(dataset_json.read(Path(spec["root"]) / spec["datalist"]))
    except ValueError:
        return None


def _cases(spec: dict) -> list[Case]:
    root = Path(spec["root"])
    path = root / spec["datalist"]
    try:
        dataset_json.read(path)
        entries = load_decathlon_datalist(path, data_list_key="training", base_dir=root)
    except (ValueError, KeyError) as err:
        return finish(spec, [], [(str(path), str(err))])
    problems = foreground_problems(spec, _declared(spec), str(path))
    found, seen = [], set()
    for entry in entries:
        if "image" not in entry:
            problems.append((str(path), f"training entry without image: {entry}"))
            continue
        images = entry["image"] if isinstance(entry["image"], list) else [entry["image"]]
        label = entry.get("label")
        missing = [(p, "image not found") for p in images if not Path(p).is_file()]
        if label is None:
            missing.append((images[0], "entry without label"))
        elif not Path(label).is_file():
            missing.append((label, "mask not found"))
        case_id = stem(label or images[0])
        if case_id in seen:
            missing.append((label or images[0], f"case {case_id!r} listed twice"))
        seen.add(case_id)
        problems += missing
        if not missing:
            found.append((case_id, dict(images=tuple(map(str, images)), mask=str(label))))
    return finish(spec, found, problems)


DECATHLON, SCAN = volume_source(_cases, _declared)
