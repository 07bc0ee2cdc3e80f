"""The contract with the control plane: JSON Schema files generated from zod into ``schemas/``.

Nothing here restates a type: jobs and messages are validated against those files, and Arrow
tables are built from the layouts in ``schemas/tables.json``.
"""

from __future__ import annotations

import json
import os
from functools import lru_cache
from pathlib import Path

import jsonschema


def schema_dir() -> Path:
    """``$PLATEAU_SCHEMAS``, else the copy installed with the package (``plateau/contract``, a link
    to the repository's ``schemas/`` in a checkout)."""
    env = os.environ.get("PLATEAU_SCHEMAS")
    if env:
        return Path(env)
    return Path(__file__).resolve().parent / "contract"


@lru_cache(maxsize=None)
def load(name: str) -> dict:
    path = schema_dir() / name
    try:
        return json.loads(path.read_text())
    except FileNotFoundError as e:
        raise RuntimeError(f"schema file {path} is missing; reinstall plateau, or set PLATEAU_SCHEMAS to the repo's schemas/ folder") from e


class SchemaError(ValueError):
    """A document that does not match its schema; the message names every bad field."""


def _validator(schema: dict) -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(schema)


def _leaves(error: jsonschema.ValidationError) -> list[jsonschema.ValidationError]:
    """For oneOf/anyOf (zod's unions), the errors inside the branch that fits best (no failed
    discriminator, then fewest errors), so the message names the field (model.depth), not the union."""
    if not error.context:
        return [error]
    branches: dict[int, list[jsonschema.ValidationError]] = {}
    for e in error.context:
        branches.setdefault(e.relative_schema_path[0], []).append(e)
    best = min(branches.values(), key=lambda errs: (any(e.validator == "const" for e in errs), len(errs)))
    return [leaf for e in best for leaf in _leaves(e)]


def _check(doc: object, schema: dict, what: str) -> None:
    errors = sorted((leaf for e in _validator(schema).iter_errors(doc) for leaf in _leaves(e)),
                    key=lambda e: [str(p) for p in e.absolute_path])
    if errors:
        lines = [f"  - {'.'.join(str(p) for p in e.absolute_path) or '(top level)'}: {e.message}" for e in errors]
        raise SchemaError(f"{what} does not match the schema:\n" + "\n".join(lines))


def validate_job(job: dict) -> None:
    _check(job, load("job.json"), "job")


def validate_message(direction: str, type_: str, header: dict) -> None:
    group = load("messages.json")[direction]
    if type_ not in group:
        raise SchemaError(f"unknown {direction} message type {type_!r}")
    _check(header, group[type_], f"{type_} header")


def validate_bridge_argument(fn: str, arg: object) -> None:
    """An in-process call's argument (``plateau.bridge``) against ``schemas/bridge.json``."""
    _check(arg, load("bridge.json")["calls"][fn]["argument"], f"plateau.bridge.{fn} argument")


def table_layout(name: str) -> list[dict]:
    return load("tables.json")["tables"][name]
