"""``dataset.json`` of the Decathlon and nnU-Net: reading it and the labels it declares."""

from __future__ import annotations

import json
from pathlib import Path


def read(path: Path) -> dict:
    """The parsed file; raises ValueError with the reason when missing or not JSON."""
    if not path.is_file():
        raise ValueError("not found")
    try:
        return json.loads(path.read_text())
    except (json.JSONDecodeError, UnicodeDecodeError) as err:
        raise ValueError(f"not valid JSON ({err})") from err


def declared_labels(meta: dict) -> set[int] | None:
    """Label values in ``labels``: Decathlon / nnU-Net v1 key them by value (``{"0": "background"}``),
    nnU-Net v2 maps names to values or, for regions, lists of values (``{"background": 0}``)."""
    labels = meta.get("labels")
    if not isinstance(labels, dict) or not labels:
        return None
    if all(str(k).isdigit() for k in labels):
        return {int(k) for k in labels}
    values: set[int] = set()
    for v in labels.values():
        values.update(v if isinstance(v, list) else [v])
    return {int(v) for v in values}
