"""Messages on the wire: ``[type, header-json, ...payload]``, headers checked against the schema."""

from __future__ import annotations

import json

from .schemas import validate_message


def encode(type_: str, header: dict, payload: list[bytes] | None = None) -> list[bytes]:
    validate_message("worker_to_broker", type_, header)
    return [type_.encode(), json.dumps(header).encode(), *(payload or [])]


def decode(frames: list[bytes]) -> tuple[str, dict]:
    type_ = frames[0].decode()
    header = json.loads(frames[1]) if len(frames) > 1 and frames[1] else {}
    return type_, header
